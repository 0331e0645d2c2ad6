/**
 * Webhook signatures: `X-CodeTether-Signature: sha256=<hex HMAC-SHA256>`.
 *
 * Subscriptions sign the raw body. Production's per-task deliveries sign
 * Python's `json.dumps(payload)` (", " and ": " separators, non-ASCII as
 * \uXXXX) but send compact JSON, so a verifier accepts either form.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-CodeTether-Signature';
export const TIMESTAMP_HEADER = 'X-CodeTether-Timestamp';
/** Deliveries older than this are refused as replays. */
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
    if (token.startsWith('"')) out += pythonString(JSON.parse(token) as string);
    else if (token === ',' || token === ':') out += `${token} `;
    else if (!/^\s/.test(token)) out += token;
  }
  return consumed === raw.length ? out : undefined;
};

export const signatureOf = (secret: string, message: string): string =>
  `sha256=${createHmac('sha256', secret).update(message, 'utf8').digest('hex')}`;

const sameSignature = (expected: string, given: string): boolean => {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

export type SignatureVerdict = 'valid' | 'missing' | 'mismatch' | 'stale';

/**
 * Checks a delivery's signature against the raw body, then against its
 * Python-style re-serialisation (from the raw text when there is one, else
 * from the parsed body); both in constant time.
 * A timestamp, when given, must be within MAX_DELIVERY_AGE_SECONDS of now.
 */
export const verifyDelivery = (options: {
  secret: string;
  signature: string | undefined;
  rawBody: string;
  parsedBody: unknown;
  timestamp?: string;
  nowSeconds?: number;
}): SignatureVerdict => {
  const signature = options.signature?.trim().toLowerCase();
  if (!signature) return 'missing';
  const matches =
    sameSignature(signatureOf(options.secret, options.rawBody), signature) ||
    sameSignature(
      signatureOf(
        options.secret,
        (options.rawBody && pythonJsonDumpsOfText(options.rawBody)) || pythonJsonDumps(options.parsedBody),
      ),
      signature,
    );
  if (!matches) return 'mismatch';
  if (options.timestamp !== undefined) {
    const sent = Number(options.timestamp);
    const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
    if (!Number.isFinite(sent) || Math.abs(now - sent) > MAX_DELIVERY_AGE_SECONDS) return 'stale';
  }
  return 'valid';
};
