import { type Bundle, defineCreate, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { api, FINISHED_STATUSES, itemPath, PATHS, type Task } from '../lib/api/contract';
import { sentenceOf } from '../lib/api/errors';
import { parse, refusalFor, send } from '../lib/api/http';
import { excerpt } from '../lib/api/text';
import { parseStepInput } from '../lib/steps/step-input';
import { taskPickerField } from '../lib/steps/task-fields';

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

type CancelTaskOutput = { id: string; task_id: string; status: 'cancelled'; message: string | null };

/** Why CodeTether refused (409): the task's status, read from the task itself, or else what CodeTether said. */
const whyNotCancelled = async (z: ZObject, taskId: string, refusal: string): Promise<string> => {
  let task: Task;
  try {
    task = parse(z, await send(z, { url: itemPath(PATHS.tasks, taskId) }), api.Task);
  } catch {
    return refusal;
  }
  const name = `Task “${excerpt(task.title)}” (${excerpt(task.task_id)})`;
  return (FINISHED_STATUSES as readonly string[]).includes(task.status)
    ? `${name} was not cancelled: it has already finished with status “${task.status}”.`
    : `${name} was not cancelled: its status is “${task.status}”, and only queued or running tasks can be cancelled.`;
};

const perform = async (z: ZObject, bundle: Bundle): Promise<CancelTaskOutput> => {
  const { task_id } = parseStepInput(z, zod.object({ task_id: api.ItemId }), bundle.inputData, inputFields);
  const response = await send(z, { method: 'DELETE', url: itemPath(PATHS.tasks, task_id), skipThrowForStatus: true });
  if (response.status === 404) {
    throw new z.errors.Error(
      `CodeTether has no task with the ID “${excerpt(task_id)}”. Pick the task from the list, or map the Task ID of an earlier step.`,
      'not_found',
      404,
    );
  }
  if (response.status === 409) {
    // Nothing left to do is no error of the Zap: it stops here, without counting against it.
    const refusal = refusalFor(response);
    throw new z.errors.HaltedError(await whyNotCancelled(z, task_id, refusal ? sentenceOf(refusal) : ''));
  }
  const cancelled = parse(z, response, api.CancelledTask);
  return {
    id: cancelled.task_id,
    task_id: cancelled.task_id,
    status: cancelled.status,
    message: cancelled.message ?? null,
  };
};

export default defineCreate({
  key: 'cancel_task',
  noun: 'Task',
  display: {
    label: 'Cancel Task',
    description: 'Cancels a queued or running task.',
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
