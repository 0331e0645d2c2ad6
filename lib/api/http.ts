/**
 * How the app talks to CodeTether, in the platform's own places:
 *
 * - `prepareRequest` (beforeRequest) puts the connection's checked Base URL
 *   in front of the app's paths (`/v1/automation/tasks`) and sends the bearer
 *   token there and nowhere else; every request follows no redirect and is
 *   bounded in time and size.
 * - `translateAnswer` (afterResponse) turns every answer that is not a
 *   success into the platform's error with a sentence (lib/api/errors.ts).
 *   A request with `skipThrowForStatus` gets every answer back: the step
 *   reads the statuses it expects, and `parse` raises the others.
 * - `send` is z.request for what no middleware sees: a JSON body no user
 *   text can break, and a request that got no answer.
 * - `parse` reads a success answer with its contract schema.
 */
import type { Bundle, HttpRequestOptions, HttpResponse, ZObject } from 'zapier-platform-core';
import type * as zod from 'zod/mini';
import { type BaseUrlError, parseBaseUrl } from './base-url';
import { checkedBearerToken } from './credentials';
import { checkBaseUrl, noAnswer, purposeOf, refusalOf } from './errors';
import { excerpt } from './text';

type Request = HttpRequestOptions & { url: string };

/**
 * Zapier stops a step after 30 seconds and then shows only its own generic
 * timeout. A step's requests must be answered within 24 seconds of its first
 * one, which leaves it time to say what happened. node-fetch gives a request's
 * `timeout` twice (once for the headers, once for the body), so each request
 * gets half of what is left.
 */
export const STEP_DEADLINE_MS = 24_000;
/**
 * Far more than any answer of the API should be (a server with 10,000
 * codebases of long names answers about 12 MB); a larger one is not read at all.
 */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** When the requests of a step (one bundle) must be done; counted from its first request. */
const deadlines = new WeakMap<object, number>();

/**
 * beforeRequest: the app's paths go to the connection's Base URL, with its
 * bearer token; a bad Base URL or credential stops the step here, before
 * anything is sent.
 */
export const prepareRequest = (request: Request, z: ZObject, bundle: Bundle): Request => {
  if (request.url.startsWith('/')) {
    let base: string;
    try {
      base = parseBaseUrl(bundle.authData?.base_url);
    } catch (error) {
      throw new z.errors.Error((error as BaseUrlError).message, 'invalid_base_url', 400);
    }
    request.url = `${base}${request.url}`;
    // An API-key connection's Base URL is what its user typed; an OAuth2 build's is the one it was built for.
    request.middlewareData = { ...request.middlewareData, typedBaseUrl: !bundle.authData?.access_token };
    request.headers = {
      Accept: 'application/json',
      ...request.headers,
      Authorization: `Bearer ${checkedBearerToken(z, bundle.authData)}`,
    };
  }
  const now = Date.now();
  const deadline = deadlines.get(bundle) ?? now + STEP_DEADLINE_MS;
  deadlines.set(bundle, deadline);
  if (deadline <= now) {
    throw new z.errors.Error(
      `The step ran out of time before ${purposeOf(request)}: CodeTether answered its earlier requests too slowly. Try again in a few minutes.`,
      'no_answer',
    );
  }
  request.timeout = Math.ceil((deadline - now) / 2);
  request.size = MAX_ANSWER_BYTES;
  // A redirect could carry the bearer token elsewhere; it comes back as an answer instead.
  request.redirect = 'manual';
  // The platform hands middleware a copy of the request: `send` learns from here where it went.
  request.middlewareData?.prepared?.(request);
  return request;
};

/** The error each answer of a `skipThrowForStatus` request would have raised, for `parse`. */
const refusals = new WeakMap<object, Error>();

/** afterResponse: an answer that is not a success becomes the platform's error with a sentence. */
export const translateAnswer = (response: HttpResponse, z: ZObject, bundle: Bundle): HttpResponse => {
  // A raw answer (the OAuth token endpoint's) is read, status and all, by the one who asked for it.
  if (response.status < 300 || response.request.raw) return response;
  const refusal = refusalOf(z, response as HttpResponse & { request: Request }, bundle);
  if (!response.skipThrowForStatus) throw refusal;
  refusals.set(response, refusal);
  return response;
};

