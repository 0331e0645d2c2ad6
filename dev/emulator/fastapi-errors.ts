/**
 * Error answers exactly as production's FastAPI writes them with pydantic v2
 * (which the server requires): there is no uniform envelope, so each kind
 * has its own body. A 422 lists pydantic-core's own error types, messages,
 * inputs and contexts, as `ValidationError.errors(include_url=False)` gives
 * them; the emulator validates with the contract's zod schemas and words each
 * zod issue the way pydantic words the same problem.
 */
import type { z } from 'zod';
import type { ErrorBody } from '../../lib/api/contract';
import { pythonJsonError } from './python-json';

/** One entry of a FastAPI 422's `detail`, pydantic v2's shape. */
type PydanticError = {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
};

/** Where FastAPI says an input came from. */
export type InputSource = 'body' | 'query' | 'path' | 'header';

export const notFound = (message: string): ErrorBody => ({ detail: { error: 'not_found', message } });
export const conflict = (message: string): ErrorBody => ({ detail: { error: 'conflict', message } });
export const rateLimitExceeded = (message: string): ErrorBody => ({
  detail: { error: 'rate_limit_exceeded', message },
});
/** What `require_auth` answers on every route but `/me`. */
export const AUTHENTICATION_REQUIRED: ErrorBody = { detail: 'Authentication required' };
/** `/me` checks the token itself, with the identity provider, and says why in its own shape. */
export const meUnauthorized = (message: string): ErrorBody => ({ detail: { error: 'unauthorized', message } });

export const budgetExceeded = (used: number, limit: number, upgradeUrl: string): ErrorBody => ({
  detail: `Monthly task limit reached: ${used} of ${limit} tasks used`,
  error_code: 'BUDGET_EXCEEDED',
  upgrade_url: upgradeUrl,
});

/** What uvicorn answers when a route raises something FastAPI does not handle: this, as text/plain. */
export const INTERNAL_SERVER_ERROR = 'Internal Server Error';

const validationError = (errors: PydanticError[]): ErrorBody => ({ detail: errors });

const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    data,
  );

const hasKey = (data: unknown, path: readonly PropertyKey[]): boolean => {
  const parent = valueAt(data, path.slice(0, -1));
  const key = path.at(-1);
  return key !== undefined && parent !== null && typeof parent === 'object' && Object.hasOwn(parent, key);
};

/** Python's repr() of a string: single quotes unless the text holds one and no double quote. */
const pythonRepr = (text: string): string => {
  if (text.includes("'") && !text.includes('"')) return `"${text.replace(/\\/g, '\\\\')}"`;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
};

/** pydantic-core's list of what was expected: "'a', 'b' or 'c'". */
const expectedRepr = (values: readonly unknown[]): string => {
  const reprs = values.map((value) => (typeof value === 'string' ? pythonRepr(value) : String(value)));
  const last = reprs.pop() ?? '';
  return reprs.length ? `${reprs.join(', ')} or ${last}` : last;
};

const plural = (count: number) => (count === 1 ? '' : 's');

// ---------------------------------------------------------------- URLs (pydantic's HttpUrl, rust-url's words)

/** The schemes whose URLs must have a host (WHATWG's and rust-url's "special" schemes). */
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);
const HTTP_URL_SCHEMES = ['http', 'https'] as const;

