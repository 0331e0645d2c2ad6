import type { Bundle, ZObject } from 'zapier-platform-core';
import { guardSteps } from '../../../lib/steps/step-guard';
import { appTester, failureOf, SECRETS } from '../../support/app';

/** A definition whose one step does `step`, guarded as the app guards its own. */
const guarded = (step: (z: ZObject, bundle: Bundle) => unknown) =>
  guardSteps({ operation: { perform: step, sample: { id: 1 } } }).operation.perform as never;

describe('every step settles with a platform error and a sentence', () => {
  it('turns a bug into an app error that names only its kind, never its message', async () => {
    const failure = await failureOf(
      appTester(
        guarded(() => {
          throw new TypeError(`Bearer ${SECRETS.apiKey} is not a legal HTTP header value`);
        }),
        {},
      ),
    );
    expect(failure.name).toBe('AppError');
    expect(failure.message).toBe(
      'The CodeTether integration ran into an unexpected problem (TypeError). Try again; if it keeps happening, contact CodeTether support.',
    );
  });

  it('names the kind of an error from Node itself, which under a test runner is no instanceof Error', async () => {
    const failure = await failureOf(
      appTester(
        guarded(() => {
          throw { name: 'URIError', message: 'URI malformed' };
        }),
        {},
      ),
    );
    expect(failure.message).toMatch(/^The CodeTether integration ran into an unexpected problem \(URIError\)\./);
  });

  it('gives a platform error without a message a sentence, and keeps its class', async () => {
    const refresh = await failureOf(
      appTester(
        guarded((z) => {
          throw new z.errors.RefreshAuthError();
        }),
        {},
      ),
    );
    expect(refresh).toMatchObject({
      name: 'RefreshAuthError',
      message: 'The sign-in of your CodeTether connection has expired; Zapier renews it and tries again.',
    });
    const halted = await failureOf(
      appTester(
        guarded((z) => {
          throw new z.errors.HaltedError();
        }),
        {},
      ),
    );
    expect(halted).toMatchObject({ name: 'HaltedError', message: expect.stringMatching(/^The step stopped\./) });
  });

  it('appends nothing to a platform error, so the bundle and its secrets stay out of it', async () => {
    const failure = await failureOf(
      appTester(
        guarded((z) => {
          throw new z.errors.HaltedError('Nothing to do.');
        }),
        { subscribeData: { id: 'whk_1', secret: SECRETS.subscriptionSecret } } as never,
      ),
    );
    expect(failure.message).toBe('Nothing to do.');
  });

  it('makes the connection’s values well-formed, so that the platform’s scrubber cannot throw', async () => {
    const seen = await appTester(
      guarded((_z, bundle) => bundle.authData),
      { authData: { api_key: 'ct_\ud800abcdef', nested: { list: ['\udfff'] } } as never },
    );
    expect(seen).toEqual({ api_key: 'ct_\ufffdabcdef', nested: { list: ['\ufffd'] } });
  });

  it('leaves what is not a function as it is', () => {
    expect(guardSteps({ key: 'k', fields: [{ key: 'a' }], count: 2, none: null })).toEqual({
      key: 'k',
      fields: [{ key: 'a' }],
      count: 2,
      none: null,
    });
  });

  it('copies only the objects on the way to a function, and changes nothing it was given', () => {
    const perform = async () => 'done';
    const fields = [{ key: 'a' }];
    const sample = { id: 1 };
    const step = { key: 'k', operation: { perform, inputFields: fields, sample } };
    const guarded = guardSteps(step);
    expect(guarded.operation.perform).not.toBe(perform);
    expect(guarded.operation.inputFields).toBe(fields);
    expect(guarded.operation.sample).toBe(sample);
    expect(step.operation.perform).toBe(perform);
  });
});
