/**
 * The webhook subscriptions of docs/API.md part 2: subscribing sends a
 * fresh secret of its own and stores the subscription's id and the secret
 * the answer holds; unsubscribing is repeatable; a subscription whose answer
 * cannot be used is removed again. Input that is not valid sends nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Bundle, ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { parseAnswer } from '../api/answers';
import { callApi } from '../api/client';
import { CreateWebhookBody, type InstantEvent, WebhookId, WebhookList, WebhookSubscription } from '../api/contract';
import { messageOf, statusOf } from '../api/errors';

/** What Zapier keeps in `bundle.subscribeData`: the subscription and the secret that signs its deliveries. */
export const StoredSubscription = zod.object({
  id: WebhookId,
  secret: zod.string().check(zod.minLength(1)),
});

/** Whatever a subscribe answer was, before it is known to be usable. */
const AnySubscribeAnswer = zod.unknown();
const SubscriptionId = zod.looseObject({ id: WebhookId });
type StoredSubscription = zod.infer<typeof StoredSubscription>;

const SUBSCRIBING = 'creating the webhook subscription';

const NO_SUBSCRIPTIONS =
  'This CodeTether server does not offer webhook subscriptions (yet), so instant triggers cannot be turned on. Use the Task Finished or New Task trigger instead, which check for tasks every few minutes; if your server should offer subscriptions, check the Base URL of your connection.';

/**
 * Deletes a subscription. One that is already gone (404, 410) counts as
 * removed: Zapier turns the Zap off regardless, so this must be repeatable.
 * Answers whether it was still there.
 */
const removeSubscription = async (z: ZObject, bundle: Bundle, id: string): Promise<boolean> =>
  (
    await callApi(z, bundle, {
      method: 'DELETE',
      path: ['webhooks', id],
      schema: null,
      what: 'removing the webhook subscription',
      expect: [404, 410],
    })
  ).ok;

/**
 * The server accepted a subscription but answered something unusable: left
 * alone, it would send this Zap deliveries nobody can verify. Removes it by
 * id, or by this Zap's own target URL when the answer named no id.
 */
const removeUnusableSubscription = async (z: ZObject, bundle: Bundle, answer: unknown): Promise<void> => {
  const id = SubscriptionId.safeParse(answer).data?.id;
  try {
    if (id) {
      await removeSubscription(z, bundle, id);
      return;
    }
    const { data } = await callApi(z, bundle, {
      path: ['webhooks'],
      schema: WebhookList,
      what: 'listing webhook subscriptions',
    });
    for (const webhook of data.webhooks.filter((hook) => hook.url === bundle.targetUrl)) {
      await removeSubscription(z, bundle, webhook.id);
    }
  } catch (error) {
    z.console.warn(`Could not remove the unusable webhook subscription: ${messageOf(error)}`);
  }
};

export const subscribe =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<StoredSubscription> => {
    // 32 random bytes as hex: 64 characters, past the contract's minimum of 32.
    const secret = randomBytes(32).toString('hex');
    const body = CreateWebhookBody.safeParse({ url: bundle.targetUrl, events: [event], secret });
    if (!body.success) {
      throw new z.errors.Error(
        'Zapier gave no web address (https://…) for CodeTether to send events to, so nothing was subscribed: turn the Zap off and on again.',
        'invalid_target_url',
        400,
      );
    }
    let answer: unknown;
    try {
      // Parsed below, so that an unusable answer can be cleaned up first.
      ({ data: answer } = await callApi(z, bundle, {
        method: 'POST',
        path: ['webhooks'],
        body: body.data,
        schema: AnySubscribeAnswer,
        what: SUBSCRIBING,
      }));
    } catch (error) {
      const status = statusOf(error);
      // A success status here means an answer that is not JSON.
      if (status !== undefined && status < 300) await removeUnusableSubscription(z, bundle, undefined);
      if (status === 404 || status === 405) throw new z.errors.Error(NO_SUBSCRIPTIONS, 'webhooks_unsupported', status);
      throw error;
    }
    try {
      // The server may have put a secret of its own in effect: the answer's is the one that signs.
      const subscription = parseAnswer(z, WebhookSubscription, answer, SUBSCRIBING);
      return { id: subscription.id, secret: subscription.secret };
    } catch (error) {
      await removeUnusableSubscription(z, bundle, answer);
      throw error;
    }
  };

export const unsubscribe = async (
  z: ZObject,
  bundle: Bundle,
): Promise<{ id: string | null; already_removed: boolean }> => {
  const stored: unknown = bundle.subscribeData?.id;
  if (stored === undefined || stored === null || stored === '') return { id: null, already_removed: true };
  const id = WebhookId.safeParse(stored);
  if (!id.success) {
    throw new z.errors.Error(
      'The webhook subscription this Zap kept has no valid ID, so CodeTether was not asked to remove it; CodeTether stops sending to this Zap once Zapier refuses a delivery (410 Gone).',
      'invalid_subscription_id',
      400,
    );
  }
  return { id: id.data, already_removed: !(await removeSubscription(z, bundle, id.data)) };
};
