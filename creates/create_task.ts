import { type Bundle, defineCreate, type ZObject } from 'zapier-platform-core';
import { api } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';
import { createTaskRequest, idempotencyKeyField, taskInputFields, webhookUrlField } from '../lib/steps/task-fields';
import { type TaskOutput, taskOutputFields, taskSampleIn, toTaskOutput } from '../lib/steps/task-output';

const inputFields = [...taskInputFields, webhookUrlField, idempotencyKeyField];

/** The new task, and whether its Idempotency Key named a task that already existed. */
type CreatedTaskOutput = TaskOutput & { idempotent_replay: boolean };

const perform = async (z: ZObject, bundle: Bundle): Promise<CreatedTaskOutput> => {
  const created = parse(z, await send(z, createTaskRequest(z, bundle.inputData, inputFields)), api.CreatedTask);
  // A replay answers 200 with the original task and the string "true".
  return { ...toTaskOutput(created), idempotent_replay: created._idempotent_replay === 'true' };
};

export default defineCreate({
  key: 'create_task',
  noun: 'Task',
  display: {
    label: 'Create Task',
    description: 'Creates a task for an AI agent, without waiting for its result.',
  },
  operation: {
    inputFields,
    perform,
    outputFields: [...taskOutputFields, { key: 'idempotent_replay', label: 'Idempotent Replay', type: 'boolean' }],
    sample: { ...taskSampleIn('queued'), idempotent_replay: false } satisfies CreatedTaskOutput,
  },
});