/** The platform error of an answer the step asked to see (`skipThrowForStatus`), if it is no success. */
export const refusalFor = (response: HttpResponse): Error | undefined => refusals.get(response);

/**
 * JSON for a request body. `{{` inside strings is written `\u007b{` so that a
 * user's text can never look like one of the platform's {{bundle…}} templates
 * (z.request refuses those); JSON cannot hold "{{" outside a string.
 */
const toJsonBody = (body: object): string => JSON.stringify(body).replace(/\{(?=\{)/g, '\\u007b');

type Outgoing = Omit<Request, 'body'> & { body?: object | string };

/** z.request with a JSON body that no user text can break, and a request that got no answer as a sentence. */
export const send = async (z: ZObject, outgoing: Outgoing): Promise<HttpResponse> => {
  const { body } = outgoing;
  let prepared: Request | undefined;
  const request: Request = {
    ...(outgoing as Request),
    middlewareData: { ...outgoing.middlewareData, prepared: (final: Request) => (prepared = final) },
  };
  if (body !== undefined && typeof body !== 'string') {
    request.body = toJsonBody(body);
    request.headers = { 'Content-Type': 'application/json', ...outgoing.headers };
  }
  try {
    return await z.request(request);
  } catch (error) {
    // node-fetch's error for a request that got no answer; the platform's own errors pass on.
    if (!(error instanceof Error) || error.name !== 'FetchError') throw error;
    throw noAnswer(z, prepared ?? request, error as { type?: string; code?: string });
  }
};

/**
 * A success answer read with its contract schema; a mismatch names the field
 * and what was wrong. Without a schema, only the status is checked.
 */
export function parse(z: ZObject, response: HttpResponse): void;
export function parse<S extends zod.ZodMiniType>(z: ZObject, response: HttpResponse, schema: S): zod.infer<S>;
export function parse<S extends zod.ZodMiniType>(z: ZObject, response: HttpResponse, schema?: S) {
  const refusal = refusalFor(response);
  if (refusal) throw refusal;
  if (!schema) return undefined;
  const what = purposeOf(response.request as Request);
  if (response.data === undefined) {
    throw new z.errors.Error(
      `CodeTether sent an answer that is not JSON while ${what} (HTTP ${response.status}).${checkBaseUrl(response.request as Request)} If it keeps happening, contact CodeTether support.`,
      'unexpected_answer',
      response.status,
    );
  }
  return parseAnswer(z, schema, response.data, what);
}

/** What a JSON value is, in the words of a type check: "text", "a list", "null"… */
const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
};

const EXPECTED: Record<string, string> = {
  string: 'text',
  object: 'an object',
  array: 'a list',
  int: 'a whole number',
};

/** What is wrong with a value, without zod's locale (zod/mini carries none). */
const problemOf = (issue: zod.core.$ZodIssue, value: unknown): string => {
  switch (issue.code) {
    case 'invalid_type':
      return `should be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}, not ${kindOf(value)}`;
    case 'invalid_value':
      return `should be ${issue.values.map((allowed) => JSON.stringify(allowed)).join(' or ')}`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array' ? 'is empty' : 'is out of range';
    default:
      return 'is not valid';
  }
};

/** Data read with a contract schema; a mismatch names the field and what was wrong. */
export const parseAnswer = <S extends zod.ZodMiniType>(
  z: ZObject,
  schema: S,
  data: unknown,
  what: string,
): zod.infer<S> => {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  // A failed parse has at least one issue.
  const [issue] = result.error.issues;
  const { path } = issue;
  const value = path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], data);
  const field = path.length ? `field “${excerpt(path.join('.'))}”` : 'the answer';
  const problem = path.length && value === undefined ? 'is missing' : problemOf(issue, value);
  throw new z.errors.Error(
    `CodeTether sent an unexpected answer to ${what}: ${field} ${problem}. If this keeps happening, contact CodeTether support.`,
    'unexpected_answer',
  );
};
