/**
 * What a user reads when a request did not give the step what it needed: an
 * answer that is not a success, or no answer at all. One sentence that says
 * what went wrong and what to do, never a raw body, markup or a secret; a
 * ThrottledError where trying again later is safe and may help.
 */
import type { Bundle, HttpRequestOptions, HttpResponse, ZObject } from 'zapier-platform-core';
import { parseBaseUrl } from './base-url';
import { api, DEFAULT_BASE_URL, PATHS } from './contract';
import { excerpt, humanReason, sentence } from './text';

type Request = HttpRequestOptions & { url: string };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const statusLine = (status: number): string =>
  STATUS_TEXT[status] ? `HTTP ${status} ${STATUS_TEXT[status]}` : `HTTP ${status}`;

// ---------------------------------------------------------------- what a request was for

/** What each request of the app does, in the words of a message, by its method and path (`/*`: one item of it). */
const PURPOSES: [method: string, path: string, purpose: string][] = [
  ['POST', PATHS.tasks, 'creating the task'],
  ['GET', PATHS.tasks, 'listing tasks'],
  ['GET', `${PATHS.tasks}/*`, 'reading the task'],
  ['DELETE', `${PATHS.tasks}/*`, 'cancelling the task'],
  ['POST', PATHS.webhooks, 'subscribing to task events'],
  ['GET', PATHS.webhooks, 'listing webhook subscriptions'],
  ['DELETE', `${PATHS.webhooks}/*`, 'removing the webhook subscription'],
  ['GET', PATHS.api, 'listing models'],
  ['GET', PATHS.automationMe, 'checking the connection'],
  ['GET', PATHS.usersMe, 'checking the connection'],
  ['GET', PATHS.workspaces, 'listing codebases'],
  ['POST', PATHS.token, 'signing in'],
];

const pathOf = (url: string): string => {
  try {
    return new URL(url, DEFAULT_BASE_URL).pathname;
  } catch {
    return url;
  }
};

/** Whether a path is the pattern's path, or one item below it for a pattern ending in `/*`. */
const pathMatches = (path: string, pattern: string): boolean =>
  pattern.endsWith('/*')
    ? path.startsWith(pattern.slice(0, -1)) && /^[^/]+$/.test(path.slice(pattern.length - 1))
    : path === pattern;

/** "creating the task", for a request's messages. */
export const purposeOf = (request: { method?: string; url: string }): string => {
  const method = request.method ?? 'GET';
  const path = pathOf(request.url);
  return PURPOSES.find(([m, p]) => m === method && pathMatches(path, p))?.[2] ?? 'talking to CodeTether';
};

