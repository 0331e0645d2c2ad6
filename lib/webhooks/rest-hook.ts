/**
 * The one REST-hook mechanism behind every instant task trigger: a trigger
 * names its event, and this builds subscribing, unsubscribing, reading
 * signed deliveries and listing samples for it (docs/API.md, part 2).
 * Production CodeTether offers no subscriptions yet: every way a user meets
 * such a trigger says so and names the polling triggers instead.
 */
import { randomBytes } from 'node:crypto';
import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import {
  api,
  builtOnFirstRead,
  type Delivery,
  EVENT_STATUS,
  type InstantEvent,
  itemPath,
  normaliseEventName,
  PATHS,
  type Task,
} from '../api/contract';
import { sentenceOf } from '../api/errors';
import { parse, send } from '../api/http';
import { withOffset } from '../api/timestamps';
import { triggerNote } from '../steps/task-fields';
import { type TaskOutput, taskOutputFields, taskSampleIn, tasksToRead, toTaskOutput } from '../steps/task-output';
import { readSignedDelivery } from './deliveries';

/** What a user reads who turns on, or tests, an instant trigger on a server without subscriptions. */
const noSubscriptions = (z: ZObject, bundle: Bundle, instead: string, status?: number): Error =>
  new z.errors.Error(
    `This CodeTether server does not offer webhook subscriptions (yet), so instant triggers cannot be used with it. Use ${instead}.${bundle.authData?.access_token ? '' : ' If your server should offer them, check the Base URL of your connection.'}`,
    'webhooks_unsupported',
    status,
  );

/** A server without subscriptions answers their route with 404, or 405 where another route shares the path. */
const offersNoSubscriptions = (status: number): boolean => status === 404 || status === 405;

// ---------------------------------------------------------------- subscribing

const schemas = builtOnFirstRead({
  /** What Zapier keeps in `bundle.subscribeData`: the subscription and the secret that signs its deliveries. */
  get StoredSubscription() {
    return zod.object({ id: api.WebhookId, secret: zod.string().check(zod.minLength(1)) });
  },
  /** Deliveries embed the task in `task`; one whose task does not parse is read again instead of dropped. */
  get DeliveryEnvelope() {
    return zod.extend(api.Delivery, { task: zod.optional(zod.unknown()) });
  },
});
type StoredSubscription = zod.infer<typeof schemas.StoredSubscription>;

/** Deletes a subscription; one already gone (404, 410) counts as removed. Answers whether it was still there. */
const removeSubscription = async (z: ZObject, id: string): Promise<boolean> => {
  const response = await send(z, { method: 'DELETE', url: itemPath(PATHS.webhooks, id), skipThrowForStatus: true });
  if (response.status === 404 || response.status === 410) return false;
  parse(z, response);
  return true;
};

/**
 * The server accepted a subscription but answered something unusable: left
 * alone, it would send this Zap deliveries nobody can verify. Removes it by
 * the id the answer names, or else by this Zap's own target URL.
 */
const removeUnusableSubscription = async (z: ZObject, bundle: Bundle, answer: unknown): Promise<void> => {
  const named = zod.looseObject({ id: api.WebhookId }).safeParse(answer).data?.id;
  try {
    const ids = named
      ? [named]
      : parse(z, await send(z, { url: PATHS.webhooks }), api.WebhookList)
          .webhooks.filter((hook) => hook.url === bundle.targetUrl)
          .map((hook) => hook.id);
    for (const id of ids) await removeSubscription(z, id);
  } catch (error) {
    z.console.warn(`Could not remove the unusable webhook subscription: ${sentenceOf(error as Error)}`);
  }
};

/** Subscribes with a fresh secret of its own; the answer's secret is the one in effect (the server may choose). */
const subscribe =
  (event: InstantEvent, instead: string) =>
  async (z: ZObject, bundle: Bundle): Promise<StoredSubscription> => {
    // 32 random bytes as hex: 64 characters, past the contract's minimum of 32.
    const body = api.CreateWebhookBody.safeParse({
      url: bundle.targetUrl,
      events: [event],
      secret: randomBytes(32).toString('hex'),
    });
    if (!body.success) {
      throw new z.errors.Error(
        'Zapier gave no web address (https://…) for CodeTether to send events to, so nothing was subscribed: turn the Zap off and on again.',
        'invalid_target_url',
        400,
      );
    }
    const response = await send(z, { method: 'POST', url: PATHS.webhooks, body: body.data, skipThrowForStatus: true });
    if (offersNoSubscriptions(response.status)) throw noSubscriptions(z, bundle, instead, response.status);
    try {
      const { id, secret } = parse(z, response, api.WebhookSubscription);
      return { id, secret };
    } catch (error) {
      if (response.status < 300) await removeUnusableSubscription(z, bundle, response.data);
      throw error;
    }
  };

/** Repeatable: Zapier turns the Zap off whatever this answers. */
const unsubscribe = async (z: ZObject, bundle: Bundle): Promise<{ id: string | null; already_removed: boolean }> => {
  const stored: unknown = bundle.subscribeData?.id;
  if (stored === undefined || stored === null || stored === '') return { id: null, already_removed: true };
  const id = api.WebhookId.safeParse(stored);
  if (!id.success) {
    throw new z.errors.Error(
      'The webhook subscription this Zap kept has no valid ID, so CodeTether was not asked to remove it; CodeTether stops sending to this Zap once Zapier refuses a delivery (410 Gone).',
      'invalid_subscription_id',
      400,
    );
  }
  return { id: id.data, already_removed: !(await removeSubscription(z, id.data)) };
};