/** Why pydantic's HttpUrl refuses a string: rust-url's parse error, or the scheme. */
const urlError = (input: unknown): Omit<PydanticError, 'loc'> => {
  if (typeof input !== 'string') return { type: 'url_type', msg: 'URL input should be a string or URL', input };
  const parsing = (error: string) => ({
    type: 'url_parsing',
    msg: `Input should be a valid URL, ${error}`,
    input,
    ctx: { error },
  });
  if (input === '') return parsing('input is empty');
  const scheme = /^[\0- ]*([A-Za-z][A-Za-z0-9+.-]*):/.exec(input)?.[1]?.toLowerCase();
  if (!scheme) return parsing('relative URL without a base');
  let url: URL | undefined;
  try {
    url = new URL(input);
  } catch {
    url = undefined;
  }
  if (!url) {
    const authority = /^[^:]*:[/\\]*([^/\\?#]*)/.exec(input.trimStart())?.[1] ?? '';
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (SPECIAL_SCHEMES.has(scheme) && (host === '' || host.startsWith(':'))) return parsing('empty host');
    if (/:(?![0-9]*$)|:[0-9]{6,}$/.test(host.replace(/^\[[^\]]*\]/, ''))) return parsing('invalid port number');
    if (host.startsWith('[')) return parsing('invalid IPv6 address');
    return parsing('invalid domain character');
  }
  if (!(HTTP_URL_SCHEMES as readonly string[]).includes(url.protocol.slice(0, -1))) {
    const expected_schemes = expectedRepr(HTTP_URL_SCHEMES);
    return { type: 'url_scheme', msg: `URL scheme should be ${expected_schemes}`, input, ctx: { expected_schemes } };
  }
  return parsing(url.hostname === '' ? 'empty host' : 'invalid domain character');
};

// ---------------------------------------------------------------- e-mail addresses (pydantic's EmailStr)

/** Characters an unquoted local part may hold (RFC 5322 atext, dots, and anything beyond ASCII). */
const LOCAL_CHARACTER = /[A-Za-z0-9_!#$%&'*+\-/=?^`{|}~.\u0080-\u{10FFFF}]/u;
const DOMAIN_CHARACTER = /[A-Za-z0-9\-.\u0080-\u{10FFFF}]/u;

/** How email-validator names a character it refuses: quoted when printable, by name or code point otherwise. */
const characterDisplay = (c: string): string => {
  if (/[\p{L}\p{N}\p{P}\p{S}]/u.test(c)) return pythonRepr(c);
  if (c === ' ') return 'SPACE';
  return `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
};

const refusedCharacters = (text: string, allowed: RegExp): string =>
  [...new Set([...text].filter((c) => !allowed.test(c)).map(characterDisplay))].sort().join(', ');

/** The dot and hyphen rules email-validator applies to each side of the @-sign. */
const dotAtomReason = (part: string, startWords: string, endWords: string, hostname: boolean): string | undefined => {
  if (part.endsWith('.')) return endWords.replace('{}', 'period');
  if (part.startsWith('.')) return startWords.replace('{}', 'period');
  if (part.includes('..')) return 'An email address cannot have two periods in a row.';
  if (!hostname) return undefined;
  if (part.endsWith('-')) return endWords.replace('{}', 'hyphen');
  if (part.startsWith('-')) return startWords.replace('{}', 'hyphen');
  if (part.includes('.-') || part.includes('-.')) {
    return 'An email address cannot have a period and a hyphen next to each other.';
  }
  return undefined;
};

/** Why email-validator (behind pydantic's EmailStr) refuses an address, in its words. */
const emailReason = (address: string): string => {
  const at = address.indexOf('@');
  if (at < 0) return 'An email address must have an @-sign.';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local === '') return 'There must be something before the @-sign.';
  const badLocal = refusedCharacters(local, LOCAL_CHARACTER);
  if (badLocal) return `The email address contains invalid characters before the @-sign: ${badLocal}.`;
  const localReason = dotAtomReason(
    local,
    'An email address cannot start with a {}.',
    'An email address cannot have a {} immediately before the @-sign.',
    false,
  );
  if (localReason) return localReason;
  if (domain === '') return 'There must be something after the @-sign.';
  const badDomain = refusedCharacters(domain, DOMAIN_CHARACTER);
  if (badDomain) return `The part after the @-sign contains invalid characters: ${badDomain}.`;
  const domainReason = dotAtomReason(
    domain.toLowerCase(),
    'An email address cannot have a {} immediately after the @-sign.',
    'An email address cannot end with a {}.',
    true,
  );
  if (domainReason) return domainReason;
  if (!domain.includes('.')) return 'The part after the @-sign is not valid. It should have a period.';
  if (!/[A-Za-z]$/.test(domain)) {
    return 'The part after the @-sign is not valid. It is not within a valid top-level domain.';
  }
  return 'The email address contains invalid characters before the @-sign.';
};

// ---------------------------------------------------------------- zod issue → pydantic error

/** Whether Python's int() reads this text: lax pydantic turns such query strings into integers. */
const readsAsInt = (input: unknown): boolean => typeof input !== 'string' || /^\s*[+-]?\d+(\.0*)?\s*$/.test(input);

const INT_PARSING = {
  type: 'int_parsing',
  msg: 'Input should be a valid integer, unable to parse string as an integer',
} as const;

/** A wrong type, as pydantic's lax mode words it (every number in the contract's requests is an integer). */
const typeError = (expected: string, input: unknown, path: readonly PropertyKey[]): Omit<PydanticError, 'loc'> => {
  switch (expected) {
    case 'string':
      return { type: 'string_type', msg: 'Input should be a valid string', input };
    case 'number':
    case 'int':
      if (typeof input === 'string') return { ...INT_PARSING, input };
      if (typeof input === 'number' && Number.isFinite(input) && !Number.isInteger(input)) {
        return {
          type: 'int_from_float',
          msg: 'Input should be a valid integer, got a number with a fractional part',
          input,
        };
      }
      return { type: 'int_type', msg: 'Input should be a valid integer', input };
    case 'boolean':
      return typeof input === 'string'
        ? { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input', input }
        : { type: 'bool_type', msg: 'Input should be a valid boolean', input };
    case 'array':
      return { type: 'list_type', msg: 'Input should be a valid list', input };
    case 'object':
      // FastAPI validates a body model with from_attributes=True, hence model_attributes_type for the body itself.
      return path.length === 0
        ? {
            type: 'model_attributes_type',
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input,
          }
        : { type: 'dict_type', msg: 'Input should be a valid dictionary', input };
    default:
      return { type: `${expected}_type`, msg: `Input should be a valid ${expected}`, input };
  }
};

const lengthOf = (input: unknown): number =>
  Array.isArray(input) ? input.length : typeof input === 'string' ? [...input].length : 0;

/** One zod issue as pydantic v2 reports the same problem. */
const pydanticError = (issue: z.core.$ZodIssue, data: unknown): Omit<PydanticError, 'loc'> => {
  const input = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.path.length === 0 && (data === undefined || data === null)) {
        return { type: 'missing', msg: 'Field required', input: null };
      }
      if (issue.path.length > 0 && !hasKey(data, issue.path)) {
        // pydantic's input for a missing field is the object it is missing from.
        return { type: 'missing', msg: 'Field required', input: valueAt(data, issue.path.slice(0, -1)) };
      }
      return typeError(issue.expected, input, issue.path);
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return {
          type: 'string_too_short',
          msg: `String should have at least ${min} character${plural(min)}`,
          input,
          ctx: { min_length: min },
        };
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        const actual = lengthOf(input);
        return {
          type: 'too_short',
          msg: `List should have at least ${min} item${plural(min)} after validation, not ${actual}`,
          input,
          ctx: { field_type: 'List', min_length: min, actual_length: actual },
        };
      }
      if (!readsAsInt(input)) return { ...INT_PARSING, input };
      return issue.inclusive === false
        ? { type: 'greater_than', msg: `Input should be greater than ${min}`, input, ctx: { gt: min } }
        : {
            type: 'greater_than_equal',
            msg: `Input should be greater than or equal to ${min}`,
            input,
            ctx: { ge: min },
          };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') {
        return {
          type: 'string_too_long',
          msg: `String should have at most ${max} character${plural(max)}`,
          input,
          ctx: { max_length: max },
        };
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        const actual = lengthOf(input);
        return {
          type: 'too_long',
          msg: `List should have at most ${max} item${plural(max)} after validation, not ${actual}`,
          input,
          ctx: { field_type: 'List', max_length: max, actual_length: actual },
        };
      }
      if (!readsAsInt(input)) return { ...INT_PARSING, input };
      return issue.inclusive === false
        ? { type: 'less_than', msg: `Input should be less than ${max}`, input, ctx: { lt: max } }
        : { type: 'less_than_equal', msg: `Input should be less than or equal to ${max}`, input, ctx: { le: max } };
    }
    case 'invalid_value': {
      // The server's choices are Python str Enums.
      const expected = expectedRepr(issue.values);
      return { type: 'enum', msg: `Input should be ${expected}`, input, ctx: { expected } };
    }
    case 'invalid_format':
      if (issue.format === 'email') {
        const reason = typeof input === 'string' ? emailReason(input) : 'An email address must have an @-sign.';
        return { type: 'value_error', msg: `value is not a valid email address: ${reason}`, input, ctx: { reason } };
      }
      if (issue.format === 'url') return urlError(input);
      if (issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string') {
        const pattern = /^\/(.*)\/[a-z]*$/s.exec(issue.pattern)?.[1] ?? issue.pattern;
        return {
          type: 'string_pattern_mismatch',
          msg: `String should match pattern '${pattern}'`,
          input,
          ctx: { pattern },
        };
      }
      return { type: 'value_error', msg: `Value error, ${issue.message}`, input, ctx: { error: issue.message } };
    default:
      return { type: 'value_error', msg: `Value error, ${issue.message}`, input, ctx: { error: issue.message } };
  }
};

/**
 * A zod error as FastAPI's 422 list, each error located in its input.
 * pydantic stops at a value's first failing constraint, so each location
 * is reported once.
 */
export const fromZodError = (error: z.ZodError, data: unknown, source: InputSource): ErrorBody => {
  const seen = new Set<string>();
  const errors: PydanticError[] = [];
  for (const issue of error.issues) {
    const loc = [source, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))];
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    const { type, msg, input, ctx } = pydanticError(issue, data);
    errors.push({ type, loc, msg, input, ...(ctx ? { ctx } : {}) });
  }
  return validationError(errors);
};

/**
 * FastAPI's answer to a body it cannot decode as JSON: nothing at all is a
 * missing body; anything else is `json_invalid` with Python's reason and
 * position (`input` is always `{}`).
 */
export const jsonDecodeError = (text: string): ErrorBody => {
  if (text === '') return validationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  // Python reads NaN and Infinity, JavaScript does not: the emulator cannot go on with such a body either.
  const { message, position } = pythonJsonError(text) ?? { message: 'Expecting value', position: 0 };
  return validationError([
    { type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error: message } },
  ]);
};
