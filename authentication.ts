/**
 * Both of CodeTether's authentication schemes. Zapier allows one per
 * integration, so each build picks one (see lib/auth-flavour.ts); both are
 * complete and tested.
 */
import type { Authentication, AuthField, Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { parseAnswer, parseJson } from './lib/api/answers';
import { nonDefaultHost } from './lib/api/base-url';
import { baseUrlOf, callApi, sendRequest } from './lib/api/client';
import { AutomationMe, DEFAULT_BASE_URL, OAUTH_SCOPES, OAuthErrorBody, TokenAnswer, UserMe } from './lib/api/contract';
import { bearerTokenOf, usableToken } from './lib/api/credentials';
import { refusalOf, throwRefusal } from './lib/api/errors';
import type { AuthFlavour } from './lib/auth-flavour';
import { guardSteps } from './lib/steps/step-guard';

export type ConnectedAccount = {
  id: string;
  email: string | null;
  name: string | null;
  /** The instance's host when it is not CodeTether's own, for the label. */
  host: string | null;
};

const baseUrlField = {
  key: 'base_url',
  label: 'Base URL',
  type: 'string',
  required: false,
  placeholder: DEFAULT_BASE_URL,
  helpText: `Only for self-hosted CodeTether: the address of your instance, such as \`https://codetether.example.com\`. Leave empty to use \`${DEFAULT_BASE_URL}\`.`,
} satisfies AuthField;

/** Verifies the signed result deliveries of "Run Task and Wait for Result". */
const webhookSecretField = {
  key: 'webhook_secret',
  label: 'Webhook Signing Secret',
  type: 'password',
  required: false,
  helpText:
    'Optional. If your CodeTether server signs task webhooks (its `WEBHOOK_SECRET` setting), paste the same secret here and **Run Task and Wait for Result** will accept only deliveries signed with it.',
} satisfies AuthField;

/**
 * Who the connection belongs to. `/v1/automation/me` accepts only OAuth
 * tokens in production, so a `ct_` key it rejects is asked about at
 * `/v1/users/me`, which accepts keys. callApi checks the Base URL and the
 * credential before any request.
 */
const testConnection = async (z: ZObject, bundle: Bundle): Promise<ConnectedAccount> => {
  const host = nonDefaultHost(baseUrlOf(z, bundle.authData)) ?? null;
  const isKey = bearerTokenOf(bundle.authData)?.startsWith('ct_') && !bundle.authData.access_token;
  const me = await callApi(z, bundle, {
    path: ['me'],
    schema: AutomationMe,
    what: 'checking the connection',
    expect: isKey ? [401] : [],
  });
  if (me.ok) return { id: me.data.id, email: me.data.email ?? null, name: me.data.name ?? null, host };
  const { data } = await callApi(z, bundle, {
    prefix: ['v1'],
    path: ['users', 'me'],
    schema: UserMe,
    what: 'checking the connection',
  });
  const name = [data.first_name, data.last_name].filter(Boolean).join(' ') || null;
  return { id: data.id, email: data.email ?? null, name, host };
};

/** "Ada Lovelace (ada@example.com)", plus the host for a self-hosted instance. */
export const connectionLabel = async (_z: ZObject, bundle: Bundle): Promise<string> => {
  const { name, email, host, id } = bundle.inputData as ConnectedAccount;
  const who = name && email ? `${name} (${email})` : name || email || `Account ${id}`;
  return host ? `${who} @ ${host}` : who;
};

const apiKeyAuthentication: Authentication = {
  type: 'custom',
  fields: [
    {
      key: 'api_key',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText:
        'Your CodeTether API key, which starts with `ct_`. Create one in the [CodeTether dashboard](https://codetether.io/settings/api-keys) under Settings → API Keys.',
    },
    baseUrlField,
    webhookSecretField,
  ],
  test: testConnection,
  connectionLabel,
};

// ---------------------------------------------------------------- OAuth2

/** A setting or an OAuth parameter that may be missing, as text: empty then. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

const oauthClient = () => ({
  client_id: textOf(process.env.CLIENT_ID),
  client_secret: textOf(process.env.CLIENT_SECRET),
});

/** The OAuth endpoints live at the instance's root, outside `/v1`. */
const oauthUrl = (z: ZObject, baseUrl: unknown, path: string): string =>
  `${baseUrlOf(z, { base_url: baseUrl })}${path}`;

/** Zapier appends redirect_uri, state and the PKCE challenge itself when they are not here. */
const authorizeUrl = async (z: ZObject, bundle: Bundle): Promise<string> => {
  const url = new URL(oauthUrl(z, bundle.inputData.base_url, '/oauth/authorize'));
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: oauthClient().client_id,
    scope: OAUTH_SCOPES.join(' '),
  };
  for (const key of ['state', 'redirect_uri'] as const) {
    const value = bundle.inputData[key];
    if (typeof value === 'string' && value) params[key] = value;
  }
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
};

