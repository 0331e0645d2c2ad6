/**
 * The one REST-hook mechanism behind every instant task trigger: a trigger
 * names its event, and this factory builds subscribing, unsubscribing,
 * reading signed deliveries and listing samples for it (API-CONTRACT.md,
 * part 2).
 */
import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import type { z as zod } from 'zod';
import { callApi } from './client';
import {
  CreateWebhookBody,
  Delivery,
  normaliseEventName,
  Task,
  type WebhookEvent,
  WebhookList,
  WebhookSubscription,
} from './contract';
import { readDelivery } from './delivery';
import { messageOf, parseAnswer, statusOf } from './errors';
import { lazySchema } from './lazy-schema';
import { listLimit, listTasks } from './task-list';
import { TaskOutput, taskOutputFields, toTaskOutput } from './task-output';
import { taskSampleIn } from './task-samples';

/** The status a task has when each instant event happens; its samples list tasks in it. */
export const EVENT_STATUS = {
  task_started: 'running',
  task_needs_input: 'needs_input',
  task_completed: 'completed',
  task_failed: 'failed',
  task_cancelled: 'cancelled',
} as const satisfies Partial<Record<WebhookEvent, Task['status']>>;
export type InstantEvent = keyof typeof EVENT_STATUS;

/** What an instant trigger outputs per event: the flat task, with an `id` unique to the event. */
export const TaskEventOutput = lazySchema((z) =>
  TaskOutput.extend({
    event: z.enum(Object.keys(EVENT_STATUS) as [InstantEvent, ...InstantEvent[]]),
    event_id: z.string().min(1).nullable(),
    delivered_at: z.string().min(1).nullable(),
  }),
);
export type TaskEventOutput = zod.infer<typeof TaskEventOutput>;

export const taskEventOutputFields = [
  ...taskOutputFields,
  { key: 'event', label: 'Event', type: 'string' },
  { key: 'event_id', label: 'Event ID', type: 'string' },
  { key: 'delivered_at', label: 'Delivered At', type: 'datetime' },
] as const;

const SAMPLE_EVENT_ID = 'evt_5Jr8Wd2Kx4';

export const taskEventSample = (event: InstantEvent): TaskEventOutput => ({
  ...taskSampleIn(EVENT_STATUS[event]),
  id: SAMPLE_EVENT_ID,
  event,
  event_id: SAMPLE_EVENT_ID,
  delivered_at: '2026-11-30T14:03:41Z',
});

/** Without an `event_id` (production's per-task deliveries), the task and event name the event. */
const toEventOutput = (task: Task, event: InstantEvent, delivery?: Delivery): TaskEventOutput => ({
  ...toTaskOutput(task),
  id: delivery?.event_id || `${task.task_id}-${event}`,
  event,
  event_id: delivery?.event_id || null,
  delivered_at: delivery?.timestamp || null,
});

/** What Zapier keeps in `bundle.subscribeData`: the subscription and the secret that signs its deliveries. */
const StoredSubscription = lazySchema((z) => z.object({ id: z.string().min(1), secret: z.string().min(1) }));

/** Whatever a subscribe answer was, before it is known to be usable. */
const AnySubscribeAnswer = lazySchema((z) => z.unknown());
const SubscriptionId = lazySchema((z) => z.looseObject({ id: z.string().min(1) }));
type StoredSubscription = zod.infer<typeof StoredSubscription>;

const SUBSCRIBING = 'creating the webhook subscription';

const NO_SUBSCRIPTIONS =
  'This CodeTether server does not offer webhook subscriptions (yet), so instant triggers cannot be turned on. Use the Task Finished or New Task trigger instead, which check for tasks every few minutes; if your server should offer subscriptions, check the Base URL of your connection.';

/**
 * Deletes a subscription. One that is already gone (404, 410) counts as
 * removed: Zapier turns the Zap off regardless, so this must be repeatable.
 * Answers whether it was still there.
 */
const removeSubscription = async (z: ZObject, bundle: Bundle, id: string): Promise<boolean> => {
  try {
    await callApi(z, bundle, {
      method: 'DELETE',
      path: ['webhooks', id],
      schema: null,
      what: 'removing the webhook subscription',
    });
    return true;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 410) return false;
    throw error;
  }
};

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

const subscribe =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<StoredSubscription> => {
    const body = CreateWebhookBody.safeParse({ url: bundle.targetUrl, events: [event] });
    if (!body.success) {
      throw new z.errors.Error(
        'Zapier gave no valid address for CodeTether to send events to. Turn the Zap off and on again.',
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
      const subscription = parseAnswer(z, WebhookSubscription, answer, SUBSCRIBING);
      return { id: subscription.id, secret: subscription.secret };
    } catch (error) {
      await removeUnusableSubscription(z, bundle, answer);
      throw error;
    }
  };

const unsubscribe = async (z: ZObject, bundle: Bundle): Promise<{ id: string | null; already_removed: boolean }> => {
  const id = bundle.subscribeData?.id;
  if (!id) return { id: null, already_removed: true };
  return { id, already_removed: !(await removeSubscription(z, bundle, id)) };
};

/** Deliveries embed the task in `task`; one whose task does not parse is read again instead of dropped. */
const DeliveryEnvelope = lazySchema((z) => Delivery.extend({ task: z.unknown().optional() }));

const fetchTask = async (z: ZObject, bundle: Bundle, taskId: string): Promise<Task> =>
  (await callApi(z, bundle, { path: ['tasks', taskId], schema: Task, what: 'reading the task of the event' })).data;

/**
 * A delivery that fails its checks yields nothing and a warning: throwing
 * would count as an error against the user's Zap, for a request anyone can send.
 */
const receive =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<TaskEventOutput[]> => {
    const secret = StoredSubscription.partial().safeParse(bundle.subscribeData).data?.secret;
    const reading = readDelivery(bundle, secret);
    if ('rejected' in reading) {
      z.console.warn(`Ignored a CodeTether webhook delivery: ${reading.rejected}.`);
      return [];
    }
    const outputs: TaskEventOutput[] = [];
    for (const item of reading.events) {
      const parsed = DeliveryEnvelope.safeParse(item);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path.join('.') || 'body';
        z.console.warn(`Ignored an event that is not a CodeTether task event: its field “${field}” is not valid.`);
        continue;
      }
      const { task: embedded, ...delivery } = parsed.data;
      if (normaliseEventName(delivery.event) !== event) continue;
      const task = Task.safeParse(embedded).data ?? (await fetchTask(z, bundle, delivery.task_id));
      outputs.push(toEventOutput(task, event, delivery));
    }
    return outputs;
  };

/** Recent tasks in the event's status, shaped exactly like deliveries, for the Zap editor's samples. */
const listRecent =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<TaskEventOutput[]> => {
    const { tasks } = await listTasks(z, bundle, { status: EVENT_STATUS[event], limit: listLimit(bundle) });
    return tasks.map((task) => toEventOutput(task, event));
  };

/** An instant trigger for one task event; the trigger's file supplies its key and words. */
export const instantTaskTrigger = <const Key extends string>(trigger: {
  key: Key;
  event: InstantEvent;
  label: string;
  description: string;
}) =>
  defineTrigger({
    key: trigger.key,
    noun: 'Task',
    display: { label: trigger.label, description: trigger.description },
    operation: {
      type: 'hook',
      performSubscribe: subscribe(trigger.event),
      performUnsubscribe: unsubscribe,
      perform: receive(trigger.event),
      performList: listRecent(trigger.event),
      outputFields: [...taskEventOutputFields],
      sample: taskEventSample(trigger.event),
    },
  });
