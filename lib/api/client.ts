/**
 * The one way the app talks to CodeTether: URLs built from encoded segments
 * under the connection's validated base URL, the connection's credential
 * checked, bodies sent as JSON, every request bounded in time, answers
 * parsed with the contract's schemas. Error answers are translated by
 * `translateErrorResponse`, which the app registers as afterResponse;
 * statuses a caller expects come back as values instead.
 */
import type { Bundle, HttpRequestOptions, HttpResponse, ZObject } from 'zapier-platform-core';
import type * as zod from 'zod/mini';
import { parseAnswer, parseJson } from './answers';
import { type BaseUrlError, parseBaseUrl } from './base-url';
import { API_PREFIX, MAX_ID_LENGTH } from './contract';
import { bearerTokenOf, checkedBearerToken } from './credentials';
import { refusalOf, throwRefusal } from './errors';
import { excerpt } from './text';

type Method = 'GET' | 'POST' | 'DELETE';
type Params = Record<string, string | number | undefined>;

/** What a request is for, in the words of a message. */
export interface RequestPurpose {
  /** What the request does: "creating the task". */
  what: string;
  /** Said when no answer came, for a request that may have had its effect anyway; written only then. */
  ifNoAnswer?: () => string;
}

export interface ApiCall<S extends zod.ZodMiniType> extends RequestPurpose {
  method?: Method;
  /** Path segments below `/v1/automation`; each is percent-encoded. */
  path: readonly string[];
  params?: Params;
  body?: unknown;
  headers?: Record<string, string>;
  /** The contract schema of the success answer; null when the answer has no body. */
  schema: S | null;
  /** Segments before `path`; defaults to `v1/automation`. */
  prefix?: readonly string[];
  /** Ends the URL with "/": the API's root is `/v1/automation/`, and FastAPI redirects the bare form. */
  trailingSlash?: boolean;
  /** Error statuses the caller handles itself: they come back as an ApiRefusal instead of an error. */
  expect?: readonly number[];
}

export interface ApiAnswer<T> {
  ok: true;
  data: T;
}

/** An expected error status, with the sentence it would have raised. */
export interface ApiRefusal<E extends number> {
  ok: false;
  status: E;
  message: string;
}

/** The connection's base URL, checked; a bad one stops the step before any request. */
export const baseUrlOf = (z: ZObject, authData: { base_url?: unknown } | undefined): string => {
  try {
    return parseBaseUrl(authData?.base_url);
  } catch (error) {
    // parseBaseUrl throws nothing but a BaseUrlError, whose message is for the user.
    throw new z.errors.Error((error as BaseUrlError).message, 'invalid_base_url', 400);
  }
};

/** Encodes one path segment; one that can name nothing counts as not found. */
const encodeSegment = (z: ZObject, segment: string): string => {
  const value = String(segment);
  if (namesNothing(value)) {
    throw new z.errors.Error(`CodeTether could not find it: “${excerpt(value)}” is not a valid ID.`, 'not_found', 404);
  }
  return encodeURIComponent(value);
};

/**
 * A path segment that can name nothing: "." and ".." would be resolved away
 * by URL parsing (even percent-encoded), a lone surrogate cannot be encoded,
 * and no ID is that long.
 */
const namesNothing = (segment: string): boolean =>
  segment === '' ||
  segment === '.' ||
  segment === '..' ||
  /^(%2e){1,2}$/i.test(segment) ||
  !segment.isWellFormed() ||
  segment.length > MAX_ID_LENGTH;

const apiUrl = (z: ZObject, bundle: Bundle, path: readonly string[], prefix: readonly string[] = API_PREFIX): string =>
  `${baseUrlOf(z, bundle.authData)}/${[...prefix, ...path].map((segment) => encodeSegment(z, segment)).join('/')}`;

/**
 * JSON for a request body. `{{` inside strings is written `\u007b{` so that a
 * user's text can never look like one of the platform's {{bundle…}} templates
 * (z.request refuses those); JSON cannot hold "{{" outside a string.
 */
const toJsonBody = (body: unknown): string => JSON.stringify(body).replace(/\{(?=\{)/g, '\\u007b');

const withoutEmpty = (params: Params | undefined): Record<string, string> | undefined => {
  if (!params) return undefined;
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== '');
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
};

/**
 * Zapier stops a step after 30 seconds and then shows only its own generic
 * timeout. A step's requests get 20 seconds in all (each as much as is left),
 * which leaves the step time to say what happened. Tests shorten it.
 */
export const requestTimeBudget = { ms: 20_000 };

/** When the requests of a step (one z object) must have answered; counted from its first request. */
const deadlines = new WeakMap<ZObject, number>();

const timeLeftMs = (z: ZObject): number => {
  const deadline = deadlines.get(z) ?? Date.now() + requestTimeBudget.ms;
  deadlines.set(z, deadline);
  return deadline - Date.now();
};

const seconds = (ms: number): string => {
  const value = Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0));
  return `${value} second${value === 1 ? '' : 's'}`;
};

/** Requests that may be sent twice with the same effect. */
const REPEATABLE_METHODS = new Set(['GET', 'DELETE']);

const isNetworkError = (error: unknown): error is Error & { code?: string } =>
  error instanceof Error && error.name === 'FetchError' && !(error as { doNotContextify?: boolean }).doNotContextify;

/** node-fetch's error when the request's time signal fired, before the answer or in the middle of its body. */
const isTimeout = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/**
 * z.request, bounded by the step's time budget, with a failure to get an
 * answer (refused, reset, DNS, no answer in time) turned into a sentence.
 * Left alone, the platform would append the step's whole bundle to the
 * message, webhook secrets in subscribeData included; its own errors
 * (translated answers, refresh) pass through. A connection reset, typically
 * a kept-alive connection the server had just closed, is retried once where
 * repeating the request is harmless.
 */