/**
 * One request to the token endpoint. A refresh that CodeTether refuses
 * (invalid_grant, or 401 for the client) cannot be fixed by trying again:
 * ExpiredAuthError asks the user to reconnect. A sign-in that it refuses says why.
 */
const requestToken = async (
  z: ZObject,
  bundle: Bundle,
  url: string,
  form: Record<string, string>,
  purpose: { what: string; refreshing: boolean },
) => {
  let response: HttpResponse;
  try {
    response = await sendRequest(
      z,
      {
        url,
        method: 'POST',
        // Encoded here: the platform's own encoding throws on a lone surrogate, URLSearchParams writes U+FFFD.
        body: new URLSearchParams(form).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        redirect: 'manual',
        skipThrowForStatus: true,
      },
      purpose,
    );
  } catch (error) {
    // With autoRefresh on, the platform answers any 401 with a RefreshAuthError, which would only ask for this again.
    if (!(error instanceof Error && error.name === 'RefreshAuthError')) throw error;
    const refused =
      'CodeTether refused the sign-in of this integration (HTTP 401 Unauthorized). Reconnect your CodeTether account; if it keeps happening, contact CodeTether support.';
    if (purpose.refreshing) throw new z.errors.ExpiredAuthError(refused);
    throw new z.errors.Error(refused, 'oauth_error', 401);
  }
  if (response.status >= 300) {
    const refusal = refusalOf(response, bundle);
    const grantRefused = OAuthErrorBody.safeParse(parseJson(response.content)).data?.error === 'invalid_grant';
    if (purpose.refreshing && grantRefused) throw new z.errors.ExpiredAuthError(refusal.message);
    throwRefusal(z, refusal);
  }
  return parseAnswer(z, TokenAnswer, parseJson(response.content) ?? response.content, purpose.what);
};

const getAccessToken = async (z: ZObject, bundle: Bundle) => {
  const url = oauthUrl(z, bundle.inputData.base_url, '/oauth/token');
  const { client_id, client_secret } = oauthClient();
  const token = await requestToken(
    z,
    bundle,
    url,
    {
      grant_type: 'authorization_code',
      code: textOf(bundle.inputData.code),
      redirect_uri: textOf(bundle.inputData.redirect_uri),
      code_verifier: textOf(bundle.inputData.code_verifier),
      client_id,
      client_secret,
    },
    { what: 'signing in', refreshing: false },
  );
  // Zapier keeps only what this returns as authData, not the form's fields: the instance for every later
  // request, and the Webhook Signing Secret, without which Run Task would check no signature.
  return {
    access_token: token.access_token,
    refresh_token: token.refresh_token ?? '',
    base_url: new URL(url).origin,
    webhook_secret: textOf(bundle.inputData.webhook_secret),
  };
};

/** CodeTether rotates refresh tokens: keep the new one, or the old when none came. */
const refreshAccessToken = async (z: ZObject, bundle: Bundle) => {
  const refreshToken = usableToken(bundle.authData.refresh_token);
  if (!refreshToken) {
    throw new z.errors.ExpiredAuthError(
      'The sign-in of your CodeTether connection cannot be renewed (it holds no usable refresh token). Reconnect your CodeTether account.',
    );
  }
  const { client_id, client_secret } = oauthClient();
  const token = await requestToken(
    z,
    bundle,
    oauthUrl(z, bundle.authData.base_url, '/oauth/token'),
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id, client_secret },
    { what: 'refreshing the sign-in', refreshing: true },
  );
  return { access_token: token.access_token, refresh_token: token.refresh_token ?? refreshToken };
};

const oauth2Authentication: Authentication = {
  type: 'oauth2',
  fields: [baseUrlField, webhookSecretField],
  oauth2Config: {
    authorizeUrl,
    getAccessToken,
    refreshAccessToken,
    scope: OAUTH_SCOPES.join(' '),
    autoRefresh: true,
    enablePkce: true,
  },
  test: testConnection,
  connectionLabel,
};

/** The scheme of a build, every function of it guarded like the steps (see lib/steps/step-guard.ts). */
export const authenticationFor = (flavour: AuthFlavour) =>
  guardSteps(flavour === 'oauth2' ? oauth2Authentication : apiKeyAuthentication);
