/**
 * The one REST-hook mechanism behind every instant task trigger: a trigger
 * names its event, and this factory builds subscribing, unsubscribing,
 * reading signed deliveries and listing samples for it (docs/API.md,
 * part 2).
 */
import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { callApi } from '../api/client';
import { Delivery, EVENT_STATUS, type InstantEvent, normaliseEventName, Task } from '../api/contract';
import { listTasks, tasksPerPoll } from '../api/task-list';
import { triggerNote } from '../steps/task-fields';
import { type DeliveryReading, readSignedDelivery } from './deliveries';
import { StoredSubscription, subscribe, unsubscribe } from './subscriptions';
import { type TaskEventOutput, taskEventOutputFields, taskEventSample, toEventOutput } from './task-events';

/** Deliveries embed the task in `task`; one whose task does not parse is read again instead of dropped. */
const DeliveryEnvelope = zod.extend(Delivery, { task: zod.optional(zod.unknown()) });
const SubscriptionSecret = zod.pick(StoredSubscription, { secret: true });

/** The task of a signed event, read from CodeTether; none when it is gone (deleted since). */
const readEventTask = async (z: ZObject, bundle: Bundle, taskId: string): Promise<Task | undefined> => {
  const what = 'reading the task of the event';
  const answer = await callApi(z, bundle, { path: ['tasks', taskId], schema: Task, what, expect: [404] });
  if (answer.ok) return answer.data;
  z.console.warn('Ignored a CodeTether task event: CodeTether no longer has its task (HTTP 404).');
  return undefined;
};

/**
 * A delivery that fails its checks yields nothing and a warning: throwing
 * would count as an error against the user's Zap, for a request anyone can send.
 */
const receive =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<TaskEventOutput[]> => {
    const secret = SubscriptionSecret.safeParse(bundle.subscribeData).data?.secret;
    const reading: DeliveryReading = secret
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
      const parsed = DeliveryEnvelope.safeParse(item);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path.join('.') || 'body';
        z.console.warn(`Ignored an event that is not a CodeTether task event: its field “${field}” is not valid.`);
        continue;
      }
      const { task: embedded, ...delivery } = parsed.data;
      if (normaliseEventName(delivery.event) !== event) continue;
      const task = Task.safeParse(embedded).data ?? (await readEventTask(z, bundle, delivery.task_id));
      if (task) outputs.push(toEventOutput(task, event, delivery));
    }
    return outputs;
  };

/** Recent tasks in the event's status, shaped exactly like deliveries, for the Zap editor's samples. */
const listRecent =
  (event: InstantEvent) =>
  async (z: ZObject, bundle: Bundle): Promise<TaskEventOutput[]> => {
    const { tasks } = await listTasks(z, bundle, { status: EVENT_STATUS[event], limit: tasksPerPoll(bundle) });
    return tasks.map((task) => toEventOutput(task, event));
  };

/** An instant trigger for one task event; the trigger's file supplies its key and words, guidance in `helpText`. */
export const instantTaskTrigger = <const Key extends string>(trigger: {
  key: Key;
  event: InstantEvent;
  label: string;
  description: string;
  helpText: string;
}) =>
  defineTrigger({
    key: trigger.key,
    noun: 'Task',
    display: { label: trigger.label, description: trigger.description },
    operation: {
      type: 'hook',
      inputFields: [triggerNote(trigger.helpText)],
      performSubscribe: subscribe(trigger.event),
      performUnsubscribe: unsubscribe,
      perform: receive(trigger.event),
      performList: listRecent(trigger.event),
      outputFields: [...taskEventOutputFields],
      sample: taskEventSample(trigger.event),
    },
  });
