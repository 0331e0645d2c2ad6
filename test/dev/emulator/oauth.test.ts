import { randomBytes } from 'node:crypto';
import { DEFAULT_OPTIONS } from '../../../dev/emulator/config';
import { pkceChallenge } from '../../../dev/emulator/oauth';
import { api } from '../../../lib/api/contract';
import { useEmulator } from './http';

const { call, emulator } = useEmulator({ accessTokenTtlSeconds: 1 });
const client = DEFAULT_OPTIONS.oauthClient;
const REDIRECT_URI = 'https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/';

const authorize = (params: Record<string, string>) =>
  call('GET', `/oauth/authorize?${new URLSearchParams(params)}`, { token: null });

const validAuthorize = (verifier: string, overrides: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: client.clientId,
  redirect_uri: REDIRECT_URI,
  state: 'st4te-123',
  scope: 'tasks:read tasks:write',
  code_challenge: pkceChallenge(verifier),
  code_challenge_method: 'S256',
  ...overrides,
});

const redirectParams = (location: string | null) => Object.fromEntries(new URL(location ?? '').searchParams);

const token = (form: Record<string, string>, as: 'form' | 'json' = 'form') =>
  fetch(`${emulator().url}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: as === 'form' ? new URLSearchParams(form).toString() : JSON.stringify(form),
  }).then(async (response) => ({ status: response.status, body: await response.json() }));

const codeFor = async (verifier: string) => {
  const answer = await authorize(validAuthorize(verifier));
  expect(answer.status).toBe(302);
  return redirectParams(answer.headers.get('location')).code!;
};

const signIn = async () => {
  const verifier = randomBytes(32).toString('base64url');
  const answer = await token({
    grant_type: 'authorization_code',
    code: await codeFor(verifier),
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
  expect(answer.status).toBe(200);
  return api.TokenAnswer.parse(answer.body);
};

describe('the OAuth metadata document', () => {
  it('names both endpoints, S256 only and the scopes', async () => {
    const { body } = await call('GET', '/.well-known/oauth-authorization-server', { token: null });
    expect(body).toMatchObject({
      issuer: emulator().url,
      authorization_endpoint: `${emulator().url}/oauth/authorize`,
      token_endpoint: `${emulator().url}/oauth/token`,
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    });
    expect(body.scopes_supported).toEqual(expect.arrayContaining(['tasks:read', 'tasks:write']));
  });
});

describe('authorize', () => {
  it('redirects back with a code and the state', async () => {
    const answer = await authorize(validAuthorize('verifier-for-redirect-test-0123456789abcdef'));
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(Object.keys(redirectParams(location.href)).sort()).toEqual(['code', 'state']);
    expect(location.searchParams.get('state')).toBe('st4te-123');
  });

  it.each([
    ['without PKCE', { code_challenge: '' }, 'invalid_request'],
    ['with the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['for a response type other than code', { response_type: 'token' }, 'unsupported_response_type'],
    ['for an unknown scope', { scope: 'tasks:read admin' }, 'invalid_scope'],
  ])('redirects back with an error %s', async (_case, overrides, error) => {
    const answer = await authorize(validAuthorize('v'.repeat(43), overrides));
    expect(answer.status).toBe(302);
    expect(redirectParams(answer.headers.get('location'))).toMatchObject({ error, state: 'st4te-123' });
  });

  it.each([
    ['an unknown client', { client_id: 'someone-else' }],
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example.com/steal' }],
  ])('answers 400 without redirecting for %s', async (_case, overrides) => {
    const answer = await authorize(validAuthorize('v'.repeat(43), overrides));
    expect(answer.status).toBe(400);
    expect(api.OAuthErrorBody.parse(answer.body).error).toBe('invalid_request');
  });
});

describe('token', () => {
  it('exchanges a code for tokens that open /me', async () => {
    const tokens = await signIn();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 1, scope: 'tasks:read tasks:write' });
    const me = await call('GET', '/v1/automation/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
    expect(api.AutomationMe.parse(me.body)).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
  });

  it('takes a code only once', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = await codeFor(verifier);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: client.clientId,
    };
    expect((await token(form)).status).toBe(200);
    const again = await token(form);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a code_verifier that does not match the challenge', async () => {
    const code = await codeFor(randomBytes(32).toString('base64url'));
    const answer = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: randomBytes(32).toString('base64url'),
      client_id: client.clientId,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'invalid_grant',
      error_description: 'The code_verifier does not match the code_challenge.',
    });
  });

  it('rotates refresh tokens: the new pair works, the old refresh token no longer does', async () => {
    const first = await signIn();
    const refreshed = await token(
      { grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: client.clientId },
      'json',
    );
    expect(refreshed.status).toBe(200);
    const second = api.TokenAnswer.parse(refreshed.body);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await call('GET', '/v1/automation/me', { token: second.access_token })).status).toBe(200);
    const reused = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      client_id: client.clientId,
    });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('signs the first user in without a browser (npm run emulator prints these for zapier invoke)', async () => {
    const tokens = emulator().signInWithOAuth();
    const me = await call('GET', '/v1/automation/me', { token: tokens.access_token });
    expect(api.AutomationMe.parse(me.body)).toMatchObject({ email: 'ada@example.com' });
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(refreshed.status).toBe(200);
  });

  it('answers 401 invalid_client to a wrong client secret', async () => {
    const answer = await token({
      grant_type: 'refresh_token',
      refresh_token: 'ort_whatever',
      client_id: client.clientId,
      client_secret: 'wrong',
    });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('answers unsupported_grant_type to other grants', async () => {
    const answer = await token({ grant_type: 'password', client_id: client.clientId });
    expect(answer).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('stops accepting an access token once it expires', async () => {
    const { access_token } = await signIn();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answer = await call('GET', '/v1/automation/tasks', { token: access_token });
    expect(answer).toMatchObject({ status: 401, body: { detail: 'Authentication required' } });
  });
});
