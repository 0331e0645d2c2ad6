/**
 * CodeTether's OAuth2 authorization server: the authorization code grant
 * with mandatory PKCE (S256 only), refresh tokens that rotate, the RFC 6749
 * error bodies and the RFC 8414 metadata document.
 *
 * The emulator has no sign-in page: /oauth/authorize approves at once, as the
 * first configured user, which is what a developer clicking "Allow" would do.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { OAUTH_SCOPES } from '../../lib/api/contract';
import type { OAuthClient } from './config';

/** The docs also name the automation:* scopes; production accepts them. */
const SUPPORTED_SCOPES = [...OAUTH_SCOPES, 'automation:read', 'automation:write'];
const CODE_TTL_MS = 10 * 60 * 1000;

export interface AccessGrant {
  userId: string;
  scope: string;
  expiresAt: number;
}

interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  userId: string;
  scope: string;
  expiresAt: number;
}

interface RefreshGrant {
  userId: string;
  scope: string;
}

type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'unsupported_response_type';

const oauthError = (c: Context, status: 400 | 401, error: OAuthErrorCode, description: string) =>
  c.json({ error, error_description: description }, status, { 'Cache-Control': 'no-store' });

const randomToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** The S256 code challenge of a PKCE verifier (RFC 7636). */
export const pkceChallenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** The token endpoint takes form-encoded or JSON bodies; anything else reads as empty. */
const readTokenForm = async (c: Context): Promise<Record<string, string>> => {
  const type = c.req.header('content-type') ?? '';
  const fields: Record<string, unknown> = type.includes('application/json')
    ? await c.req.json().catch(() => ({}))
    : type.includes('application/x-www-form-urlencoded')
      ? await c.req.parseBody()
      : {};
  return Object.fromEntries(
    Object.entries(fields ?? {}).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
  );
};

/** Client credentials from HTTP Basic or the body (client_secret_post). */
const clientCredentials = (c: Context, form: Record<string, string>) => {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(id ?? ''), clientSecret: decodeURIComponent(secret ?? '') };
  }
  return { clientId: form.client_id ?? '', clientSecret: form.client_secret };
};

export class OAuthServer {
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessGrants = new Map<string, AccessGrant>();
  private readonly refreshGrants = new Map<string, RefreshGrant>();

  constructor(
    private readonly client: OAuthClient,
    private readonly accessTokenTtlSeconds: number,
    private readonly signInUserId: string,
  ) {}

  /** The grant behind an access token, if it exists and has not expired. */
  grantOf(accessToken: string, now = Date.now()): AccessGrant | undefined {
    const grant = this.accessGrants.get(accessToken);
    return grant && grant.expiresAt > now ? grant : undefined;
  }

  routes(): Hono {
    const app = new Hono();
    app.get('/.well-known/oauth-authorization-server', (c) => {
      const issuer = new URL(c.req.url).origin;
      return c.json({
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: SUPPORTED_SCOPES,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
      });
    });
    app.get('/oauth/authorize', (c) => this.authorize(c));
    app.post('/oauth/token', (c) => this.token(c));
    return app;
  }

  private redirectUriAllowed(uri: string): boolean {
    return URL.canParse(uri) && this.client.redirectUriPrefixes.some((prefix) => uri.startsWith(prefix));
  }

  private authorize(c: Context) {
    const query = c.req.query();
    // Without a known client and redirect_uri there is nowhere safe to send an error.
    if (query.client_id !== this.client.clientId) {
      return oauthError(c, 400, 'invalid_request', 'Unknown client_id.');
    }
    const redirectUri = query.redirect_uri ?? '';
    if (!this.redirectUriAllowed(redirectUri)) {
      return oauthError(c, 400, 'invalid_request', 'redirect_uri is missing or not registered for this client.');
    }
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
      if (query.state !== undefined) target.searchParams.set('state', query.state);
      return c.redirect(target.toString(), 302);
    };
    if (query.response_type !== 'code') {
      return back({ error: 'unsupported_response_type', error_description: 'Only response_type=code is supported.' });
    }
    if (!query.code_challenge) {
      return back({ error: 'invalid_request', error_description: 'PKCE is required: send a code_challenge.' });
    }
    if (query.code_challenge_method !== 'S256') {
      return back({ error: 'invalid_request', error_description: 'code_challenge_method must be S256.' });
    }
    const scopes = (query.scope ?? OAUTH_SCOPES.join(' ')).split(/[\s,]+/).filter(Boolean);
    const unknown = scopes.filter((scope) => !SUPPORTED_SCOPES.includes(scope));
    if (unknown.length) {
      return back({ error: 'invalid_scope', error_description: `Unknown scope: ${unknown.join(', ')}.` });
    }
    const code = randomToken('code');
    this.codes.set(code, {
      redirectUri,
      codeChallenge: query.code_challenge,
      userId: this.signInUserId,
      scope: scopes.join(' '),
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    return back({ code });
  }

  private async token(c: Context) {
    const form = await readTokenForm(c);
    const { clientId, clientSecret } = clientCredentials(c, form);
    if (
      clientId !== this.client.clientId ||
      (clientSecret !== undefined && clientSecret !== this.client.clientSecret)
    ) {
      return oauthError(c, 401, 'invalid_client', 'Client authentication failed.');
    }
    if (form.grant_type === 'authorization_code') return this.exchangeCode(c, form);
    if (form.grant_type === 'refresh_token') return this.rotateRefreshToken(c, form);
    return oauthError(
      c,
      400,
      form.grant_type ? 'unsupported_grant_type' : 'invalid_request',
      'grant_type must be authorization_code or refresh_token.',
    );
  }

  private exchangeCode(c: Context, form: Record<string, string>) {
    const { code = '', redirect_uri: redirectUri, code_verifier: verifier } = form;
    if (!redirectUri || !verifier) {
      return oauthError(c, 400, 'invalid_request', 'code, redirect_uri and code_verifier are required.');
    }
    const pending = this.codes.get(code);
    // A code works once, whatever happens next.
    this.codes.delete(code);
    if (!pending || pending.expiresAt <= Date.now()) {
      return oauthError(c, 400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
    }
    if (pending.redirectUri !== redirectUri) {
      return oauthError(c, 400, 'invalid_grant', 'redirect_uri does not match the one used to authorize.');
    }
    if (pkceChallenge(verifier) !== pending.codeChallenge) {
      return oauthError(c, 400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
    }
    return this.issueTokens(c, pending.userId, pending.scope);
  }

  private rotateRefreshToken(c: Context, form: Record<string, string>) {
    const token = form.refresh_token ?? '';
    const grant = this.refreshGrants.get(token);
    if (!grant) return oauthError(c, 400, 'invalid_grant', 'The refresh token is invalid or was already used.');
    this.refreshGrants.delete(token);
    return this.issueTokens(c, grant.userId, grant.scope);
  }

  /**
   * Tokens for the sign-in user, as if they had just approved the client:
   * `npm run emulator` prints them for `zapier invoke` with the OAuth2 build,
   * whose `auth start` sends neither a PKCE challenge nor the Base URL.
   */
  signIn() {
    return this.grant(this.signInUserId, OAUTH_SCOPES.join(' '));
  }

  private grant(userId: string, scope: string) {
    const accessToken = randomToken('oat');
    const refreshToken = randomToken('ort');
    this.accessGrants.set(accessToken, { userId, scope, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    this.refreshGrants.set(refreshToken, { userId, scope });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      scope,
    };
  }

  private issueTokens(c: Context, userId: string, scope: string) {
    return c.json(this.grant(userId, scope), 200, { 'Cache-Control': 'no-store' });
  }
}
