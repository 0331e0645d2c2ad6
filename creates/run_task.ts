import { createHash } from 'node:crypto';
import { type Bundle, defineCreate, type ZObject } from 'zapier-platform-core';
import {
  api,
  type Delivery,
  EVENT_STATUS,
  FINISHED_STATUSES,
  type InstantEvent,
  normaliseEventName,
} from '../lib/api/contract';
import { parse, parseAnswer, send } from '../lib/api/http';
import { excerpt } from '../lib/api/text';
import { withOffset } from '../lib/api/timestamps';
import { askedResultFields, resultDataOf, resultDataOutputFields, resultDataSample } from '../lib/steps/result-data';
import { createTaskRequest, idempotencyHeader, taskInputFields } from '../lib/steps/task-fields';
import { completedTaskSample, type TaskOutput, taskOutputFields, toTaskOutput } from '../lib/steps/task-output';
import { readSignedDelivery, unsignedBody } from '../lib/webhooks/deliveries';

/**
 * Production calls a task's webhook_url once, when it completes or fails:
 * never for a cancelled task, never again for a lost call. Said where users
 * set the step up, with what to do instead.
 */
const waitingNote = {
  key: 'about_waiting',
  label: 'About Waiting',
  type: 'copy',
  helpText:
    "This step waits for CodeTether's one call when the task completes or fails. CodeTether sends nothing for a cancelled task and does not repeat a call that was lost, so the step then waits until Zapier gives up, after 30 days; **Cancel Task** stops the task, not this wait. To check on a task that seems stuck, use **Find Task**. If your CodeTether server does not call back reliably, use **Create Task** here and the **Task Finished** trigger in another Zap, which checks for finished tasks instead of waiting for a call.",
} as const;

const inputFields = [waitingNote, ...taskInputFields];

const EDITOR_TEST_NOTE =
  'A test: the task was created and is queued. In a live run this step waits until the task finishes and outputs its result; the Result Data values here are examples of what each field holds.';

/**
 * Zapier runs a retried step with the same callback URL, so a key derived
 * from it keeps a retry to the one task. Hashed: the URL itself lets anyone
 * resume the step.
 */
const idempotencyKeyFor = (callbackUrl: string): string =>
  `zapier-callback-${createHash('sha256').update(callbackUrl, 'utf8').digest('hex').slice(0, 40)}`;

/**
 * Creates the task with this step's callback URL as its webhook; Zapier then
 * waits for the delivery. Tested in the Zap editor, where nothing would resume
 * the step, it creates the task all the same, as every other create does, and
 * outputs it at once with a note.
 */
const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput & { note?: string }> => {
  const request = createTaskRequest(z, bundle.inputData, inputFields);
  if (bundle.meta?.isLoadingSample) {
    const task = toTaskOutput(parse(z, await send(z, request), api.CreatedTask));
    const fields = askedResultFields(task.description);
    return { ...task, result_data: fields.length ? resultDataSample(fields) : null, note: EDITOR_TEST_NOTE };
  }
  const callbackUrl = z.generateCallbackUrl();
  if (!callbackUrl) {
    throw new z.errors.Error(
      'Zapier gave this step no callback address, so it cannot wait for the result. Run it inside a Zap, or use Create Task.',
      'no_callback_url',
    );
  }
  request.body.webhook_url = callbackUrl;
  // A retry repeats the create safely: CodeTether answers the same key with the task it already created.
  Object.assign(request.headers, idempotencyHeader(idempotencyKeyFor(callbackUrl)));
  return toTaskOutput(parse(z, await send(z, request), api.CreatedTask));
};

/**
 * The delivery that resumed the step, checked. With a signing secret on the
 * connection it must be signed with it: production signs the body alone
 * (docs/API.md part 1), a server that adopted part 2 signs it with its
 * timestamp. The unsigned timestamp of part 1 cannot show a replay, but
 * Zapier accepts a callback URL only once, and only for this step's task.
 */
const verifiedDelivery = (z: ZObject, bundle: Bundle, taskId: string): Delivery => {
  const secret = bundle.authData?.webhook_secret;
  let body = unsignedBody(bundle);
  if (secret) {
    const reading = readSignedDelivery(bundle, secret, 'timestamped_or_body');
    if ('rejected' in reading) {
      throw new z.errors.Error(
        `The result delivered for task “${excerpt(taskId)}” was refused: ${reading.rejected}. Check that the connection's Webhook Signing Secret is the WEBHOOK_SECRET of your CodeTether server, then run the task again.`,
        'invalid_signature',
      );
    }
    body = reading.body;
  }
  const delivery = parseAnswer(z, api.Delivery, body, 'the task result delivery');
  if (delivery.task_id !== taskId) {
    throw new z.errors.Error(
      `The result delivered to this step is for task “${excerpt(delivery.task_id)}”, not for task “${excerpt(taskId)}” that the step created, so it was refused.`,
      'wrong_task',
    );
  }
  return delivery;
};

/** The delivery's status, or the one its event implies (`task_failed` → failed). */
const deliveredStatus = (delivery: Delivery): TaskOutput['status'] | undefined => {
  const stated = api.TaskStatus.safeParse(delivery.status);
  if (stated.success) return stated.data;
  const event = normaliseEventName(delivery.event);
  return event && Object.hasOwn(EVENT_STATUS, event) ? EVENT_STATUS[event as InstantEvent] : undefined;
};

/**
 * The final output: the queued task from `perform`, completed by the
 * delivery. A failed task is output too (status "failed" and its error), so
 * the Zap can act on it instead of counting an error.
 */
const performResume = async (z: ZObject, bundle: Bundle): Promise<TaskOutput> => {
  const queued = bundle.outputData as TaskOutput;
  const delivery = verifiedDelivery(z, bundle, queued.task_id);
  // Subscription deliveries embed the whole task; production's per-task ones only the outcome.
  if (delivery.task) return toTaskOutput(delivery.task);
  const status = deliveredStatus(delivery) ?? queued.status;
  const finished = (FINISHED_STATUSES as readonly string[]).includes(status);
  return {
    ...queued,
    run_id: delivery.run_id || queued.run_id,
    status,
    result_summary: delivery.result ?? null,
    ...resultDataOf(delivery.result, askedResultFields(queued.description)),
    error: delivery.error ?? null,
    completed_at: finished ? withOffset(delivery.timestamp) : null,
  };
};

export default defineCreate({
  key: 'run_task',
  noun: 'Task',
  display: {
    label: 'Run Task and Wait for Result',
    description: 'Creates a task for an AI agent and waits for its result.',
  },
  operation: {
    inputFields,
    perform,
    performResume,
    // The Result Fields the step asks for, so later steps can map them before any live run.
    outputFields: [...taskOutputFields, resultDataOutputFields],
    sample: completedTaskSample,
  },
});
