/**
 * Outgoing webhooks, both kinds:
 * - subscriptions (part 2 of the contract): per-subscription secrets (the
 *   client's own when it sends one), the full task embedded, HMAC over
 *   `{timestamp}.{raw body}` (or over Python's json.dumps of the payload,
 *   when so configured), retries with exponential backoff on network errors
 *   and 5xx, and a 410 answer deletes the subscription;
 * - per-task `webhook_url` (part 1, production today): one attempt, never
 *   retried, when the task completes or fails (a cancelled task sends
 *   nothing), signed over Python's json.dumps of the payload while the
 *   compact JSON is what is sent, the timestamp unsigned.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { api, WebhookEvent } from '../../lib/api/contract';
import {
  pythonJsonDumps,
  SIGNATURE_HEADER,
  signatureOf,
  signedMessage,
  TIMESTAMP_HEADER,
} from '../../lib/webhooks/signature';
import type { EmulatorOptions } from './config';
import type { StoredTask } from './tasks';

export interface Subscription {
  id: string;
  ownerId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  created_at: string;
}

/** One delivery attempt, as the emulator's log keeps it. */
export interface DeliveryAttempt {
  kind: 'subscription' | 'task_webhook';
  subscriptionId: string | null;
  url: string;
  event: WebhookEvent;
  attempt: number;
  /** The receiver's HTTP status, or null when the request itself failed. */
  status: number | null;
  error: string | null;
}

/** Production's per-task webhooks only ever send these two: nothing for a cancelled task. */
const TASK_WEBHOOK_EVENTS: ReadonlySet<WebhookEvent> = new Set(['task_completed', 'task_failed']);

/** One event for one subscription: the body sent, and what is signed after the timestamp. */
interface SubscriptionDelivery {
  event: WebhookEvent;
  name: string;
  eventId: string;
  body: string;
  signedBody: string;
}

const unixSeconds = () => String(Math.floor(Date.now() / 1000));

export class WebhookHub {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pauses = new Set<{ timer: NodeJS.Timeout; resume: () => void }>();
  private closed = false;
  readonly attempts: DeliveryAttempt[] = [];

  constructor(
    private readonly options: Pick<
      EmulatorOptions,
      'deliveries' | 'taskWebhookSecret' | 'dottedEventNames' | 'subscriptionSignedBody'
    >,
  ) {}

  subscribe(ownerId: string, body: z.output<typeof api.CreateWebhookBody>): Subscription {
    const subscription: Subscription = {
      id: `wh_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      ownerId,
      url: body.url,
      events: [...new Set(body.events)],
      secret: body.secret ?? `whsec_${randomBytes(24).toString('hex')}`,
      created_at: new Date().toISOString(),
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  list(ownerId: string): Subscription[] {
    return [...this.subscriptions.values()].filter((subscription) => subscription.ownerId === ownerId);
  }

  unsubscribe(ownerId: string, id: string): boolean {
    if (this.subscriptions.get(id)?.ownerId !== ownerId) return false;
    return this.subscriptions.delete(id);
  }

  /** Sends `event` about `task` to every matching subscription and, when it applies, the task's webhook_url. */
  publish(event: WebhookEvent, task: StoredTask): void {
    const timestamp = new Date().toISOString();
    const { task_id, run_id, status, result_summary: result, error } = task.record;
    // task_needs_input → task.needs_input
    const name = this.options.dottedEventNames ? event.replace('_', '.') : event;
    for (const subscription of this.list(task.ownerId)) {
      if (!subscription.events.includes(event)) continue;
      const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
      const payload = {
        event: name,
        event_id: eventId,
        task_id,
        run_id,
        status,
        result,
        error,
        timestamp,
        task: { ...task.record },
      };
      const body = JSON.stringify(payload);
      const signedBody = this.options.subscriptionSignedBody === 'raw' ? body : pythonJsonDumps(payload);
      this.track(this.deliverToSubscription(subscription, { event, name, eventId, body, signedBody }));
    }
    if (task.request.webhook_url && TASK_WEBHOOK_EVENTS.has(event)) {
      const payload = { event: name, run_id, task_id, status, result, error, timestamp };
      this.track(this.deliverTaskWebhook(task.request.webhook_url, event, payload));
    }
  }

  /** Resolves once no delivery is in flight or waiting for a retry. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops every pending retry; deliveries in flight end at their next step. */
  close(): void {
    this.closed = true;
    for (const pause of this.pauses) {
      clearTimeout(pause.timer);
      pause.resume();
    }
    this.pauses.clear();
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pause = {
        timer: setTimeout(() => {
          this.pauses.delete(pause);
          resolve();
        }, ms),
        resume: resolve,
      };
      this.pauses.add(pause);
    });
  }

  /** POSTs once; the answer's status, or null with the reason when no answer came. */
  private async post(url: string, body: string, headers: Record<string, string>) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'CodeTether-Webhooks (emulator)', ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.deliveries.timeoutMs),
      });
      await response.body?.cancel();
      return { status: response.status, error: null };
    } catch (error) {
      return { status: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Each attempt has its own timestamp, and so its own signature. */
  private async deliverToSubscription(
    subscription: Subscription,
    { event, name, eventId, body, signedBody }: SubscriptionDelivery,
  ) {
    const { maxAttempts, firstRetryDelayMs } = this.options.deliveries;
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
      if (!this.subscriptions.has(subscription.id)) return;
      const timestamp = unixSeconds();
      const { status, error } = await this.post(subscription.url, body, {
        'X-CodeTether-Event': name,
        'X-CodeTether-Delivery': eventId,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signatureOf(subscription.secret, signedMessage(signedBody, timestamp)),
      });
      this.attempts.push({
        kind: 'subscription',
        subscriptionId: subscription.id,
        url: subscription.url,
        event,
        attempt,
        status,
        error,
      });
      // 410 is how Zapier says the Zap is off: the subscription is gone for good.
      if (status === 410) {
        this.subscriptions.delete(subscription.id);
        return;
      }
      const retryable = status === null || status >= 500;
      if (!retryable || attempt === maxAttempts) return;
      await this.pause(firstRetryDelayMs * 2 ** (attempt - 1));
    }
  }

  /** Once, whatever the answer: production never retries, so a lost delivery leaves its receiver waiting. */
  private async deliverTaskWebhook(url: string, event: WebhookEvent, payload: Record<string, unknown>) {
    const secret = this.options.taskWebhookSecret;
    // Production signs json.dumps(payload) but sends compact JSON: the bytes differ on purpose.
    const headers: Record<string, string> = secret
      ? { [SIGNATURE_HEADER]: signatureOf(secret, pythonJsonDumps(payload)), [TIMESTAMP_HEADER]: unixSeconds() }
      : {};
    const { status, error } = await this.post(url, JSON.stringify(payload), headers);
    this.attempts.push({ kind: 'task_webhook', subscriptionId: null, url, event, attempt: 1, status, error });
  }
}
