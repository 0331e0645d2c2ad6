import fc from 'fast-check';
import nock from 'nock';
import App from '../index';
import { hostileValue, numRuns, SEED } from './properties/arbitraries';
import {
  API,
  apiKeyAuth,
  appFor,
  appTester,
  BASE,
  failureOf,
  oauthAppTester,
  oauthAuth,
  SECRETS,
  useNock,
} from './support/app';
import { answerEveryRequest, runAsZapier } from './support/zapier';

useNock();

const me = { id: 'usr_42', email: 'ada@example.com', name: 'Ada Lovelace', authenticated: true };
const userMe = {
  id: 'usr_42',
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  status: 'active',
  email_verified: true,
  tasks_used_this_month: 3,
  tasks_limit: 100,
  created_at: '2026-01-02T03:04:05Z',
};

describe('API key authentication', () => {
  const auth = App.authentication!;

  it('is the default flavour, with a password field and an optional base URL', () => {
    expect(auth.type).toBe('custom');
    const [apiKey, baseUrl] = auth.fields!;
    expect(apiKey).toMatchObject({ key: 'api_key', type: 'password', required: true });
    expect(apiKey.helpText).toMatch(/\]\(https:\/\/codetether\.io\//);
    expect(baseUrl).toMatchObject({ key: 'base_url', required: false });
  });

  it('tests with /v1/users/me, which takes `ct_` keys, in one request with the key as a bearer token', async () => {
    nock(BASE, { reqheaders: { authorization: `Bearer ${SECRETS.apiKey}` } })
      .get('/v1/users/me')
      .reply(200, userMe);
    const account = await appTester(auth.test as never, { authData: apiKeyAuth });
    expect(account).toEqual({ id: 'usr_42', email: 'ada@example.com', name: 'Ada Lovelace', host: null });
  });

  it('says the key was rejected, and why that may be, when CodeTether refuses it', async () => {
    nock(BASE).get('/v1/users/me').reply(401, { detail: 'Authentication required' });
    const failure = await failureOf(appTester(auth.test as never, { authData: apiKeyAuth }));
    expect(failure.message).toMatch(/^CodeTether rejected the API key: it may have been revoked or have expired/);
    expect(failure.message).not.toContain(SECRETS.apiKey);
  });

  it('says a rejected key without `ct_` is likely no CodeTether key', async () => {
    nock(BASE).get('/v1/users/me').reply(401, { detail: 'Authentication required' });
    const failure = await failureOf(appTester(auth.test as never, { authData: { api_key: 'not-a-codetether-key' } }));
    expect(failure.message).toMatch(
      /^CodeTether rejected the API key: CodeTether's API keys start with `ct_`, and this one does not/,
    );
  });

  it('labels an account whose profile has neither name nor email by its ID', async () => {
    nock(BASE).get('/v1/users/me').reply(200, { id: 'usr_42', email: '', status: 'active' });
    const account = await appTester(auth.test as never, { authData: apiKeyAuth });
    expect(account).toEqual({ id: 'usr_42', email: null, name: null, host: null });
    await expect(appTester(auth.connectionLabel as never, { inputData: account as never })).resolves.toBe(
      'Account usr_42',
    );
  });

  it.each([
    ['a space', `${SECRETS.apiKey.slice(0, 12)} ${SECRETS.apiKey.slice(12)}`],
    ['a zero-width space', `${SECRETS.apiKey.slice(0, 12)}\u200b${SECRETS.apiKey.slice(12)}`],
    ['a Cyrillic look-alike', SECRETS.apiKey.replace('a', '\u0430')],
    ['an ellipsis', `${SECRETS.apiKey.slice(0, 12)}…`],
    ['a lone surrogate', `ct_live_\udfff${SECRETS.apiKey.slice(8)}`],
  ])('refuses a key with %s before any request, naming the field and quoting none of it', async (_, apiKey) => {
    const failure = await failureOf(appTester(auth.test as never, { authData: { api_key: apiKey } }));
    expect(failure.message).toBe(
      'The API Key of your connection contains a character no API key has (a space, a line break, an invisible character or a look-alike letter such as a Cyrillic “а”). Copy the key again from CodeTether under Settings → API Keys and reconnect.',
    );
    expect(failure.message).not.toContain(apiKey.slice(3, 12));
  });

  it('refuses a key far longer than any key before any request, quoting none of it', async () => {
    const failure = await failureOf(appTester(auth.test as never, { authData: { api_key: `ct_${'a'.repeat(5000)}` } }));
    expect(failure.message).toMatch(/^The API Key of your connection is far longer than any API key/);
    expect(failure.message).not.toContain('aaaa');
  });

  it.each([
    ['no key', {}],
    ['an empty key', { api_key: '  ' }],
  ])('asks for a key, without calling /me, for a connection with %s', async (_, authData) => {
    const failure = await failureOf(appTester(auth.test as never, { authData }));
    expect(failure.message).toMatch(/^Your CodeTether connection has no API key \(or sign-in\)\. Reconnect it/);
  });

  it.each([
    ['a number', 12345],
    ['a list', ['ct_a']],
    ['an object', { key: 'ct_a' }],
  ])('says a key that is %s is not text, before any request', async (_, apiKey) => {
    const failure = await failureOf(appTester(auth.test as never, { authData: { api_key: apiKey as never } }));
    expect(failure.message).toMatch(/^The API Key of your connection is not text\./);
  });

  it('talks to a self-hosted instance and names its host in the label', async () => {
    nock('https://codetether.example.com').get('/v1/users/me').reply(200, userMe);
    const account = await appTester(auth.test as never, {
      authData: { ...apiKeyAuth, base_url: 'https://codetether.example.com/' },
    });
    expect(account).toMatchObject({ host: 'codetether.example.com' });
    const label = await appTester(auth.connectionLabel as never, { inputData: account as never });
    expect(label).toBe('Ada Lovelace (ada@example.com) @ codetether.example.com');
  });

  it('labels the connection by name and email, or whatever it has', async () => {
    const label = (inputData: Record<string, unknown>) => appTester(auth.connectionLabel as never, { inputData });
    await expect(label({ id: 'u', name: 'Ada', email: 'ada@example.com', host: null })).resolves.toBe(
      'Ada (ada@example.com)',
    );
    await expect(label({ id: 'u', name: null, email: 'ada@example.com', host: null })).resolves.toBe('ada@example.com');
    await expect(label({ id: 'u7', name: null, email: null, host: null })).resolves.toBe('Account u7');
  });

  it.each([
    ['http://codetether.example.com', /must start with https:\/\//],
    ['https://codetether.example.com/api', /must not contain a path/],
    ['https://codetether.example.com/?team=1', /must not contain a query string/],
    ['https://codetether.example.com/#top', /must not contain a fragment/],
    ['https://ada:pw@codetether.example.com', /must not contain a user name or password/],
    ['codetether', /is not a web address/],
  ])('refuses the base URL %s before any request', async (baseUrl, problem) => {
    const failure = await failureOf(appTester(auth.test as never, { authData: { ...apiKeyAuth, base_url: baseUrl } }));
    expect(failure.message).toMatch(problem);
    expect(failure.message).toMatch(/^The CodeTether Base URL “/);
  });

  it('allows plain http for the local emulator on loopback', async () => {
    nock('http://127.0.0.1:4010').get('/v1/users/me').reply(200, userMe);
    const account = await appTester(auth.test as never, {
      authData: { ...apiKeyAuth, base_url: 'http://127.0.0.1:4010' },
    });
    expect(account).toMatchObject({ host: '127.0.0.1:4010' });
  });
});

describe('OAuth2 authentication', () => {
  // Made once: runAsZapier keeps one Zapier runtime per app, so a fresh app for each run would set one up again.
  const app = appFor('oauth2');
  const auth = app.authentication!;
  const config = auth.oauth2Config!;
  const tokenAnswer = {
    access_token: SECRETS.accessToken,
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: SECRETS.refreshToken,
    scope: 'tasks:read tasks:write',
  };

  it('uses the authorization code flow with PKCE, both scopes and auto refresh, and asks the user for no address', () => {
    expect(auth.type).toBe('oauth2');
    expect(config).toMatchObject({ enablePkce: true, autoRefresh: true, scope: 'tasks:read tasks:write' });
    expect(auth.fields!.map((field) => field.key)).toEqual(['webhook_secret']);
  });

  it('sends the user to the build’s instance to sign in, whatever the form holds', async () => {
    const url = (await oauthAppTester(config.authorizeUrl as never, {
      inputData: {
        state: 'st4te',
        redirect_uri: 'https://zapier.com/dashboard/auth/oauth/return/App1CLIAPI/',
        base_url: 'https://evil.example.net',
      },
    })) as string;
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe(`${BASE}/oauth/authorize`);
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'codetether-zapier-test',
      scope: 'tasks:read tasks:write',
      state: 'st4te',
      redirect_uri: 'https://zapier.com/dashboard/auth/oauth/return/App1CLIAPI/',
    });
  });

  it('exchanges the code with the PKCE verifier at the build’s instance, and keeps that instance', async () => {
    let form: URLSearchParams | undefined;
    nock(BASE)
      .post('/oauth/token', (body) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(200, tokenAnswer);
    const result = await oauthAppTester(config.getAccessToken as never, {
      inputData: {
        code: 'c0de',
        redirect_uri: 'https://zapier.test/r',
        code_verifier: 'v'.repeat(43),
        webhook_secret: SECRETS.webhookSecret,
      },
    });
    // Zapier keeps only what getAccessToken returns: the form's Webhook Signing Secret too.
    expect(result).toEqual({
      access_token: SECRETS.accessToken,
      refresh_token: SECRETS.refreshToken,
      base_url: BASE,
      webhook_secret: SECRETS.webhookSecret,
    });
    expect(Object.fromEntries(form!)).toEqual({
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: 'https://zapier.test/r',
      code_verifier: 'v'.repeat(43),
      client_id: 'codetether-zapier-test',
      client_secret: SECRETS.clientSecret,
    });
  });

  it('sends the client secret, a code or a token nowhere but the build’s instance, whatever the input', async () => {
    const seen: string[] = [];
    const stand_in = answerEveryRequest((request) => {
      seen.push(request.url);
      return { status: 200, body: tokenAnswer };
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom('base_url', 'code', 'redirect_uri', 'code_verifier', 'state', 'webhook_secret', 'url'),
            fc.oneof(
              fc.constantFrom('https://evil.example.net', 'http://127.0.0.1:9', '//evil.example.net'),
              hostileValue,
            ),
          ),
          fc.dictionary(fc.constantFrom('base_url', 'refresh_token', 'access_token'), hostileValue),
          async (inputData, authData) => {
            for (const method of ['getAccessToken', 'refreshAccessToken']) {
              await runAsZapier(app, `authentication.oauth2Config.${method}`, {
                inputData,
                authData: { ...oauthAuth, ...authData },
              });
            }
          },
        ),
        { seed: SEED, numRuns: numRuns(60) },
      );
    } finally {
      stand_in.stop();
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const url of seen) expect(url).toBe(`${BASE}/oauth/token`);
  });

  it('logs no token of an answer cut off in transit, at any length', async () => {
    const fresh = {
      access_token: 'oat_fresh_4e6a8c0b2d4f6a8c0e2b4d6f',
      refresh_token: 'ort_fresh_7b9d1f3a5c7e9b1d3f5a7c9e',
    };
    const answer = JSON.stringify({ ...tokenAnswer, ...fresh });
    for (let length = 0; length <= answer.length; length++) {
      const cut = answer.slice(0, length);
      for (const method of ['getAccessToken', 'refreshAccessToken']) {
        const stand_in = answerEveryRequest(() => ({
          status: 200,
          body: cut,
          headers: { 'Content-Type': 'application/json' },
        }));
        const run = await runAsZapier(app, `authentication.oauth2Config.${method}`, {
          inputData: { code: 'c0de' },
          authData: oauthAuth,
        });
        stand_in.stop();
        const said = `${run.logs}\n${run.failure?.message ?? ''}`;
        for (const token of Object.values(fresh)) {
          // Any eight characters of a token would be too many.
          expect(said).not.toContain(token.slice(-8));
        }
      }
    }
  });

  it('signs in with a server that issues no refresh token', async () => {
    nock(BASE).post('/oauth/token').reply(200, { access_token: SECRETS.accessToken, token_type: 'Bearer' });
    const result = await oauthAppTester(config.getAccessToken as never, { inputData: { code: 'c0de' } });
    expect(result).toEqual({
      access_token: SECRETS.accessToken,
      refresh_token: '',
      base_url: BASE,
      webhook_secret: '',
    });
  });

  it('explains a refused code without showing the raw body', async () => {
    nock(BASE).post('/oauth/token').reply(400, { error: 'invalid_grant', error_description: 'Code expired' });
    const failure = await failureOf(oauthAppTester(config.getAccessToken as never, { inputData: { code: 'old' } }));
    expect(failure.message).toBe(
      'CodeTether did not accept the sign-in: Code expired (invalid_grant). Reconnect your CodeTether account.',
    );
  });

  it('explains a refused code that comes without a description', async () => {
    nock(BASE).post('/oauth/token').reply(400, { error: 'invalid_grant' });
    const failure = await failureOf(oauthAppTester(config.getAccessToken as never, { inputData: { code: 'old' } }));
    expect(failure.message).toBe(
      'CodeTether did not accept the sign-in: invalid_grant. Reconnect your CodeTether account.',
    );
  });

  it('says so when the token answer is a page instead of JSON, without the page', async () => {
    nock(BASE)
      .post('/oauth/token')
      .reply(200, '<html><body>Please sign in</body></html>', { 'Content-Type': 'text/html' });
    const failure = await failureOf(oauthAppTester(config.getAccessToken as never, { inputData: { code: 'c' } }));
    expect(failure.message).toBe(
      'CodeTether sent an answer that is not JSON while signing in (HTTP 200). If this keeps happening, contact CodeTether support.',
    );
  });

  it('says so when the token answer lacks the access token', async () => {
    nock(BASE).post('/oauth/token').reply(200, { token_type: 'Bearer' });
    const failure = await failureOf(oauthAppTester(config.getAccessToken as never, { inputData: { code: 'c' } }));
    expect(failure.message).toMatch(/unexpected answer to signing in: field “access_token” is missing/);
  });

  it('refreshes and keeps the rotated refresh token, without sending the stale bearer', async () => {
    nock(BASE, { badheaders: ['authorization'] })
      .post(
        '/oauth/token',
        (body) => body.grant_type === 'refresh_token' && body.refresh_token === SECRETS.refreshToken,
      )
      .reply(200, { access_token: 'oat_new', refresh_token: 'ort_rotated', expires_in: 3600 });
    const result = await oauthAppTester(config.refreshAccessToken as never, { authData: oauthAuth });
    expect(result).toEqual({ access_token: 'oat_new', refresh_token: 'ort_rotated', base_url: BASE });
  });

  it('keeps the old refresh token when the server does not rotate it', async () => {
    nock(BASE).post('/oauth/token').reply(200, { access_token: 'oat_new' });
    const result = await oauthAppTester(config.refreshAccessToken as never, { authData: oauthAuth });
    expect(result).toEqual({ access_token: 'oat_new', refresh_token: SECRETS.refreshToken, base_url: BASE });
  });

  it('tests with /v1/automation/me, also for an account without name or email', async () => {
    nock(API).get('/me').reply(200, { id: 'usr_42', email: null, authenticated: true });
    await expect(oauthAppTester(auth.test as never, { authData: oauthAuth })).resolves.toEqual({
      id: 'usr_42',
      email: null,
      name: null,
      host: null,
    });
  });

  it('tests with /v1/automation/me and asks for a refresh on 401', async () => {
    nock(API, { reqheaders: { authorization: `Bearer ${SECRETS.accessToken}` } })
      .get('/me')
      .reply(200, me);
    await expect(oauthAppTester(auth.test as never, { authData: oauthAuth })).resolves.toMatchObject({ id: 'usr_42' });
    nock(API)
      .get('/me')
      .reply(401, { detail: { error: 'unauthorized', message: 'Invalid or expired token' } });
    const failure = await failureOf(oauthAppTester(auth.test as never, { authData: oauthAuth }));
    expect(failure.name).toBe('RefreshAuthError');
  });

  it('asks the user to reconnect (ExpiredAuthError) when CodeTether refuses the refresh token', async () => {
    nock(BASE)
      .post('/oauth/token')
      .reply(400, { error: 'invalid_grant', error_description: 'The refresh token is invalid or was already used.' });
    const failure = await failureOf(oauthAppTester(config.refreshAccessToken as never, { authData: oauthAuth }));
    expect(failure.name).toBe('ExpiredAuthError');
    expect(failure.message).toBe(
      'CodeTether did not accept the sign-in: The refresh token is invalid or was already used. (invalid_grant). Reconnect your CodeTether account.',
    );
  });

  it('asks the user to reconnect when the token endpoint answers 401, instead of asking for another refresh', async () => {
    nock(BASE).post('/oauth/token').reply(401, { error: 'invalid_client' });
    const refresh = await failureOf(oauthAppTester(config.refreshAccessToken as never, { authData: oauthAuth }));
    expect(refresh.name).toBe('ExpiredAuthError');
    nock(BASE).post('/oauth/token').reply(401, { error: 'invalid_client' });
    const signIn = await failureOf(oauthAppTester(config.getAccessToken as never, { inputData: { code: 'c' } }));
    expect(signIn.name).toBe('AppError');
    expect(signIn.message).toMatch(/^CodeTether refused the sign-in of this integration \(HTTP 401 Unauthorized\)/);
  });

  it('asks the user to reconnect, without a request, when there is no usable refresh token', async () => {
    for (const refresh_token of [undefined, '', 'ort_\u200bbroken']) {
      const failure = await failureOf(
        oauthAppTester(config.refreshAccessToken as never, { authData: { ...oauthAuth, refresh_token } }),
      );
      expect(failure.name).toBe('ExpiredAuthError');
      expect(failure.message).toMatch(/cannot be renewed .* Reconnect your CodeTether account\.$/);
    }
  });

  it('treats a 429 from the token endpoint like any other: a ThrottledError with a bounded delay', async () => {
    nock(BASE).post('/oauth/token').reply(429, { error: 'slow_down' }, { 'Retry-After': '99999999999' });
    const failure = await failureOf(oauthAppTester(config.refreshAccessToken as never, { authData: oauthAuth }));
    expect(failure.name).toBe('ThrottledError');
    expect(failure.delay).toBe(3600);
    expect(failure.message).toBe(
      "CodeTether's rate limit was reached while signing in; Zapier will try again in 3600 seconds.",
    );
  });

  it('asks to reconnect, without a request, when the access token cannot be sent', async () => {
    const failure = await failureOf(
      oauthAppTester(auth.test as never, { authData: { ...oauthAuth, access_token: 'oat_\u00a0x' } }),
    );
    expect(failure.name).toBe('ExpiredAuthError');
    expect(failure.message).toMatch(/^The sign-in of your CodeTether connection is damaged/);
  });
});