const headerOf = (request: Request, name: string): string | undefined =>
  Object.entries(request.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/**
 * What a user can check when the address may be wrong: an API-key
 * connection's Base URL, which its user typed (prepareRequest marks the
 * request); an OAuth2 build talks to the one instance it was built for.
 */
export const checkBaseUrl = (request: Request): string =>
  request.middlewareData?.typedBaseUrl ? ' Check the Base URL of your connection.' : '';

/** A request that has the same effect when it is sent again: a read, a delete, or a create with an Idempotency-Key. */
const isRepeatable = (request: Request): boolean =>
  ['GET', 'DELETE'].includes(request.method ?? 'GET') || headerOf(request, 'idempotency-key') !== undefined;

/** What may have happened to a task that a create without an Idempotency-Key sent, when no clear answer came. */
const mayExist = (request: Request): string => {
  if ((request.method ?? 'GET') !== 'POST' || pathOf(request.url) !== PATHS.tasks) return '';
  let title: unknown;
  try {
    title = JSON.parse(String(request.body)).title;
  } catch {
    // No title to name.
  }
  const byTitle = typeof title === 'string' ? ` (Title Contains “${excerpt(title)}”)` : '';
  return ` The task may have been created all the same: before running the step again, look for it with a Find Task step${byTitle}, or set an Idempotency Key so that a repeat cannot create it twice.`;
};

/** Retry-After is bounded: at least a second, at most an hour; 60 s when it says nothing usable. */
const RETRY_AFTER = { fallback: 60, min: 1, max: 3600 } as const;
/** The three forms of an HTTP-date (RFC 9110 5.6.7): IMF-fixdate, RFC 850 and asctime. */
const HTTP_DATE =
  /^(?:[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/** Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date, bounded. */
export const retryAfterSeconds = (header: string | null | undefined, nowMs = Date.now()): number => {
  const value = (header ?? '').trim();
  let seconds: number;
  if (/^\d+$/.test(value)) {
    seconds = Number(value);
  } else if (HTTP_DATE.test(value)) {
    // asctime has no zone; HTTP-dates are always GMT.
    seconds = Math.ceil((Date.parse(value.endsWith('GMT') ? value : `${value} GMT`) - nowMs) / 1000);
  } else {
    return RETRY_AFTER.fallback;
  }
  return Number.isFinite(seconds)
    ? Math.min(RETRY_AFTER.max, Math.max(RETRY_AFTER.min, seconds))
    : RETRY_AFTER.fallback;
};

/**
 * A failure that trying again later may cure (an outage, no answer): Zapier
 * retries a ThrottledError without counting it against the Zap, so that is
 * what a repeatable request gets; a create that could make a second task says
 * what to check instead.
 */
const outage = (z: ZObject, request: Request, what: string, code: string, retryAfter?: string | null): Error => {
  if (isRepeatable(request)) {
    const delay = retryAfterSeconds(retryAfter);
    return new z.errors.ThrottledError(`${what}. Zapier will try again in ${delay} seconds.`, delay);
  }
  return new z.errors.Error(`${what}.${mayExist(request)}`, code);
};

// ---------------------------------------------------------------- no answer

/** Network failures that a wrong address causes, which no retry cures. */
const ADDRESS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** The failure of a request that got no usable answer: refused, reset, unresolved, too slow or too large. */
export const noAnswer = (z: ZObject, request: Request, failure: { type?: string; code?: string }): Error => {
  const host = new URL(request.url).host;
  const what = purposeOf(request);
  const code = failure.code && /^[A-Z_]{2,30}$/.test(failure.code) ? failure.code : undefined;
  if (failure.type === 'request-timeout' || failure.type === 'body-timeout') {
    const seconds = Math.round((request.timeout ?? 0) / 1000);
    return outage(
      z,
      request,
      `CodeTether at ${host} did not answer within ${seconds} seconds while ${what}`,
      'no_answer',
    );
  }
  if (failure.type === 'max-size') {
    return new z.errors.Error(
      `CodeTether at ${host} sent an answer far larger than expected while ${what}, so it was not read. If this keeps happening, contact CodeTether support.`,
      'answer_too_large',
    );
  }
  if (code && ADDRESS_FAILURES.has(code)) {
    return new z.errors.Error(
      `CodeTether could not be reached at ${host} while ${what} (${code}).${checkBaseUrl(request) || ' If it keeps happening, contact CodeTether support.'}`,
      'network_error',
    );
  }
  return outage(
    z,
    request,
    `CodeTether at ${host} could not be reached, or closed the connection without answering, while ${what}${code ? ` (${code})` : ''}`,
    'network_error',
  );
};

// ---------------------------------------------------------------- answers that are not a success

/** The connection's secrets, the signing secret of the Zap's subscription, and the OAuth client's secret. */
const secretsOf = (bundle: Bundle | undefined): string[] =>
  [
    ...['api_key', 'access_token', 'refresh_token', 'webhook_secret'].map((key) => bundle?.authData?.[key]),
    (bundle?.subscribeData as { secret?: unknown } | undefined)?.secret,
    process.env.CLIENT_SECRET,
  ]
    .map((value) => (typeof value === 'string' ? value.trim() : ''))
    .filter((value) => value.length >= 4);

/** Replaces every secret of the bundle in a text, should a server or a bug echo one. */
export const redactSecrets = (text: string, bundle: Bundle | undefined): string =>
  secretsOf(bundle).reduce((out, secret) => out.split(secret).join(':censored:'), text);

/** A server's words as a message may quote them: secrets removed first, so that clipping cannot leave part of one. */
type Reason = (text: string) => string | undefined;

/** A short reason from a body that is not JSON: an HTML page's title, or the text itself if it is a sentence. */
const reasonFromText = (content: string, reason: Reason): string | undefined => {
  if (/<\s*(!doctype|html|head|body)\b/i.test(content)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(content)?.[1];
    return title ? reason(title) : undefined;
  }
  return reason(content);
};

/** "body.description" → "Description"; "body.agent_type" → "Agent Type". */
const fieldLabel = (loc: ReadonlyArray<string | number>): string => {
  const parts = loc.filter((part) => part !== 'body' && part !== 'query' && part !== 'path');
  const name = excerpt(String(parts.at(-1) ?? loc.at(-1) ?? 'request'));
  return name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
};

/** What CodeTether said, as a sentence, or undefined when it said nothing a user should read. */
const describeBody = (data: unknown, content: string, reason: Reason): string | undefined => {
  if (data === undefined) return reasonFromText(content, reason);
  const body = api.ErrorBody.safeParse(data);
  if (body.success) {
    const { detail } = body.data;
    if (typeof detail === 'string') return reason(detail);
    if (Array.isArray(detail)) {
      return detail
        .slice(0, 3)
        .map(
          (issue) =>
            // pydantic v2 lists every value an enum allows: too long to read, and the dropdown shows them.
            `${fieldLabel(issue.loc)}: ${issue.type === 'enum' ? 'is not one of the values this CodeTether server accepts' : (reason(issue.msg) ?? 'is not valid')}`,
        )
        .join('; ');
    }
    return reason(detail.message);
  }
  const oauth = api.OAuthErrorBody.safeParse(data);
  if (oauth.success) {
    const { error, error_description } = oauth.data;
    return reason(error_description ? `${error_description} (${error})` : error);
  }
  return undefined;
};

export const API_KEYS_HELP = 'Create a key in CodeTether under Settings → API Keys, then reconnect.';

/**
 * Why CodeTether refused the connection's API key, for the key given: one
 * without the `ct_` every CodeTether key starts with was pasted wrong; a
 * `ct_` key was revoked, expired, or belongs to another instance.
 */
const rejectedKeyMessage = (bundle: Bundle): string => {
  const key = bundle.authData?.api_key;
  if (typeof key !== 'string' || !key.trim().startsWith('ct_')) {
    return `CodeTether rejected the API key: CodeTether's API keys start with \`ct_\`, and this one does not, so it is likely not a CodeTether key or was not copied whole. ${API_KEYS_HELP}`;
  }
  let instance = DEFAULT_BASE_URL;
  try {
    instance = parseBaseUrl(bundle.authData?.base_url);
  } catch {
    // A Base URL that cannot be used stops every step before a request; nothing to name here.
  }
  return `CodeTether rejected the API key: it may have been revoked or have expired, or it was made on another CodeTether instance than ${instance} (check the Base URL of your connection). ${API_KEYS_HELP}`;
};

/** The parts of an answer a refusal reads; a raw answer (the OAuth token endpoint's) gives its text itself. */
export type Answer = Pick<HttpResponse, 'status' | 'getHeader'> & { content: string; data?: unknown; request: Request };

/**
 * An answer that is not a success, as the platform error a user reads: one
 * sentence that says what went wrong and what to do.
 */
export const refusalOf = (z: ZObject, response: Answer, bundle: Bundle): Error => {
  const { status, request } = response;
  const said = describeBody(response.data, response.content, (text) => humanReason(redactSecrets(text, bundle)));
  // A body that only repeats the status line ("Internal Server Error") says nothing more.
  const repeats = said?.replace(/^\d{3}\s*/, '').toLowerCase() === STATUS_TEXT[status]?.toLowerCase();
  const because = said && !repeats ? `: ${said}` : '';
  const what = purposeOf(request);
  const refusal = (message: string, code: string): Error =>
    new z.errors.Error(redactSecrets(sentence(message), bundle), code, status);

  if (status < 400) {
    return refusal(
      `While ${what}, CodeTether answered with a redirect (${statusLine(status)}) instead of data.${checkBaseUrl(request) || ' If it keeps happening, contact CodeTether support.'}`,
      'redirect',
    );
  }
  // Never an OAuth connection's: with autoRefresh on, the platform raises RefreshAuthError for a 401 before this runs.
  if (status === 401) return refusal(rejectedKeyMessage(bundle), 'invalid_api_key');
  if (status === 402) {
    const upgradeUrl = api.ErrorBody.safeParse(response.data).data?.upgrade_url;
    const upgrade =
      upgradeUrl && /^https:\/\/\S+$/.test(upgradeUrl) && upgradeUrl.length <= 200
        ? ` Upgrade your plan at ${upgradeUrl}`
        : ' Upgrade your CodeTether plan';
    return refusal(
      `Your CodeTether task budget is used up${because}.${upgrade} or wait for the next billing period`,
      'budget_exceeded',
    );
  }
  if (status === 429) {
    const delay = retryAfterSeconds(response.getHeader('retry-after'));
    // Production allows 60 a minute; a self-hosted server says its own limit.
    const limit = Number(response.getHeader('x-ratelimit-limit') ?? '');
    const allowance = Number.isSafeInteger(limit) && limit > 0 ? ` (${limit} requests a minute)` : '';
    return new z.errors.ThrottledError(
      `CodeTether's rate limit${allowance} was reached while ${what}; Zapier will try again in ${delay} seconds.`,
      delay,
    );
  }
  if (status === 404) return refusal(`CodeTether could not find it (${statusLine(status)})${because}`, 'not_found');
  if (status === 409) {
    return refusal(`CodeTether refused because of the current state (${statusLine(status)})${because}`, 'conflict');
  }
  if (status === 422) return refusal(`CodeTether did not accept the input${because}`, 'invalid_input');
  if (status === 400 && api.OAuthErrorBody.safeParse(response.data).success) {
    return refusal(`CodeTether did not accept the sign-in${because}. Reconnect your CodeTether account`, 'oauth_error');
  }
  if (status === 400) return refusal(`CodeTether refused the request (${statusLine(status)})${because}`, 'bad_request');
  if (status === 403) {
    return refusal(
      `CodeTether denied access (${statusLine(status)})${because}. Check that the connection may do this`,
      'forbidden',
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    const message = `CodeTether was not available while ${what} (${statusLine(status)})${because}`;
    return outage(z, request, redactSecrets(message, bundle), 'server_unavailable', response.getHeader('retry-after'));
  }
  if (status >= 500) {
    return refusal(
      `CodeTether had a problem while ${what} (${statusLine(status)})${because}. Try again in a few minutes; if it keeps happening, contact CodeTether support`,
      'server_error',
    );
  }
  return refusal(`CodeTether answered ${statusLine(status)} while ${what}${because}`, 'unexpected_status');
};

/** The sentence of a platform error: AppError and ThrottledError carry it wrapped in JSON. */
export const sentenceOf = (error: Error): string => {
  try {
    const { message } = JSON.parse(error.message) as { message?: unknown };
    if (typeof message === 'string') return message;
  } catch {
    // A plain message.
  }
  return error.message;
};
