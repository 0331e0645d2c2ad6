import {
  MAX_DELIVERY_AGE_SECONDS,
  pythonJsonDumpsOfText,
  signatureOf,
  signedMessage,
  verifyDelivery,
} from '../../../lib/webhooks/signature';
import { SECRETS } from '../../support/app';

const secret = SECRETS.webhookSecret;
const NOW = 1_796_000_000;

describe('webhook signatures', () => {
  it("accept production's signature over json.dumps of a body with numbers, booleans, lists and nested objects", () => {
    const payload = {
      event: 'task_completed',
      task_id: 'tsk_01J9Z6M4Q8',
      status: 'completed',
      runtime_seconds: 87,
      cost_usd: 0.125,
      cached: false,
      retried: true,
      tags: ['invoice', 4821, null],
      usage: { tokens: 1536, models: [] },
      result: 'Line one\nLine two\t“quoted”',
    };
    // Python 3: print(json.dumps(payload)), with payload as above.
    const signedByPython = String.raw`{"event": "task_completed", "task_id": "tsk_01J9Z6M4Q8", "status": "completed", "runtime_seconds": 87, "cost_usd": 0.125, "cached": false, "retried": true, "tags": ["invoice", 4821, null], "usage": {"tokens": 1536, "models": []}, "result": "Line one\nLine two\t\u201cquoted\u201d"}`;
    const verdict = verifyDelivery({
      secret,
      signature: signatureOf(secret, signedByPython),
      rawBody: JSON.stringify(payload),
      timestamp: undefined,
      accepts: 'timestamped_or_body',
    });
    expect(verdict).toBe('valid');
  });

  it('accept a float that Python writes as 87.0, which parsing would turn into 87', () => {
    // Python 3: json.dumps({"runtime_seconds": 87.0, "result": "Résumé"}), sent compact by the server.
    const signedByPython = String.raw`{"runtime_seconds": 87.0, "result": "R\u00e9sum\u00e9"}`;
    const verdict = verifyDelivery({
      secret,
      signature: signatureOf(secret, signedByPython),
      rawBody: '{"runtime_seconds":87.0,"result":"Résumé"}',
      timestamp: '1796000000',
      accepts: 'timestamped_or_body',
    });
    expect(verdict).toBe('valid');
  });

  it('rebuild json.dumps from pretty-printed or escaped text, and give up on text that is not JSON', () => {
    expect(pythonJsonDumpsOfText('{\n  "a" : [1.50, true],\n  "b": "\\u00E9\\/x"\n}')).toBe(
      String.raw`{"a": [1.50, true], "b": "\u00e9/x"}`,
    );
    expect(pythonJsonDumpsOfText('{"a": "unterminated}')).toBeUndefined();
    expect(pythonJsonDumpsOfText('{"a": "bad escape \\x"}')).toBeUndefined();
  });
});

describe('a subscription delivery, signed over its timestamp and body', () => {
  const rawBody = '{"event":"task_completed","task_id":"tsk_01J9Z6M4Q8","result":"Café"}';
  const verdict = (signature: string | undefined, timestamp: string | undefined) =>
    verifyDelivery({ secret, signature, rawBody, timestamp, accepts: 'timestamped', nowSeconds: NOW });
  const signed = (timestamp: string, body = rawBody) => signatureOf(secret, signedMessage(body, timestamp));

  it('is valid within five minutes either way, over the raw body or its json.dumps form', () => {
    for (const offset of [0, MAX_DELIVERY_AGE_SECONDS, -MAX_DELIVERY_AGE_SECONDS]) {
      const timestamp = String(NOW + offset);
      expect(verdict(signed(timestamp), timestamp)).toBe('valid');
      expect(verdict(signed(timestamp, pythonJsonDumpsOfText(rawBody)), timestamp)).toBe('valid');
    }
  });

  it('is a replay when its signed timestamp is further away, or is not unix seconds', () => {
    for (const timestamp of [String(NOW - MAX_DELIVERY_AGE_SECONDS - 1), String(NOW + 301), '1.796e9', ' 1796000000']) {
      expect(verdict(signed(timestamp), timestamp)).toBe('stale');
    }
  });

  it('does not match when the timestamp was not signed, or another one was', () => {
    expect(verdict(signatureOf(secret, rawBody), String(NOW))).toBe('mismatch');
    expect(verdict(signed(String(NOW - 3600)), String(NOW))).toBe('mismatch');
    expect(verdict(`${signed(String(NOW))}0`, String(NOW))).toBe('mismatch');
  });

  it('does not match a body that is not JSON, which has no json.dumps form', () => {
    const timestamp = String(NOW);
    const signature = signatureOf(secret, signedMessage('{"a": 1}', timestamp));
    const verdict = verifyDelivery({ secret, signature, rawBody: '{"a":', timestamp, accepts: 'timestamped' });
    expect(verdict).toBe('mismatch');
  });

  it('is refused without a timestamp or a signature', () => {
    expect(verdict(signed(String(NOW)), undefined)).toBe('no_timestamp');
    expect(verdict(undefined, String(NOW))).toBe('missing');
    expect(verdict('  ', String(NOW))).toBe('missing');
  });
});
