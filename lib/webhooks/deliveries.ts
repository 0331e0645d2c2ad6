/**
 * A webhook delivery as Zapier hands it to a hook's perform: the headers in
 * `bundle.rawRequest.headers` (spelled like `Http-X-Codetether-Signature`),
 * the body exactly as sent in `bundle.rawRequest.content`, and the parsed
 * body in `bundle.cleanedRequest`.
 */
import type { Bundle } from 'zapier-platform-core';
import { parseJson } from '../api/answers';
import {
  MAX_DELIVERY_AGE_SECONDS,
  SIGNATURE_HEADER,
  type SignatureVerdict,
  TIMESTAMP_HEADER,
  verifyDelivery,
} from './signature';

/** A header of the delivery, whichever way Zapier spelled its name. */
export const deliveryHeader = (bundle: Bundle, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(bundle.rawRequest?.headers ?? {})) {
    if (
      key
        .toLowerCase()
        .replace(/_/g, '-')
        .replace(/^http-/, '') === wanted
    )
      return value;
  }
  return undefined;
};

const REJECTIONS: Record<Exclude<SignatureVerdict, 'valid'>, string> = {
  missing: `it has no ${SIGNATURE_HEADER} header, although this subscription signs every delivery`,
  mismatch: `its ${SIGNATURE_HEADER} does not match its body, so CodeTether did not send it for this Zap or it was changed on the way`,
  stale: `its ${TIMESTAMP_HEADER} is more than ${MAX_DELIVERY_AGE_SECONDS / 60} minutes away from now, so it may be a replay`,
};

export type DeliveryReading = { events: unknown[] } | { rejected: string };

/** The delivered body: parsed from the raw content, which keeps the key order the sender signed. */
export const deliveredBody = (bundle: Bundle): unknown => {
  const raw = bundle.rawRequest?.content;
  return raw ? parseJson(raw) : bundle.cleanedRequest;
};

/**
 * Whether the delivery carries a valid signature with this secret, over the
 * raw body or its Python-style re-serialisation (see lib/signature.ts), and,
 * for subscriptions, a recent timestamp.
 */
export const signatureVerdict = (
  bundle: Bundle,
  secret: string,
  body: unknown,
  { checkAge }: { checkAge: boolean },
): SignatureVerdict =>
  verifyDelivery({
    secret,
    signature: deliveryHeader(bundle, SIGNATURE_HEADER),
    rawBody: bundle.rawRequest?.content ?? '',
    parsedBody: body,
    timestamp: checkAge ? deliveryHeader(bundle, TIMESTAMP_HEADER) : undefined,
  });

/**
 * The events of a delivery, or why it was rejected. The signature must match
 * the raw body or its Python-style re-serialisation (see lib/signature.ts)
 * with the subscription's secret, and the timestamp must be recent; without
 * a secret nothing shows that CodeTether sent it.
 */
export const readDelivery = (bundle: Bundle, secret: string | undefined): DeliveryReading => {
  if (!secret) {
    return {
      rejected:
        'this Zap keeps no signing secret for its subscription, so nothing shows that CodeTether sent it; turn the Zap off and on again to subscribe anew',
    };
  }
  const body = deliveredBody(bundle);
  if (body === null || typeof body !== 'object') return { rejected: 'its body is not a JSON object or array' };
  const verdict = signatureVerdict(bundle, secret, body, { checkAge: true });
  if (verdict !== 'valid') return { rejected: REJECTIONS[verdict] };
  return { events: Array.isArray(body) ? body : [body] };
};
