/**
 * The bundle Zapier hands Task Completed's perform for one signed delivery,
 * as CodeTether's subscriptions send it (docs/API.md, part 2): the whole
 * task embedded, compact JSON as `content`, the headers spelled as Zapier
 * spells them, signed over `{timestamp}.{body}` with the subscription's
 * secret. The bench measures the app and its hook floor on the same bundles,
 * and holds both to the same verdicts on the refused ones.
 */
import { pythonJsonDumps, signatureOf, signedMessage } from '../../lib/webhooks/signature';

export interface DeliveryOptions {
  /** The task as `GET /tasks/{id}` answers it. */
  task: Record<string, unknown>;
  /** What Zapier keeps from subscribing: the subscription's id and the secret that signs its deliveries. */
  subscribeData: { id: string; secret: string };
  /** The body the signature covers: the bytes sent, or Python's json.dumps of the payload (the fallback). */
  signs?: 'raw' | 'python';
  /** Another secret than the subscription's, for a forged delivery. */
  signedWith?: string;
  /** The signed timestamp, in Unix seconds; now unless given. */
  timestamp?: number;
  /** A header left out. */
  without?: 'signature' | 'timestamp';
}

export const signedDelivery = (options: DeliveryOptions) => {
  const { task, subscribeData } = options;
  const summary = 'Résumé: the benchmark ran — “fine”.';
  const body = {
    event: 'task_completed',
    event_id: 'evt_bench_1',
    task_id: task.task_id,
    run_id: task.run_id,
    status: 'completed',
    result: summary,
    error: null,
    timestamp: new Date().toISOString(),
    task: { ...task, status: 'completed', result_summary: summary },
  };
  const content = JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signed = options.signs === 'python' ? pythonJsonDumps(body) : content;
  const headers: Record<string, string> = { 'Http-Content-Type': 'application/json' };
  if (options.without !== 'signature')
    headers['Http-X-Codetether-Signature'] = signatureOf(
      options.signedWith ?? subscribeData.secret,
      signedMessage(signed, timestamp),
    );
  if (options.without !== 'timestamp') headers['Http-X-Codetether-Timestamp'] = timestamp;
  return {
    subscribeData,
    cleanedRequest: body,
    rawRequest: { method: 'POST', querystring: '', content, headers },
  };
};
