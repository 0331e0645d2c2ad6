/**
 * Webhook signatures: `X-CodeTether-Signature: sha256=<hex HMAC-SHA256(secret, message)>`.
 * One mechanism, two messages (docs/API.md):
 * - subscriptions (part 2) sign `{timestamp}.{body}`, with the
 *   X-CodeTether-Timestamp they send, so a captured delivery cannot be
 *   replayed under a fresh timestamp;
 * - production's per-task webhooks (part 1) sign the body alone and send the
 *   timestamp unsigned.
 * Either way "the body" may be the bytes sent or Python's `json.dumps` of
 * them: Python servers sign json.dumps(payload) (", " and ": " separators,
 * non-ASCII as \uXXXX) but send compact JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseJson } from '../api/text';

export const SIGNATURE_HEADER = 'X-CodeTether-Signature';
export const TIMESTAMP_HEADER = 'X-CodeTether-Timestamp';
/** A signed timestamp further than this from now is refused as a replay. */
export const MAX_DELIVERY_AGE_SECONDS = 5 * 60;

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string as Python's json.dumps writes it with ensure_ascii. */
const pythonString = (value: string): string =>
  `"${value.replace(
    /[\\"]|[^ -~]/g,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )}"`;

/** Python's `json.dumps(value)` with its defaults, keys in the order given, for a value parsed from JSON. */
export const pythonJsonDumps = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  // Parsed JSON holds no NaN or Infinity.
  if (typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `${pythonString(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`;
};

/** JSON's tokens: white space, a string, a structural character, or a literal (number, true, false, null). */
const JSON_TOKEN = /\s+|"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/gy;

/**
 * What Python's `json.dumps` wrote for the payload that arrived as `raw`,
 * rebuilt from the text itself rather than from parsed values: numbers keep
 * their exact spelling (Python writes `87.0`, which parsing would turn into
 * `87`) and keys their order. Undefined when `raw` is not JSON text.
 */
export const pythonJsonDumpsOfText = (raw: string): string | undefined => {
  let out = '';
  let consumed = 0;
  JSON_TOKEN.lastIndex = 0;
  for (let match = JSON_TOKEN.exec(raw); match; match = JSON_TOKEN.exec(raw)) {
    const [token] = match;
    consumed += token.length;
    if (token.startsWith('"')) {
      const text = parseJson(token);
      if (typeof text !== 'string') return undefined;
      out += pythonString(text);
    } else if (token === ',' || token === ':') out += `${token} `;
    else if (!/^\s/.test(token)) out += token;
  }
  return consumed === raw.length ? out : undefined;
};

/** What a signature covers: the body after the timestamp (subscriptions), or the body alone (per-task webhooks). */
export const signedMessage = (body: string, timestamp?: string): string =>
  timestamp === undefined ? body : `${timestamp}.${body}`;

export const signatureOf = (secret: string, message: string): string =>
  `sha256=${createHmac('sha256', secret).update(message, 'utf8').digest('hex')}`;

const SIGNATURE_FORMAT = /^sha256=[0-9a-f]{64}$/i;

const sameSignature = (expected: string, given: string): boolean =>
  timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given, 'latin1'));

/** Which messages a receiver accepts: subscriptions only the timestamped one; per-task webhooks either. */
export type SignedMessages = 'timestamped' | 'timestamped_or_body';

export type SignatureVerdict = 'valid' | 'missing' | 'no_timestamp' | 'mismatch' | 'stale';

/**
 * Checks a delivery's signature, in constant time, over each accepted
 * message built from the raw body or its Python-style re-serialisation.
 * A timestamped signature is valid only within MAX_DELIVERY_AGE_SECONDS of now.
 */
export const verifyDelivery = (options: {
  secret: string;
  signature: string | undefined;
  /** The body exactly as delivered: what was signed is built from these bytes, never from a parsed copy. */
  rawBody: string;
  timestamp: string | undefined;
  accepts: SignedMessages;
  nowSeconds?: number;
}): SignatureVerdict => {
  const given = options.signature?.trim();
  if (!given) return 'missing';
  if (!SIGNATURE_FORMAT.test(given)) return 'mismatch';
  const signature = given.toLowerCase();
  const signsOver = (body: string, timestamp?: string) =>
    sameSignature(signatureOf(options.secret, signedMessage(body, timestamp)), signature);
  // The Python form is rebuilt only when the raw bytes do not match, and then once.
  let python: { form: string | undefined } | undefined;
  const signs = (timestamp?: string) => {
    if (signsOver(options.rawBody, timestamp)) return true;
    python ??= { form: pythonJsonDumpsOfText(options.rawBody) };
    return python.form !== undefined && signsOver(python.form, timestamp);
  };
  if (options.accepts === 'timestamped_or_body' && signs()) return 'valid';
  const { timestamp } = options;
  if (timestamp === undefined) return options.accepts === 'timestamped' ? 'no_timestamp' : 'mismatch';
  if (!signs(timestamp)) return 'mismatch';
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  // Unix seconds, digits only: the signed text is what counts, so no other spelling of a number is read.
  const inWindow = /^\d{1,12}$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= MAX_DELIVERY_AGE_SECONDS;
  return inWindow ? 'valid' : 'stale';
};
