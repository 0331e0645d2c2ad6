import type { Bundle, ZObject } from 'zapier-platform-core';
import { createAppTester, version as platformVersion } from 'zapier-platform-core';
import resolveMethodPath from 'zapier-platform-core/src/tools/resolve-method-path';
import App from '../../../index';
import { guardSteps } from '../../../lib/steps/step-guard';
import findTask from '../../../searches/find_task';
import { SECRETS } from '../../support/app';
import { runAsZapier } from '../../support/zapier';

/** An app whose one step does `step`, guarded as the app guards its own. */
const appDoing = (step: (z: ZObject, bundle: Bundle) => unknown) =>
  guardSteps({
    version: '1.0.0',
    platformVersion,
    creates: {
      act: {
        key: 'act',
        noun: 'Act',
        display: { label: 'Act', description: 'Acts.' },
        operation: { perform: step, sample: { id: 1 } },
      },
    },
  });

const run = (step: (z: ZObject, bundle: Bundle) => unknown, bundle: object = {}) =>
  runAsZapier(appDoing(step), 'creates.act.operation.perform', bundle);

const secrets = {
  authData: { api_key: SECRETS.apiKey, webhook_secret: SECRETS.webhookSecret },
  subscribeData: { id: 'whk_1', secret: SECRETS.subscriptionSecret },
};

describe('every step settles with a platform error and a sentence', () => {
  it('turns a bug into an app error that names only its kind, and logs what it said, stack and all, secrets taken out', async () => {
    const { failure, logs } = await run(() => {
      throw new TypeError(`Bearer ${SECRETS.apiKey} is not a legal HTTP header value (${SECRETS.subscriptionSecret})`);
    }, secrets);
    expect(failure?.name).toBe('AppError');
    expect(failure?.message).toBe(
      'The CodeTether integration ran into an unexpected problem (TypeError). Try again; if it keeps happening, contact CodeTether support.',
    );
    const logged = logs.split('\n').filter((line) => line.startsWith('Unexpected error: TypeError: Bearer'));
    // Once: the platform's log and z.console's echo on the process console carry the same line.
    expect(new Set(logged).size).toBe(1);
    expect(logs).toMatch(/is not a legal HTTP header value \(:censored:\)\n\s+at /);
    expect(logs).not.toContain(SECRETS.apiKey);
    expect(logs).not.toContain(SECRETS.subscriptionSecret);
  });

  it('names the kind of an error from Node itself, which under a test runner is no instanceof Error', async () => {
    const { failure } = await run(() => {
      throw { name: 'URIError', message: 'URI malformed' };
    });
    expect(failure?.message).toMatch(/^The CodeTether integration ran into an unexpected problem \(URIError\)\./);
  });

  it('gives a platform error without a message a sentence, and keeps its class', async () => {
    const refresh = await run((z) => {
      throw new z.errors.RefreshAuthError();
    });
    expect(refresh.failure).toMatchObject({
      name: 'RefreshAuthError',
      message: 'The sign-in of your CodeTether connection has expired; Zapier renews it and tries again.',
    });
    const halted = await run((z) => {
      throw new z.errors.HaltedError();
    });
    expect(halted.failure).toMatchObject({
      name: 'HaltedError',
      message: expect.stringMatching(/^The step stopped\./),
    });
  });

  it('appends nothing to a platform error, so the bundle and its secrets stay out of it', async () => {
    for (const kind of ['HaltedError', 'ExpiredAuthError', 'RefreshAuthError'] as const) {
      const { failure } = await run((z) => {
        throw new z.errors[kind]('Nothing to do.');
      }, secrets);
      expect(failure?.raw.message).toBe('Nothing to do.');
    }
  });

  it('makes the connection’s values well-formed, so that the platform’s scrubber cannot throw', async () => {
    const { results } = await run((_z, bundle) => bundle.authData, {
      authData: { api_key: 'ct_\ud800abcdef', nested: { list: ['\udfff'] } },
    });
    expect(results).toEqual({ api_key: 'ct_\ufffdabcdef', nested: { list: ['\ufffd'] } });
  });
});

describe('the guard keeps the functions Zapier resolves', () => {
  const functionsOf = (definition: unknown, path: string[] = []): [string, unknown][] =>
    typeof definition === 'function'
      ? [[path.join('.'), definition]]
      : definition !== null && typeof definition === 'object'
        ? Object.entries(definition).flatMap(([key, value]) =>
            functionsOf(
              value,
              Array.isArray(definition) ? [...path.slice(0, -1), `${path.at(-1)}[${key}]`] : [...path, key],
            ),
          )
        : [];

  it('wraps each function where the step file put it: the app resolves every one of them to its own path', () => {
    const functions = ['triggers', 'creates', 'searches', 'authentication'].flatMap((part) =>
      functionsOf((App as unknown as Record<string, unknown>)[part], [part]),
    );
    expect(functions.length).toBeGreaterThan(30);
    for (const [path, fn] of functions) expect(resolveMethodPath(App, fn)).toBe(path);
    // The step file's own export is what ships.
    expect(findTask.operation.perform).toBe(App.searches.find_task.operation.perform);
  });

  it('lets a step dehydrate a step function, as z.dehydrate needs its path in the app', async () => {
    const appTester = createAppTester(App);
    const pointer = await appTester(async (z: ZObject) =>
      z.dehydrate(findTask.operation.perform as never, { task_id: 't1' }),
    );
    expect(pointer).toBe(
      'hydrate|||{"type":"method","method":"searches.find_task.operation.perform","bundle":{"task_id":"t1"}}|||hydrate',
    );
  });

  it('guards a function once, however often the app is guarded', () => {
    const perform = App.creates.create_task.operation.perform;
    guardSteps(App);
    expect(App.creates.create_task.operation.perform).toBe(perform);
  });
});
