import { type Bundle, defineCreate, type ZObject } from 'zapier-platform-core';
import {
  type CreatedTaskOutput,
  createdTaskOutputFields,
  createdTaskSample,
  createTask,
  taskToCreate,
} from '../lib/steps/create-task';
import { idempotencyKeyField, taskInputFields, webhookUrlField } from '../lib/steps/task-fields';

const inputFields = [...taskInputFields, webhookUrlField, idempotencyKeyField];

const perform = async (z: ZObject, bundle: Bundle): Promise<CreatedTaskOutput> => {
  const { task, replayed } = await createTask(z, bundle, taskToCreate(z, bundle.inputData, inputFields));
  return { ...task, idempotent_replay: replayed };
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
    outputFields: [...createdTaskOutputFields],
    sample: createdTaskSample,
  },
});
