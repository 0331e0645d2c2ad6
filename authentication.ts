/**
 * Both of CodeTether's authentication schemes. Zapier allows one per
 * integration, so each build picks one (see lib/build.ts); both are
 * complete and tested.
 */
import type { Authentication, AuthField, Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { nonDefaultHost, parseBaseUrl } from './lib/api/base-url';
import { api, DEFAULT_BASE_URL, OAUTH_SCOPES, PATHS } from './lib/api/contract';
import { usableToken } from './lib/api/credentials';
import { noAnswer, refusalOf } from './lib/api/errors';
import { parse, parseAnswer, send } from './lib/api/http';
import { parseJson } from './lib/api/text';
import type { Build } from './lib/build';

export type ConnectedAccount = {
  id: string;
  email: string | null;
  name: string | null;
  /** The instance's host when it is not CodeTether's own, for the label. */
  host: string | null;
};

/** Verifies the signed result deliveries of "Run Task and Wait for Result". */
const webhookSecretField = {
  key: 'webhook_secret',
  label: 'Webhook Signing Secret',
  type: 'password',
  required: false,
  helpText:
    'Optional. If your CodeTether server signs task webhooks (its `WEBHOOK_SECRET` setting), paste the same secret here and **Run Task and Wait for Result** will accept only deliveries signed with it.',
} satisfies AuthField;

/** "Ada Lovelace (ada@example.com)", plus the host for a self-hosted instance. */
const connectionLabel = async (_z: ZObject, bundle: Bundle): Promise<string> => {
  const { name, email, host, id } = bundle.inputData as ConnectedAccount;
  const who = name && email ? `${name} (${email})` : name || email || `Account ${id}`;
  return host ? `${who} @ ${host}` : who;
};

// ---------------------------------------------------------------- API key

/** Who the key belongs to: `/v1/users/me` accepts `ct_` keys (production's `/v1/automation/me` takes OAuth tokens only). */
const testApiKey = async (z: ZObject, bundle: Bundle): Promise<ConnectedAccount> => {
  const user = parse(z, await send(z, { url: PATHS.usersMe }), api.UserMe);
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || null;
  return { id: user.id, email: user.email || null, name, host: hostOf(bundle.authData.base_url) };
};

/** The host of a self-hosted instance, for the label; a Base URL that cannot be used never gets this far. */
const hostOf = (baseUrl: unknown): string | null => nonDefaultHost(parseBaseUrl(baseUrl)) ?? null;

export const apiKeyAuthentication: Authentication = {
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
    {
      key: 'base_url',
      label: 'Base URL',
      type: 'string',
      required: false,
      placeholder: DEFAULT_BASE_URL,
      helpText: `Only for self-hosted CodeTether: the address of your instance, such as \`https://codetether.example.com\`. Leave empty to use \`${DEFAULT_BASE_URL}\`.`,
    },
    webhookSecretField,
  ],
  test: testApiKey,
  connectionLabel,
};

// ---------------------------------------------------------------- OAuth2

/** The OAuth client Zapier passes from the integration's environment; empty when it is not set. */
const oauthClient = () => ({
  client_id: process.env.CLIENT_ID ?? '',
  client_secret: process.env.CLIENT_SECRET ?? '',
});

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

const SIGN_IN_REFUSED =
  'CodeTether refused the sign-in of this integration (HTTP 401 Unauthorized). Reconnect your CodeTether account; if it keeps happening, contact CodeTether support.';

/**
 * One request to the token endpoint of the build's instance. Its answer is
 * read raw: the platform logs every answer it reads, and censors the tokens
 * in it only when it can parse it as JSON, which a cut-off answer is not.
 * A refresh that CodeTether refuses cannot be fixed by trying again:
 * ExpiredAuthError asks the user to reconnect.
 */
