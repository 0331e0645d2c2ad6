/**
 * Production's sliding-window rate limit, as its task routes apply it:
 * `POST /tasks`, `GET /tasks` and `GET /tasks/{id}` each count one request
 * against the caller's quota from inside the route, so after authentication
 * and validation (a 401 or a 422 counts nothing), and only their successful
 * answers carry X-RateLimit-*: an error raised afterwards (404, 402, 500)
 * loses them, as FastAPI's HTTPException does. Over the limit: 429 with
 * Retry-After and the X-RateLimit-* headers. No other route is limited.
 */
import type { Context } from 'hono';
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

/** Production's words when it refuses (the same whatever the limit). */
const RATE_LIMIT_MESSAGE = 'Too many requests. Please retry later.';

/**
 * The rate limit of the task routes, `clientOf` naming whose quota a request
 * uses. A route's handler runs within it: over the limit, the 429, and
 * `answer` is never called; else `answer`'s response, with X-RateLimit-* when
 * it is a success.
 */
export const taskRateLimit =
  (limiter: SlidingWindowLimiter, clientOf: (c: Context) => string) =>
  <R extends Response>(c: Context, answer: () => R) => {
    const decision = limiter.take(clientOf(c));
    const headers = {
      'X-RateLimit-Limit': String(decision.limit),
      'X-RateLimit-Remaining': String(decision.remaining),
      'X-RateLimit-Reset': String(decision.resetAt),
    };
    if (!decision.allowed) {
      return c.json(rateLimitExceeded(RATE_LIMIT_MESSAGE), 429, {
        ...headers,
        'Retry-After': String(decision.retryAfter),
      });
    }
    const response = answer();
    if (response.status < 300) for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };

export type RateLimited = ReturnType<typeof taskRateLimit>;
