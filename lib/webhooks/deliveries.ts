/**
 * A webhook delivery as Zapier hands it to a hook's perform or an action's
 * performResume: the headers in `bundle.rawRequest.headers` (spelled like
 * `Http-X-Codetether-Signature`), the body exactly as sent in
 * `bundle.rawRequest.content`, and a parsed copy in `bundle.cleanedRequest`.
 * A signed delivery is read from the very bytes whose signature was checked,
 * never from the parsed copy, which nothing signs.
 */
import type { Bundle } from 'zapier-platform-core';
import { parseJson } from '../api/text';
import {
  MAX_DELIVERY_AGE_SECONDS,
  SIGNATURE_HEADER,
  type SignatureVerdict,
  type SignedMessages,
  TIMESTAMP_HEADER,
  verifyDelivery,
} from './signature';

/** A header of the delivery, whichever way Zapier spelled its name; only text counts. */
const deliveryHeader = (bundle: Bundle, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(bundle.rawRequest?.headers ?? {})) {
    const spelled = key
      .toLowerCase()
      .replace(/_/g, '-')
      .replace(/^http-/, '');
    if (spelled === wanted && typeof value === 'string') return value;
  }
  return undefined;
};

/** The body exactly as it was sent, when Zapier passed it. */
const rawBodyOf = (bundle: Bundle): string | undefined => {
  const content: unknown = bundle.rawRequest?.content;
  return typeof content === 'string' ? content : undefined;
};

const REJECTIONS: Record<Exclude<SignatureVerdict, 'valid'>, string> = {
  missing: `it is not signed (it has no ${SIGNATURE_HEADER} header)`,
  no_timestamp: `it has no ${TIMESTAMP_HEADER} header, which a signed delivery must carry`,
  mismatch: `its ${SIGNATURE_HEADER} does not match its body and the signing secret, so CodeTether did not send it or it was changed on the way`,
  stale: `its signed ${TIMESTAMP_HEADER} is more than ${MAX_DELIVERY_AGE_SECONDS / 60} minutes away from now, so it may be a replay`,
};

export type DeliveryReading = { body: object } | { rejected: string };

/**
 * The body of a delivery signed with `secret`, parsed from the raw bytes the
 * signature covers, or why it was rejected (see signature.ts for the messages
 * each kind of delivery may sign).
 */
export const readSignedDelivery = (bundle: Bundle, secret: string, accepts: SignedMessages): DeliveryReading => {
  const raw = rawBodyOf(bundle);
  const body = raw === undefined ? undefined : parseJson(raw);
  if (raw === undefined || body === null || typeof body !== 'object') {
    return { rejected: 'its body is not a JSON object or array' };
  }
  const verdict = verifyDelivery({
    secret,
    signature: deliveryHeader(bundle, SIGNATURE_HEADER),
    timestamp: deliveryHeader(bundle, TIMESTAMP_HEADER),
    rawBody: raw,
    accepts,
  });
  return verdict === 'valid' ? { body } : { rejected: REJECTIONS[verdict] };
};

/** An unsigned delivery's body: the raw bytes parsed, or Zapier's parsed copy when it passed no raw body. */
export const unsignedBody = (bundle: Bundle): unknown => {
  const raw = rawBodyOf(bundle);
  return raw ? parseJson(raw) : bundle.cleanedRequest;
};
