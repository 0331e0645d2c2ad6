import { signatureOf, verifyDelivery } from '../../lib/signature';
import { SECRETS } from '../support/app';

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
});
