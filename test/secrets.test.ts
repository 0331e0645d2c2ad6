/**
 * No secret (API key, tokens, client secret, webhook signing secret, a
 * subscription's secret) in any error, platform log line or console line of
 * any step, in both authentication flavours, whatever CodeTether answers,
 * on the refresh paths too; and every failure is one of the platform's
 * error classes with a one-line sentence, nothing appended.
 */
import { appFor, SECRETS, useNock } from './support/app';
import { CONNECTIONS, contractAnswer, VISIBLE_STEPS } from './support/steps';
import { type Answer, answerEveryRequest, leakedSecrets, PLATFORM_ERRORS, runAsZapier } from './support/zapier';

useNock();

/**
 * What CodeTether may answer, each time quoting `echo`: every secret it could
 * know of the connection. (The platform's log scrubber censors those in its
 * logs; a secret the step does not hold is beyond what anyone can censor.)
 */
const SERVERS: Record<string, (echo: string) => Answer> = {
  'rejects the credential (401)': (echo) => ({ status: 401, body: { detail: `Invalid token: ${echo}` } }),
  'fails, echoing every secret (500)': (echo) => ({ status: 500, body: { detail: `Crashed on ${echo}` } }),
  // Other statuses and bodies, with secrets in them or not, are the property suite's (test/properties).
  'answers a traceback that quotes them (500, plain text)': (echo) => ({
    status: 500,
    body: `Traceback (most recent call last):\n  File "/app/main.py", line 3\nKeyError: '${echo}'`,
    headers: { 'Content-Type': 'text/plain' },
  }),
};

/** A failure as the platform must see it: its own class, one short sentence, nothing appended. */
const expectSettledFailure = (failure: { name: string; message: string }) => {
  expect(PLATFORM_ERRORS).toContain(failure.name);
  expect(failure.message).not.toMatch(/\n|What happened|\[object Object\]|undefined/);
  expect(failure.message.length).toBeLessThan(600);
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
      expect(leakedSecrets(`${run.failure?.message} ${run.logs} ${JSON.stringify(run.results)}`)).toEqual([]);
      if (run.failure) expectSettledFailure(run.failure);
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
      const output = method.endsWith('performSubscribe') ? '' : JSON.stringify(run.results);
      expect(leakedSecrets(`${run.logs} ${output}`)).toEqual([]);
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
    expect(leakedSecrets(run.logs)).toEqual([]);
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
    expectSettledFailure(run.failure!);
    expect(leakedSecrets(`${run.failure?.message} ${run.logs}`)).toEqual([]);
  });
});

describe('credentials that cannot be sent', () => {
  it.each([
    ['a zero-width space', `${SECRETS.apiKey.slice(0, 20)}\u200b${SECRETS.apiKey.slice(20)}`],
    ['a lone surrogate', `ct_live_\udfff${SECRETS.apiKey.slice(8)}`],
    ['a line break', `${SECRETS.apiKey}\r\nX-Injected: 1`],
  ])(
    'a key with %s settles every step with a sentence that quotes none of it, and sends nothing',
    async (_, apiKey) => {
      const stand_in = answerEveryRequest(contractAnswer);
      for (const step of VISIBLE_STEPS) {
        const run = await runAsZapier(appFor('api_key'), step.method, {
          ...step.bundle,
          authData: { api_key: apiKey },
        });
        expect(leakedSecrets(`${run.failure?.message} ${run.logs}`)).toEqual([]);
        expect(`${run.failure?.message} ${run.logs}`).not.toContain(apiKey.slice(8, 20));
        if (run.failure) expectSettledFailure(run.failure);
      }
      expect(stand_in.seen.filter((request) => request.url.includes('/v1/'))).toEqual([]);
      stand_in.stop();
    },
  );
});
