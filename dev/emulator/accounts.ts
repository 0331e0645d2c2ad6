/**
 * Who is calling: a bearer token is either a user's `ct_` API key or an
 * OAuth access token, and each kind has its own rate-limit quota.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { ErrorBody } from '../../lib/api/contract';
import type { EmulatorUser } from './config';
import { AUTHENTICATION_REQUIRED, meUnauthorized } from './fastapi-errors';
import type { OAuthServer } from './oauth';

export interface Principal {
  user: EmulatorUser;
  via: 'api_key' | 'oauth';
}

export type AuthEnv = { Variables: { principal: Principal } };

const bearerOf = (c: Context): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];

export class Accounts {
  private readonly byApiKey: Map<string, EmulatorUser>;
  private readonly byId: Map<string, EmulatorUser>;

  constructor(
    users: EmulatorUser[],
    private readonly oauth: OAuthServer,
  ) {
    this.byApiKey = new Map(users.map((user) => [user.apiKey, user]));
    this.byId = new Map(users.map((user) => [user.id, user]));
  }

  principalOf(c: Context): Principal | undefined {
    const token = bearerOf(c);
    if (!token) return undefined;
    if (token.startsWith('ct_')) {
      const user = this.byApiKey.get(token);
      return user && { user, via: 'api_key' };
    }
    const grant = this.oauth.grantOf(token);
    const user = grant && this.byId.get(grant.userId);
    return user && { user, via: 'oauth' };
  }

  /** Production counts per API key, and per client IP for everything else. */
  rateClientOf = (c: Context): string => {
    const token = bearerOf(c);
    return token?.startsWith('ct_') ? `key:${token}` : `ip:${getConnInfo(c).remote.address ?? 'unknown'}`;
  };

  /** FastAPI's 401 unless a known credential is sent: a user's `ct_` key or an OAuth token. */
  requireCredential: MiddlewareHandler<AuthEnv> = (c, next) => this.admit(c, next, AUTHENTICATION_REQUIRED);

  /**
   * What `/me` does instead: it asks the identity provider about the token
   * itself, so only OAuth (and SSO) tokens pass, a `ct_` key among the
   * refused, and its 401s come in their own shape:
   * `{"detail": {"error": "unauthorized", "message": ...}}`.
   */
  requireAtMe: MiddlewareHandler<AuthEnv> = async (c, next) => {
    const authorization = c.req.header('authorization');
    const refuse = (message: string) => c.json(meUnauthorized(message), 401);
    if (!authorization) return refuse('Missing Authorization header');
    if (!authorization.startsWith('Bearer ')) return refuse('Invalid Authorization header format');
    return this.admit(c, next, meUnauthorized('Invalid or expired token'), 'oauth');
  };

  /** Goes on as the token's principal (of the kind `only`, if given), or answers 401 with `refusal`. */
  private async admit(c: Context<AuthEnv>, next: Next, refusal: ErrorBody, only?: Principal['via']) {
    const principal = this.principalOf(c);
    if (!principal || (only && principal.via !== only)) return c.json(refusal, 401);
    c.set('principal', principal);
    await next();
  }
}
