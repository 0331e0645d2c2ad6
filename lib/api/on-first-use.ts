/**
 * A value built the first time it is asked for, then kept. The app's zod
 * schemas are made this way: a zod schema is costly to build (a few hundred
 * instances would add about 2.5 % to every cold start), and a step needs only
 * the few it parses with. See docs/PERFORMANCE.md.
 */
export const onFirstUse = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};