const requestToken = async (
  z: ZObject,
  bundle: Bundle,
  server: string,
  form: Record<string, string>,
  refreshing: boolean,
) => {
  const request = {
    url: `${server}${PATHS.token}`,
    method: 'POST' as const,
    // Encoded here: the platform's own encoding throws on a lone surrogate, URLSearchParams writes U+FFFD.
    body: new URLSearchParams({ ...form, ...oauthClient() }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    raw: true,
    skipThrowForStatus: true,
  };
  let response: HttpResponse;
  try {
    response = await send(z, request);
  } catch (error) {
    // With autoRefresh on, the platform answers any 401 with a RefreshAuthError, which would only ask for this again.
    if (!(error instanceof Error && error.name === 'RefreshAuthError')) throw error;
    if (refreshing) throw new z.errors.ExpiredAuthError(SIGN_IN_REFUSED);
    throw new z.errors.Error(SIGN_IN_REFUSED, 'oauth_error', 401);
  }
  let content: string;
  try {
    content = await (response as unknown as { text(): Promise<string> }).text();
  } catch (error) {
    // node-fetch's error while the body was read (too slow, too large).
    if (!(error instanceof Error && error.name === 'FetchError')) throw error;
    throw noAnswer(z, response.request as typeof request, error as { type?: string });
  }
  // Not JSON: said below, never quoted.
  const data = parseJson(content);
  if (response.status >= 300) {
    const answer = {
      status: response.status,
      getHeader: (name: string) => response.getHeader(name),
      content,
      data,
      request,
    };
    const refusal = refusalOf(z, answer, bundle);
    if (refreshing && api.OAuthErrorBody.safeParse(data).data?.error === 'invalid_grant') {
      throw new z.errors.ExpiredAuthError(refusal.message);
    }
    throw refusal;
  }
  if (data === undefined) {
    throw new z.errors.Error(
      `CodeTether sent an answer that is not JSON while signing in (HTTP ${response.status}). If this keeps happening, contact CodeTether support.`,
      'unexpected_answer',
    );
  }
  return parseAnswer(z, api.TokenAnswer, data, 'signing in');
};

export const oauth2Authentication = (server: string): Authentication => ({
  type: 'oauth2',
  fields: [webhookSecretField],
  oauth2Config: {
    // Zapier adds the PKCE challenge; the client and the instance are the build's, never the user's.
    authorizeUrl: {
      url: `${server}${PATHS.authorize}`,
      params: {
        response_type: 'code',
        client_id: '{{process.env.CLIENT_ID}}',
        redirect_uri: '{{bundle.inputData.redirect_uri}}',
        state: '{{bundle.inputData.state}}',
        scope: OAUTH_SCOPES.join(' '),
      },
    },
    getAccessToken: async (z: ZObject, bundle: Bundle) => {
      const form = {
        grant_type: 'authorization_code',
        code: textOf(bundle.inputData.code),
        redirect_uri: textOf(bundle.inputData.redirect_uri),
        code_verifier: textOf(bundle.inputData.code_verifier),
      };
      const token = await requestToken(z, bundle, server, form, false);
      // Zapier keeps only what this returns: the instance every later request goes to, and the Webhook
      // Signing Secret, without which Run Task would check no signature.
      return {
        access_token: token.access_token,
        refresh_token: token.refresh_token ?? '',
        base_url: server,
        webhook_secret: textOf(bundle.inputData.webhook_secret),
      };
    },
    // CodeTether rotates refresh tokens: keep the new one, or the old when none came.
    refreshAccessToken: async (z: ZObject, bundle: Bundle) => {
      const refreshToken = usableToken(bundle.authData.refresh_token);
      if (!refreshToken) {
        throw new z.errors.ExpiredAuthError(
          'The sign-in of your CodeTether connection cannot be renewed (it holds no usable refresh token). Reconnect your CodeTether account.',
        );
      }
      const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
      const token = await requestToken(z, bundle, server, form, true);
      return { access_token: token.access_token, refresh_token: token.refresh_token ?? refreshToken, base_url: server };
    },
    scope: OAUTH_SCOPES.join(' '),
    autoRefresh: true,
    enablePkce: true,
  },
  test: async (z: ZObject, bundle: Bundle): Promise<ConnectedAccount> => {
    const me = parse(z, await send(z, { url: PATHS.automationMe }), api.AutomationMe);
    return { id: me.id, email: me.email || null, name: me.name || null, host: hostOf(bundle.authData.base_url) };
  },
  connectionLabel,
});

/** The scheme of a build. */
export const authenticationFor = (build: Build): Authentication =>
  build.auth === 'oauth2' ? oauth2Authentication(build.server) : apiKeyAuthentication;
