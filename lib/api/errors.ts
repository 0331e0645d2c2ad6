/**
 * Turns every error shape of the CodeTether API into a sentence a user can act
 * on, and every unexpected answer into one that names what is wrong. Nothing
 * here ever shows a raw body, an HTML page or a secret.
 */
import type { Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { parseJson } from './answers';
import { ErrorBody, OAuthErrorBody } from './contract';

const MAX_REASON_LENGTH = 200;

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

const clip = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat;
};

const sentence = (text: string): string => {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** A short reason from a body that is not JSON: an HTML page's title, or the text itself. */
const reasonFromText = (content: string): string | undefined => {
  if (/<\s*(!doctype|html|head|body)\b/i.test(content)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(content)?.[1];
    return title ? clip(title) : undefined;
  }
  return clip(content) || undefined;
};

/** "body.description" → "Description"; "body.agent_type" → "Agent Type". */
const fieldLabel = (loc: ReadonlyArray<string | number>): string => {
  const parts = loc.filter((part) => part !== 'body' && part !== 'query' && part !== 'path');
  const name = String(parts.at(-1) ?? loc.at(-1) ?? 'request');
  return name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
};

/** What CodeTether said, as a sentence, or undefined when it said nothing usable. */
const describeBody = (content: string): string | undefined => {
  const json = parseJson(content);
  if (json === undefined) return reasonFromText(content);
  const body = ErrorBody.safeParse(json);
  if (body.success) {
    const { detail } = body.data;
    if (typeof detail === 'string') return clip(detail);
    if (Array.isArray(detail)) {
      return detail.map((issue) => `${fieldLabel(issue.loc)}: ${clip(issue.msg)}`).join('; ');
    }
    return clip(detail.message);
  }
  const oauth = OAuthErrorBody.safeParse(json);
  if (oauth.success) {
    return clip(
      oauth.data.error_description ? `${oauth.data.error_description} (${oauth.data.error})` : oauth.data.error,
    );
  }
  return undefined;
};

const secretsOf = (bundle: Bundle | undefined): string[] =>
  ['api_key', 'access_token', 'refresh_token', 'webhook_secret']
    .map((key) => bundle?.authData?.[key])
    .filter((value): value is string => typeof value === 'string' && value.length >= 4);

/** Replaces every secret of the connection in a message, should a server echo one. */
export const redactSecrets = (text: string, bundle: Bundle | undefined): string =>
  secretsOf(bundle).reduce((out, secret) => out.split(secret).join(':censored:'), text);

export const API_KEYS_HELP =
  'Create a key in CodeTether under Settings → API Keys (it starts with `ct_`), then reconnect.';

/**
 * afterResponse middleware: any answer that is not a success becomes a
 * platform error with a sentence. Runs for every request the app makes.
 */
export const translateErrorResponse = (response: HttpResponse, z: ZObject, bundle: Bundle): HttpResponse => {
  const { status } = response;
  if (status < 300 || response.skipThrowForStatus) return response;

  const said = describeBody(response.content);
  const because = said ? `: ${said}` : '';
  const fail = (message: string, code: string): never => {
    throw new z.errors.Error(redactSecrets(sentence(message), bundle), code, status);
  };

  if (status >= 300 && status < 400) {
    return fail(
      `CodeTether answered with a redirect (${statusLine(status)}) instead of data. Check the Base URL of your connection`,
      'redirect',
    );
  }
  // Never an OAuth connection's: with autoRefresh on, the platform raises RefreshAuthError for a 401 before this runs.
  if (status === 401) {
    return fail(`CodeTether rejected the API key${because}. ${API_KEYS_HELP}`, 'invalid_api_key');
  }
  if (status === 402) {
    const upgradeUrl = ErrorBody.safeParse(parseJson(response.content)).data?.upgrade_url;
    const upgrade = upgradeUrl ? ` Upgrade your plan at ${upgradeUrl}` : ' Upgrade your CodeTether plan';
    return fail(
      `Your CodeTether task budget is used up${because}.${upgrade} or wait for the next billing period`,
      'budget_exceeded',
    );
  }
  if (status === 429) {
    const retryAfter = Number.parseInt(response.getHeader('retry-after') ?? '', 10);
    const delay = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 60;
    // Production allows 60 a minute; a self-hosted server says its own limit.
    const limit = Number.parseInt(response.getHeader('x-ratelimit-limit') ?? '', 10);
    const allowance = Number.isFinite(limit) && limit > 0 ? ` (${limit} requests a minute)` : '';
    throw new z.errors.ThrottledError(
      `CodeTether's rate limit${allowance} was reached; Zapier will try again in ${delay} seconds`,
      delay,
    );
  }
  if (status === 404) return fail(`CodeTether could not find it (${statusLine(status)})${because}`, 'not_found');
  if (status === 409)
    return fail(`CodeTether refused because of the current state (${statusLine(status)})${because}`, 'conflict');
  if (status === 422) return fail(`CodeTether did not accept the input${because}`, 'invalid_input');
  if (status === 400 && OAuthErrorBody.safeParse(parseJson(response.content)).success) {
    return fail(`CodeTether did not accept the sign-in${because}. Reconnect your CodeTether account`, 'oauth_error');
  }
  if (status === 400) return fail(`CodeTether refused the request (${statusLine(status)})${because}`, 'bad_request');
  if (status === 403)
    return fail(
      `CodeTether denied access (${statusLine(status)})${because}. Check that the connection may do this`,
      'forbidden',
    );
  if (status >= 500) {
    return fail(
      `CodeTether had a problem (${statusLine(status)})${because}. Try again in a few minutes; if it keeps happening, contact CodeTether support`,
      'server_error',
    );
  }
  return fail(`CodeTether answered ${statusLine(status)}${because}`, 'unexpected_status');
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
