/**
 * The one way the app talks to CodeTether: URLs built from encoded segments
 * under the connection's validated base URL, bodies sent as JSON, answers
 * parsed with the contract's schemas. Error answers are translated by
 * `translateErrorResponse`, which the app registers as afterResponse.
 */
import type { Bundle, HttpRequestOptions, HttpResponse, ZObject } from 'zapier-platform-core';
import type * as zod from 'zod/mini';
import { parseAnswer, parseJson } from './answers';
import { type BaseUrlError, parseBaseUrl } from './base-url';
import { API_PREFIX } from './contract';

type Method = 'GET' | 'POST' | 'DELETE';
type Params = Record<string, string | number | undefined>;

export interface ApiCall<S extends zod.ZodMiniType> {
  method?: Method;
  /** Path segments below `/v1/automation`; each is percent-encoded. */
  path: readonly string[];
  params?: Params;
  body?: unknown;
  headers?: Record<string, string>;
  /** The contract schema of the success answer; null when the answer has no body. */
  schema: S | null;
  /** What the request does, for messages: "creating the task". */
  what: string;
  /** Segments before `path`; defaults to `v1/automation`. */
  prefix?: readonly string[];
  /** Ends the URL with "/": the API's root is `/v1/automation/`, and FastAPI redirects the bare form. */
  trailingSlash?: boolean;
}

export interface ApiAnswer<T> {
  data: T;
  status: number;
}

/** The connection's base URL, checked; a bad one stops the step before any request. */
export const baseUrlOf = (z: ZObject, authData: Bundle['authData'] | undefined): string => {
  try {
    return parseBaseUrl(authData?.base_url);
  } catch (error) {
    // parseBaseUrl throws nothing but a BaseUrlError, whose message is for the user.
    throw new z.errors.Error((error as BaseUrlError).message, 'invalid_base_url', 400);
  }
};

/**
 * Encodes one path segment. "." and ".." would be resolved away by URL
 * parsing (even percent-encoded), so they can name nothing and count as not found.
 */
const encodeSegment = (z: ZObject, segment: string): string => {
  const value = String(segment);
  if (value === '' || value === '.' || value === '..' || /^(%2e){1,2}$/i.test(value)) {
    throw new z.errors.Error(`CodeTether could not find it: “${value}” is not a valid ID.`, 'not_found', 404);
  }
  return encodeURIComponent(value);
};

export const apiUrl = (
  z: ZObject,
  bundle: Bundle,
  path: readonly string[],
  prefix: readonly string[] = API_PREFIX,
): string =>
  `${baseUrlOf(z, bundle.authData)}/${[...prefix, ...path].map((segment) => encodeSegment(z, segment)).join('/')}`;

/**
 * JSON for a request body. `{{` inside strings is written `\u007b{` so that a
 * user's text can never look like one of the platform's {{bundle…}} templates
 * (z.request refuses those); JSON cannot hold "{{" outside a string.
 */
export const toJsonBody = (body: unknown): string => JSON.stringify(body).replace(/\{(?=\{)/g, '\\u007b');

const withoutEmpty = (params: Params | undefined): Record<string, string> | undefined => {
  if (!params) return undefined;
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== '');
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
};

/** Requests that may be sent twice with the same effect. */
const REPEATABLE_METHODS = new Set(['GET', 'DELETE']);

const isNetworkError = (error: unknown): error is Error & { code?: string } =>
  error instanceof Error && error.name === 'FetchError' && !(error as { doNotContextify?: boolean }).doNotContextify;

/**
 * z.request, with a failure to reach the server (refused, reset, DNS, a
 * timeout) turned into a sentence. Left alone, the platform would append the
 * step's whole bundle to the message, webhook secrets in subscribeData
 * included; its own errors (translated answers, refresh) pass through. A
 * connection reset, typically a kept-alive connection the server had just
 * closed, is retried once where repeating the request is harmless.
 */
export const sendRequest = async (
  z: ZObject,
  request: HttpRequestOptions & { url: string },
  what: string,
): Promise<HttpResponse> => {
  try {
    return await z.request({ ...request });
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    if (error.code === 'ECONNRESET' && REPEATABLE_METHODS.has(request.method ?? 'GET')) {
      try {
        return await z.request({ ...request });
      } catch (retryError) {
        if (!isNetworkError(retryError)) throw retryError;
      }
    }
    throw new z.errors.Error(
      `CodeTether could not be reached at ${new URL(request.url).host} while ${what}${error.code ? ` (${error.code})` : ''}. Check the Base URL of your connection; if it is right, try again in a few minutes.`,
      'network_error',
    );
  }
};

export const callApi = async <S extends zod.ZodMiniType>(
  z: ZObject,
  bundle: Bundle,
  call: ApiCall<S>,
): Promise<ApiAnswer<zod.infer<S>>> => {
  const request: HttpRequestOptions & { url: string; throwForThrottlingEarly: boolean } = {
    url: `${apiUrl(z, bundle, call.path, call.prefix)}${call.trailingSlash ? '/' : ''}`,
    method: call.method ?? 'GET',
    params: withoutEmpty(call.params),
    headers: { Accept: 'application/json', ...call.headers },
    // The bearer token must never follow a redirect to another address.
    redirect: 'manual',
    // Our afterResponse turns 429 into a ThrottledError with a sentence.
    throwForThrottlingEarly: false,
  };
  if (call.body !== undefined) {
    request.body = toJsonBody(call.body);
    request.headers = { ...request.headers, 'Content-Type': 'application/json' };
  }
  const response = await sendRequest(z, request, call.what);
  if (call.schema === null) return { data: undefined as zod.infer<S>, status: response.status };

  const json = parseJson(response.content);
  if (json === undefined) {
    throw new z.errors.Error(
      `CodeTether sent an answer that is not JSON while ${call.what} (HTTP ${response.status}). Check the Base URL of your connection; if it is right, try again later.`,
      'unexpected_answer',
      response.status,
    );
  }
  return { data: parseAnswer(z, call.schema, json, call.what), status: response.status };
};

/**
 * beforeRequest middleware: adds the connection's bearer token, but only to
 * requests for the configured CodeTether host's API, never to any other URL.
 */
export const addBearerToken = (request: HttpRequestOptions & { url: string }, _z: ZObject, bundle: Bundle) => {
  const token = bundle.authData?.access_token || bundle.authData?.api_key;
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
