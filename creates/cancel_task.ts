import { type Bundle, defineCreate, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { callApi } from '../lib/api/client';
import { CancelledTask, FINISHED_STATUSES, Task } from '../lib/api/contract';
import { excerpt } from '../lib/api/text';
import { parseStepInput } from '../lib/steps/step-input';
import { TaskIdInput, taskPickerField } from '../lib/steps/task-fields';

const inputFields = [
  {
    ...taskPickerField({
      required: true,
      helpText:
        'The task to stop. Pick a recent task, or map the Task ID from an earlier step. Only queued or running tasks can be cancelled.',
    }),
    search: 'find_task.id',
  },
];

const CancelTaskInput = zod.object({ task_id: TaskIdInput });

export const CancelTaskOutput = zod.object({
  id: zod.string().check(zod.minLength(1)),
  task_id: zod.string().check(zod.minLength(1)),
  status: zod.literal('cancelled'),
  message: zod.nullable(zod.string()),
});
export type CancelTaskOutput = zod.infer<typeof CancelTaskOutput>;

/** Why CodeTether refused (409): the task's status, read from the task itself, or else what CodeTether said. */
const whyNotCancelled = async (z: ZObject, bundle: Bundle, taskId: string, refusal: string): Promise<string> => {
  const answer = await callApi(z, bundle, { path: ['tasks', taskId], schema: Task, what: 'reading the task' }).catch(
    () => undefined,
  );
  if (!answer) return refusal;
  const task = answer.data;
  const name = `Task “${excerpt(task.title)}” (${excerpt(task.task_id)})`;
  return (FINISHED_STATUSES as readonly string[]).includes(task.status)
    ? `${name} was not cancelled: it has already finished with status “${task.status}”.`
    : `${name} was not cancelled: its status is “${task.status}”, and only queued or running tasks can be cancelled.`;
};

const perform = async (z: ZObject, bundle: Bundle): Promise<CancelTaskOutput> => {
  const { task_id } = parseStepInput(z, CancelTaskInput, bundle.inputData, inputFields);
  const answer = await callApi(z, bundle, {
    method: 'DELETE',
    path: ['tasks', task_id],
    schema: CancelledTask,
    what: 'cancelling the task',
    expect: [404, 409],
  });
  if (answer.ok) {
    const { data } = answer;
    return { id: data.task_id, task_id: data.task_id, status: data.status, message: data.message ?? null };
  }
  if (answer.status === 404) {
    throw new z.errors.Error(
      `CodeTether has no task with the ID “${excerpt(task_id)}”. Pick the task from the list, or map the Task ID of an earlier step.`,
      'not_found',
      404,
    );
  }
  // Nothing left to do is no error of the Zap: it stops here, without counting against it.
  throw new z.errors.HaltedError(await whyNotCancelled(z, bundle, task_id, answer.message));
};

export default defineCreate({
  key: 'cancel_task',
  noun: 'Task',
  display: {
    label: 'Cancel Task',
    description: 'Creates a cancellation of a queued or running task.',
  },
  operation: {
    inputFields,
    perform,
    outputFields: [
      { key: 'id', label: 'ID', type: 'string' },
      { key: 'task_id', label: 'Task ID', type: 'string' },
      { key: 'status', label: 'Status', type: 'string' },
      { key: 'message', label: 'Message', type: 'string' },
    ],
    sample: {
      id: 'tsk_7Hq2mX9vLp',
      task_id: 'tsk_7Hq2mX9vLp',
      status: 'cancelled',
      message: 'Task cancelled successfully',
    } satisfies CancelTaskOutput,
  },
});
