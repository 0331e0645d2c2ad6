/**
 * Production's sliding-window rate limit: a number of requests per window
 * per client, reported on every answer; over the limit, 429 with Retry-After.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimitExceeded } from './fastapi-errors';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the oldest counted request leaves the window. */
  resetAt: number;
  /** Seconds until one more request would be allowed. */
  retryAfter: number;
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** "minute" for production's window, for messages. */
  get windowName(): string {
    return this.windowMs === 60_000 ? 'minute' : `${this.windowMs / 1000} seconds`;
  }

  /** Counts one request for `client` unless it is over the limit. */
  take(client: string, now = Date.now()): RateDecision {
    const recent = (this.hits.get(client) ?? []).filter((at) => at > now - this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    this.hits.set(client, recent);
    const oldest = recent[0] ?? now;
    const freesAt = oldest + this.windowMs;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - recent.length),
      resetAt: Math.ceil(freesAt / 1000),
      retryAfter: allowed ? 0 : Math.max(1, Math.ceil((freesAt - now) / 1000)),
    };
  }
}

/** Applies the limit to every request; `clientOf` names whose quota a request uses. */
export const rateLimit =
  (limiter: SlidingWindowLimiter, clientOf: (c: Context) => string): MiddlewareHandler =>
  async (c, next) => {
    const decision = limiter.take(clientOf(c));
    const headers = {
      'X-RateLimit-Limit': String(decision.limit),
      'X-RateLimit-Remaining': String(decision.remaining),
      'X-RateLimit-Reset': String(decision.resetAt),
    };
    if (!decision.allowed) {
      return c.json(
        rateLimitExceeded(
          `Rate limit exceeded: ${decision.limit} requests per ${limiter.windowName}. Try again in ${decision.retryAfter} seconds.`,
        ),
        429,
        { ...headers, 'Retry-After': String(decision.retryAfter) },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
