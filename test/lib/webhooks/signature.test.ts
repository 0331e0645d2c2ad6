import { pythonJsonDumpsOfText, signatureOf, verifyDelivery } from '../../../lib/webhooks/signature';
import { SECRETS } from '../../support/app';

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
    const sentCompact = JSON.stringify(payload);
    expect(
      verifyDelivery({
        secret: SECRETS.webhookSecret,
        signature: signatureOf(SECRETS.webhookSecret, signedByPython),
        rawBody: sentCompact,
        parsedBody: JSON.parse(sentCompact),
      }),
    ).toBe('valid');
  });

  it('accept a float that Python writes as 87.0, which parsing would turn into 87', () => {
    // Python 3: json.dumps({"runtime_seconds": 87.0, "result": "Résumé"}), sent compact by the server.
    const signedByPython = String.raw`{"runtime_seconds": 87.0, "result": "R\u00e9sum\u00e9"}`;
    const sentCompact = '{"runtime_seconds":87.0,"result":"Résumé"}';
    const verdict = (rawBody: string) =>
      verifyDelivery({
        secret: SECRETS.webhookSecret,
        signature: signatureOf(SECRETS.webhookSecret, signedByPython),
        rawBody,
        parsedBody: JSON.parse(sentCompact),
      });
    expect(verdict(sentCompact)).toBe('valid');
    // Only the parsed body is there when Zapier passes no raw request: 87.0 cannot be told from 87.
    expect(verdict('')).toBe('mismatch');
  });

  it('rebuild json.dumps from pretty-printed or escaped text, and give up on text that is not JSON', () => {
    expect(pythonJsonDumpsOfText('{\n  "a" : [1.50, true],\n  "b": "\\u00E9\\/x"\n}')).toBe(
      String.raw`{"a": [1.50, true], "b": "\u00e9/x"}`,
    );
    expect(pythonJsonDumpsOfText('{"a": "unterminated}')).toBeUndefined();
  });
});