export const sendRequest = async (
  z: ZObject,
  request: HttpRequestOptions & { url: string },
  purpose: RequestPurpose,
): Promise<HttpResponse> => {
  const noAnswer = (what: string): never => {
    throw new z.errors.Error(
      [
        `${what}.`,
        purpose.ifNoAnswer?.(),
        'Check the Base URL of your connection; if it is right, try again in a few minutes.',
      ]
        .filter(Boolean)
        .join(' '),
      'no_answer',
    );
  };
  const unanswered = `CodeTether did not answer within ${seconds(requestTimeBudget.ms)} while ${purpose.what}`;
  const send = async (): Promise<HttpResponse> => {
    const left = timeLeftMs(z);
    if (left <= 0) return noAnswer(unanswered);
    // Options the platform passes on but does not type: our afterResponse turns every 429 (the token
    // endpoint's too) into a ThrottledError with a sentence; the signal bounds the answer and its body.
    const options = { ...request, throwForThrottlingEarly: false, signal: AbortSignal.timeout(left) };
    return z.request(options as HttpRequestOptions & { url: string });
  };
  try {
    return await send();
  } catch (error) {
    if (isTimeout(error)) return noAnswer(unanswered);
    if (!isNetworkError(error)) throw error;
    let failure = error;
    if (error.code === 'ECONNRESET' && REPEATABLE_METHODS.has(request.method ?? 'GET')) {
      try {
        return await send();
      } catch (retryError) {
        if (isTimeout(retryError)) return noAnswer(unanswered);
        if (!isNetworkError(retryError)) throw retryError;
        failure = retryError;
      }
    }
    const host = new URL(request.url).host;
    const code = failure.code && /^[A-Z_]{2,30}$/.test(failure.code) ? ` (${failure.code})` : '';
    // A reset may come after the server received the request; a refused or unresolved one never arrived.
    if (failure.code === 'ECONNRESET') {
      return noAnswer(`CodeTether at ${host} closed the connection without answering while ${purpose.what}${code}`);
    }
    throw new z.errors.Error(
      `CodeTether could not be reached at ${host} while ${purpose.what}${code}. Check the Base URL of your connection; if it is right, try again in a few minutes.`,
      'network_error',
    );
  }
};

export function callApi<S extends zod.ZodMiniType, const E extends number>(
  z: ZObject,
  bundle: Bundle,
  call: ApiCall<S> & { expect: readonly E[] },
): Promise<ApiAnswer<zod.infer<S>> | ApiRefusal<E>>;
export function callApi<S extends zod.ZodMiniType>(
  z: ZObject,
  bundle: Bundle,
  call: ApiCall<S>,
): Promise<ApiAnswer<zod.infer<S>>>;
export async function callApi<S extends zod.ZodMiniType>(
  z: ZObject,
  bundle: Bundle,
  call: ApiCall<S>,
): Promise<ApiAnswer<zod.infer<S>> | ApiRefusal<number>> {
  const expected = call.expect ?? [];
  const invalid = call.path.find((segment) => namesNothing(String(segment)));
  // No request could find it: answered as CodeTether would, without asking.
  if (invalid !== undefined && expected.includes(404)) {
    return {
      ok: false,
      status: 404,
      message: `CodeTether could not find it: “${excerpt(invalid)}” is not a valid ID.`,
    };
  }
  const url = `${apiUrl(z, bundle, call.path, call.prefix)}${call.trailingSlash ? '/' : ''}`;
  checkedBearerToken(z, bundle.authData);
  const request: HttpRequestOptions & { url: string } = {
    url,
    method: call.method ?? 'GET',
    params: withoutEmpty(call.params),
    headers: { Accept: 'application/json', ...call.headers },
    // The bearer token must never follow a redirect to another address.
    redirect: 'manual',
    // Expected statuses come back here untranslated; the others are translated below.
    skipThrowForStatus: expected.length > 0,
  };
  if (call.body !== undefined) {
    request.body = toJsonBody(call.body);
    request.headers = { ...request.headers, 'Content-Type': 'application/json' };
  }
  const response = await sendRequest(z, request, call);
  const { status } = response;
  if (status >= 300) {
    const refusal = refusalOf(response, bundle);
    if (expected.includes(status)) return { ok: false, status, message: refusal.message };
    throwRefusal(z, refusal);
  }
  if (call.schema === null) return { ok: true, data: undefined as zod.infer<S> };

  const json = parseJson(response.content);
  if (json === undefined) {
    throw new z.errors.Error(
      `CodeTether sent an answer that is not JSON while ${call.what} (HTTP ${status}). Check the Base URL of your connection; if it is right, try again later.`,
      'unexpected_answer',
      status,
    );
  }
  return { ok: true, data: parseAnswer(z, call.schema, json, call.what) };
}

/**
 * beforeRequest middleware: adds the connection's bearer token, but only to
 * requests for the configured CodeTether host's API, never to any other URL.
 */
export const addBearerToken = (request: HttpRequestOptions & { url: string }, _z: ZObject, bundle: Bundle) => {
  const token = bearerTokenOf(bundle.authData);
  if (!token) return request;
  let origin: string;
  let target: URL;
  try {
    origin = parseBaseUrl(bundle.authData?.base_url);
    target = new URL(request.url);
  } catch {
    return request;
  }
  if (target.origin === origin && target.pathname.startsWith('/v1/')) {
    request.headers = { ...request.headers, Authorization: `Bearer ${token}` };
  }
  return request;
};
