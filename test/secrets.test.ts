/**
 * No secret (API key, tokens, client secret, webhook signing secret, a
 * subscription's secret) in any error, platform log line or console line of
 * any step, in both authentication flavours, whatever CodeTether answers,
 * on the refresh paths too; and every failure is one of the platform's
 * error classes with a one-line sentence, nothing appended.
 */
import { DEFAULT_BASE_URL } from '../lib/api/contract';
import { appFor, SECRETS, useNock } from './support/app';
import { CONNECTIONS, contractAnswer, VISIBLE_STEPS } from './support/steps';
import { type Answer, answerEveryRequest, expectSettledSafely, runAsZapier } from './support/zapier';

useNock();

/**
 * What CodeTether may answer, each time quoting `echo`: every secret it could
 * know of the connection. (The platform's log scrubber censors those in its
 * logs; a secret the step does not hold is beyond what anyone can censor.)
 */
const SERVERS: Record<string, (echo: string) => Answer> = {
  'rejects the credential (401)': (echo) => ({ status: 401, body: { detail: `Invalid token: ${echo}` } }),
  'fails, echoing every secret (500)': (echo) => ({ status: 500, body: { detail: `Crashed on ${echo}` } }),
  // Other statuses and bodies, with secrets in them or not, are the property suite's (test/properties);
  // each test file stays under 250 runs, after which the platform exits a process that uses much memory.
};

describe.each(Object.entries(CONNECTIONS))('the %s flavour', (flavour, authData) => {
  const app = appFor(flavour as keyof typeof CONNECTIONS);

  describe.each(Object.entries(SERVERS))('when CodeTether %s', (server, answer) => {
    it.each(VISIBLE_STEPS.map((step) => [step.method, step] as const))('%s leaks nothing', async (_, step) => {
      const stand_in = answerEveryRequest(() =>
        answer([...Object.values(authData), SECRETS.clientSecret].join(' and ')),
      );
      const run = await runAsZapier(app, step.method, { ...step.bundle, authData });
      stand_in.stop();
      expectSettledSafely(run, stand_in.seen, DEFAULT_BASE_URL);
      // An OAuth token that CodeTether rejects is refreshed: Zapier needs the RefreshAuthError to do so.
      if (flavour === 'oauth2' && server.includes('401') && run.failure) {
        expect(run.failure.name).toBe('RefreshAuthError');
      }
    });
  });

  it.each(VISIBLE_STEPS.map((step) => [step.method, step] as const))(
    '%s leaks nothing when CodeTether answers as the contract says',
    async (method, step) => {
      const stand_in = answerEveryRequest(contractAnswer);
      const run = await runAsZapier(app, step.method, { ...step.bundle, authData });
      stand_in.stop();
      expect(run.failure).toBeUndefined();
      // Subscribing outputs the subscription's secret: Zapier keeps it in subscribeData, it is no leak.
      expectSettledSafely(run, stand_in.seen, DEFAULT_BASE_URL, {
        outputMayHoldSecret: method.endsWith('performSubscribe'),
      });
      expect(run.logs).toMatch(/codetether\.io/);
    },
  );
});

describe('the OAuth2 sign-in and its refresh', () => {
  const app = appFor('oauth2');
  const signIn = {
    inputData: { code: 'c0de', redirect_uri: 'https://zapier.test/r', code_verifier: 'v'.repeat(43) },
  };
  const refresh = { authData: CONNECTIONS.oauth2 };

  it.each([
    ['getAccessToken', signIn],
    ['refreshAccessToken', refresh],
  ])('%s logs neither tokens nor the client secret', async (method, bundle) => {
    const stand_in = answerEveryRequest(contractAnswer);
    const run = await runAsZapier(app, `authentication.oauth2Config.${method}`, bundle);
    stand_in.stop();
    expect(run.failure).toBeUndefined();
    expect(run.logs).toContain('/oauth/token');
    // The new tokens are the step's output, which Zapier keeps in authData.
    expectSettledSafely(run, stand_in.seen, DEFAULT_BASE_URL, { outputMayHoldSecret: true });
  });

  it.each([
    [
      400,
      { error: 'invalid_grant', error_description: `Refresh token ${SECRETS.refreshToken} was revoked` },
      'ExpiredAuthError',
    ],
    [401, { error: 'invalid_client', error_description: `Unknown client ${SECRETS.clientSecret}` }, 'ExpiredAuthError'],
    [429, { error: 'slow_down' }, 'ThrottledError'],
    [500, { detail: `Token store down for ${Object.values(refresh.authData).join(' and ')}` }, 'AppError'],
  ])('a refresh answered %i fails as %s with a sentence and leaks nothing', async (status, body, name) => {
    const stand_in = answerEveryRequest(() => ({ status, body }));
    const run = await runAsZapier(app, 'authentication.oauth2Config.refreshAccessToken', refresh);
    stand_in.stop();
    expect(run.failure?.name).toBe(name);
    expectSettledSafely(run, stand_in.seen, DEFAULT_BASE_URL);
  });
});
