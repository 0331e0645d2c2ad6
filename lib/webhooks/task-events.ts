/**
 * What an instant trigger outputs for one task event: the flat task, with an
 * `id` unique to the event, and its samples.
 */
import * as zod from 'zod/mini';
import { type Delivery, EVENT_STATUS, type InstantEvent, type Task } from '../api/contract';
import { withOffset } from '../api/timestamps';
import { TaskOutput, taskOutputFields, toTaskOutput } from '../steps/task-output';
import { taskSampleIn } from '../steps/task-samples';

/** What an instant trigger outputs per event: the flat task, with an `id` unique to the event. */
export const TaskEventOutput = zod.extend(TaskOutput, {
  event: zod.enum(Object.keys(EVENT_STATUS) as [InstantEvent, ...InstantEvent[]]),
  event_id: zod.nullable(zod.string().check(zod.minLength(1))),
  delivered_at: zod.nullable(zod.iso.datetime({ offset: true })),
});
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
export const toEventOutput = (task: Task, event: InstantEvent, delivery?: Delivery): TaskEventOutput => ({
  ...toTaskOutput(task),
  id: delivery?.event_id || `${task.task_id}-${event}`,
  event,
  event_id: delivery?.event_id || null,
  delivered_at: withOffset(delivery?.timestamp),
});
