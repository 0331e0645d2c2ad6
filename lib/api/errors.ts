/**
 * Turns every error shape of the CodeTether API into a sentence a user can act
 * on, and every unexpected answer into one that names what is wrong. Nothing
 * here ever shows a raw body, an HTML page or a secret.
 */
import type { Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { parseJson } from './answers';
import { parseBaseUrl } from './base-url';
import { DEFAULT_BASE_URL, ErrorBody, OAuthErrorBody } from './contract';
import { excerpt, humanReason, sentence } from './text';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
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

/** The connection's secrets, the signing secret of the Zap's subscription, and the OAuth client's secret. */
const secretsOf = (bundle: Bundle | undefined): string[] =>
  [
    ...['api_key', 'access_token', 'refresh_token', 'webhook_secret'].map((key) => bundle?.authData?.[key]),
    (bundle?.subscribeData as { secret?: unknown } | undefined)?.secret,
    process.env.CLIENT_SECRET,
  ]
    .map((value) => (typeof value === 'string' ? value.trim() : ''))
    .filter((value) => value.length >= 4);

/** Replaces every secret of the bundle in a message, should a server echo one. */
const redactSecrets = (text: string, bundle: Bundle | undefined): string =>
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
const describeBody = (content: string, reason: Reason): string | undefined => {
  const json = parseJson(content);
  if (json === undefined) return reasonFromText(content, reason);
  const body = ErrorBody.safeParse(json);
  if (body.success) {
    const { detail } = body.data;
    if (typeof detail === 'string') return reason(detail);
    if (Array.isArray(detail)) {
      return detail
        .slice(0, 3)
        .map((issue) => `${fieldLabel(issue.loc)}: ${reason(issue.msg) ?? 'is not valid'}`)
        .join('; ');
    }
    return reason(detail.message);
  }
  const oauth = OAuthErrorBody.safeParse(json);
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

/** An answer that is not a success, as the sentence a user reads. */
export type Refusal = {
  status: number;
  code: string;
  message: string;
  /** Only for 429: when Zapier should try again. */
  retryAfterSeconds?: number;
};

/** What went wrong with an answer that is not a success, in a sentence that says what to do. */
export const refusalOf = (response: HttpResponse, bundle: Bundle): Refusal => {
  const { status } = response;
  const said = describeBody(response.content, (text) => humanReason(redactSecrets(text, bundle)));
  const because = said ? `: ${said}` : '';
  const refusal = (message: string, code: string): Refusal => ({
    status,
    code,
    message: redactSecrets(sentence(message), bundle),
  });

  if (status < 400) {
    return refusal(
      `CodeTether answered with a redirect (${statusLine(status)}) instead of data. Check the Base URL of your connection`,
      'redirect',
    );
  }
  // Never an OAuth connection's: with autoRefresh on, the platform raises RefreshAuthError for a 401 before this runs.
  if (status === 401) return refusal(rejectedKeyMessage(bundle), 'invalid_api_key');
  if (status === 402) {
    const upgradeUrl = ErrorBody.safeParse(parseJson(response.content)).data?.upgrade_url;
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
    return {
      ...refusal(
        `CodeTether's rate limit${allowance} was reached; Zapier will try again in ${delay} seconds`,
        'rate_limited',
      ),
      retryAfterSeconds: delay,
    };
  }
  if (status === 404) return refusal(`CodeTether could not find it (${statusLine(status)})${because}`, 'not_found');
  if (status === 409) {
    return refusal(`CodeTether refused because of the current state (${statusLine(status)})${because}`, 'conflict');
  }
  if (status === 422) return refusal(`CodeTether did not accept the input${because}`, 'invalid_input');
  if (status === 400 && OAuthErrorBody.safeParse(parseJson(response.content)).success) {
    return refusal(`CodeTether did not accept the sign-in${because}. Reconnect your CodeTether account`, 'oauth_error');
  }
  if (status === 400) return refusal(`CodeTether refused the request (${statusLine(status)})${because}`, 'bad_request');
  if (status === 403) {
    return refusal(
      `CodeTether denied access (${statusLine(status)})${because}. Check that the connection may do this`,
      'forbidden',
    );
  }
  if (status >= 500) {
    return refusal(
      `CodeTether had a problem (${statusLine(status)})${because}. Try again in a few minutes; if it keeps happening, contact CodeTether support`,
      'server_error',
    );
  }
  return refusal(`CodeTether answered ${statusLine(status)}${because}`, 'unexpected_status');
};

/** Raises a refusal as the platform's error for it: ThrottledError for 429, an app error otherwise. */
export const throwRefusal = (z: ZObject, refusal: Refusal): never => {
  if (refusal.retryAfterSeconds !== undefined) {
    throw new z.errors.ThrottledError(refusal.message, refusal.retryAfterSeconds);
  }
  throw new z.errors.Error(refusal.message, refusal.code, refusal.status);
};

/**
 * afterResponse middleware: any answer that is not a success becomes a
 * platform error with a sentence. Runs for every request the app makes,
 * except those that expect the status (`skipThrowForStatus`, see callApi).
 */
export const translateErrorResponse = (response: HttpResponse, z: ZObject, bundle: Bundle): HttpResponse => {
  if (response.status < 300 || response.skipThrowForStatus) return response;
  return throwRefusal(z, refusalOf(response, bundle));
};

/** The HTTP status behind an error the app raised, if any. */
export const statusOf = (error: unknown): number | undefined => {
  if (!(error instanceof Error) || error.name !== 'AppError') return undefined;
  const parsed = parseJson(error.message) as { status?: unknown } | undefined;
  return typeof parsed?.status === 'number' ? parsed.status : undefined;
};

/** The user-facing message of an app error (the platform wraps it as JSON). */
export const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const parsed = parseJson(error.message) as { message?: unknown } | undefined;
  return typeof parsed?.message === 'string' ? parsed.message : error.message;
};