// ---------------------------------------------------------------- what a trigger outputs

export type TaskEventOutput = TaskOutput & {
  event: InstantEvent;
  event_id: string | null;
  delivered_at: string | null;
};

const taskEventOutputFields = [
  ...taskOutputFields,
  { key: 'event', label: 'Event', type: 'string' },
  { key: 'event_id', label: 'Event ID', type: 'string' },
  { key: 'delivered_at', label: 'Delivered At', type: 'datetime' },
] as const;

const SAMPLE_EVENT_ID = 'evt_5Jr8Wd2Kx4';

/** The flat task with an `id` unique to the event: the event's own id, or else the task and the event. */
const toEventOutput = (task: Task, event: InstantEvent, delivery?: Delivery): TaskEventOutput => ({
  ...toTaskOutput(task),
  id: delivery?.event_id || `${task.task_id}-${event}`,
  event,
  event_id: delivery?.event_id || null,
  delivered_at: withOffset(delivery?.timestamp),
});

// ---------------------------------------------------------------- deliveries and samples

/**
 * The events of one delivery. One that fails its checks yields nothing and a
 * warning: throwing would count as an error against the user's Zap, for a
 * request anyone can send.
 */
const receive =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<TaskEventOutput[]> => {
    const secret = schemas.StoredSubscription.safeParse(bundle.subscribeData).data?.secret;
    const reading = secret
      ? readSignedDelivery(bundle, secret, 'timestamped')
      : {
          rejected:
            'this Zap keeps no signing secret for its subscription, so nothing shows that CodeTether sent it; turn the Zap off and on again to subscribe anew',
        };
    if ('rejected' in reading) {
      z.console.warn(`Ignored a CodeTether webhook delivery: ${reading.rejected}.`);
      return [];
    }
    const outputs: TaskEventOutput[] = [];
    for (const item of Array.isArray(reading.body) ? reading.body : [reading.body]) {
      const parsed = schemas.DeliveryEnvelope.safeParse(item);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path.join('.') || 'body';
        z.console.warn(`Ignored an event that is not a CodeTether task event: its field “${field}” is not valid.`);
        continue;
      }
      const { task: embedded, ...delivery } = parsed.data;
      if (normaliseEventName(delivery.event) !== event) continue;
      let task = api.Task.safeParse(embedded).data;
      if (!task) {
        const response = await send(z, { url: itemPath(PATHS.tasks, delivery.task_id), skipThrowForStatus: true });
        if (response.status === 404) {
          z.console.warn('Ignored a CodeTether task event: CodeTether no longer has its task (HTTP 404).');
          continue;
        }
        task = parse(z, response, api.Task);
      }
      outputs.push(toEventOutput(task, event, delivery));
    }
    return outputs;
  };

/**
 * The Zap editor's samples: recent tasks in the event's status, shaped like
 * deliveries, from a server that offers subscriptions; a server that does
 * not is told to the user here, when the trigger is tested, not only when
 * the Zap is turned on.
 */
const listRecent =
  (event: InstantEvent, instead: string) =>
  async (z: ZObject, bundle: Bundle): Promise<TaskEventOutput[]> => {
    const probe = await send(z, { url: PATHS.webhooks, skipThrowForStatus: true });
    if (offersNoSubscriptions(probe.status)) throw noSubscriptions(z, bundle, instead, probe.status);
    parse(z, probe);
    const limit = tasksToRead(bundle);
    const params = { status: EVENT_STATUS[event], limit };
    const { tasks } = parse(z, await send(z, { url: PATHS.tasks, params }), api.TaskList);
    return tasks.slice(0, limit).map((task) => toEventOutput(task, event));
  };

/**
 * An instant trigger for one task event; the trigger's file supplies its key
 * and words, guidance in `helpText`, and what to use `instead` on a server
 * without subscriptions ("the Task Finished trigger instead, which …").
 */
export const instantTaskTrigger = <const Key extends string>(trigger: {
  key: Key;
  event: InstantEvent;
  label: string;
  description: string;
  helpText: string;
  instead: string;
}) =>
  defineTrigger({
    key: trigger.key,
    noun: 'Task',
    display: { label: trigger.label, description: trigger.description },
    operation: {
      type: 'hook',
      inputFields: [triggerNote(trigger.helpText)],
      performSubscribe: subscribe(trigger.event, trigger.instead),
      performUnsubscribe: unsubscribe,
      perform: receive(trigger.event),
      performList: listRecent(trigger.event, trigger.instead),
      outputFields: [...taskEventOutputFields],
      sample: {
        ...taskSampleIn(EVENT_STATUS[trigger.event]),
        id: SAMPLE_EVENT_ID,
        event: trigger.event,
        event_id: SAMPLE_EVENT_ID,
        delivered_at: '2026-11-30T14:03:41Z',
      } satisfies TaskEventOutput,
    },
  });
