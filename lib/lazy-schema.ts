/**
 * zod, loaded on first use. Loading it costs about as much as a sixth of
 * zapier-platform-core (95 files, 64 of them locales), and Zapier loads the
 * app on every cold start, also to read its definition, which needs no
 * schema. A schema built with `lazySchema` is a stand-in that builds the real
 * one the first time anything touches it, so importing the contract is free.
 */
import type * as Zod from 'zod';

type ZodNamespace = typeof Zod.z;

let loaded: ZodNamespace | undefined;
const zod = (): ZodNamespace => {
  loaded ??= (require('zod') as typeof Zod).z;
  return loaded;
};

export const lazySchema = <T extends object>(build: (z: ZodNamespace) => T): T => {
  let built: T | undefined;
  const schema = (): T => {
    built ??= build(zod());
    return built;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key),
    has: (_, key) => Reflect.has(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      // A proxy may not report a property as fixed that its empty target lacks.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
};
