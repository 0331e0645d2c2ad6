/**
 * Creating a task from a step's input: the fields a user fills in, their
 * rules (the contract's `POST /tasks` body), and the one request. Shared by
 * Create Task, Run Task and Wait for Result, and Find or Create Task.
 */
import { createHash } from 'node:crypto';
import { type Bundle, defineInputFields, type ZObject } from 'zapier-platform-core';
import type { z } from 'zod';
import { callApi } from './client';
import { AGENT_TYPES, AgentType, CreatedTask, CreateTaskBody } from './contract';
import { lazySchema } from './lazy-schema';
import { type LabelledField, parseStepInput } from './step-input';
import { TaskOutput, taskOutputFields, toTaskOutput } from './task-output';
import { taskSampleIn } from './task-samples';

const AGENT_TYPE_LABELS: Record<(typeof AGENT_TYPES)[number], string> = {
  build: 'Build: writes and changes code',
  plan: 'Plan: works out a plan without changing anything',
  general: 'General: answers, summaries, drafts and other everyday work',
  explore: 'Explore: reads and researches a codebase',
};

/** What every task step asks for; the server fills in what is left empty. */
export const taskInputFields = defineInputFields([
  {
    key: 'title',
    label: 'Title',
    type: 'string',
    required: true,
    helpText:
      'A short name for the task (up to 200 characters), shown in CodeTether and in the task lists of other steps.',
  },
  {
    key: 'description',
    label: 'Prompt',
    type: 'text',
    required: true,
    helpText:
      'What the agent should do, in 10 to 10,000 characters. Map the data it needs (an email body, a form answer) right into the text.',
  },
  {
    key: 'agent_type',
    label: 'Agent Type',
    type: 'string',
    required: false,
    default: 'general',
    choices: AGENT_TYPES.map((value) => ({ value, label: AGENT_TYPE_LABELS[value], sample: value })),
    helpText: 'The kind of agent that runs the task. **General** suits most tasks that do not touch code.',
  },
  {
    key: 'model',
    label: 'Model',
    type: 'string',
    required: false,
    dynamic: 'list_models.id.name',
    helpText: 'The AI model that runs the task. Leave empty to let CodeTether use its default model.',
  },
  {
    key: 'codebase_id',
    label: 'Codebase ID',
    type: 'string',
    required: false,
    default: 'global',
    helpText:
      'The ID of the CodeTether codebase the agent works in; `global` when the task needs no particular codebase.',
  },
  {
    key: 'priority',
    label: 'Priority',
    type: 'integer',
    required: false,
    helpText: 'A whole number from 0 (the default) to 100; higher numbers are more urgent.',
  },
  {
    key: 'notify_email',
    label: 'Notification Email',
    type: 'string',
    required: false,
    helpText: 'CodeTether emails this address when the task finishes.',
  },
]);

export const webhookUrlField = {
  key: 'webhook_url',
  label: 'Webhook URL',
  type: 'string',
  required: false,
  helpText:
    'An address CodeTether calls once, when the task finishes. To use the result in this Zap, choose **Run Task and Wait for Result** instead.',
} as const;

export const idempotencyKeyField = {
  key: 'idempotency_key',
  label: 'Idempotency Key',
  type: 'string',
  required: false,
  helpText:
    "Recommended: map the trigger's unique ID here, so a replayed Zap cannot create a second task. For 48 hours CodeTether answers a repeated key with the task it already created. Sent as the `Idempotency-Key` header.",
} as const;

/**
 * The contract's body rules, with three differences for input: agents default
 * to `general`; the model is any name, because the live server may list more
 * models than the contract and rejects an unknown one itself; a webhook must
 * be a web address, not any URL scheme.
 */
const CreateTaskInput = lazySchema((zod) =>
  CreateTaskBody.extend({
    agent_type: AgentType.default('general'),
    model: zod.string().max(100).default('default'),
    webhook_url: zod.url({ protocol: /^https?$/ }).optional(),
    idempotency_key: zod.string().optional(),
  }),
);

export type TaskToCreate = { body: Omit<z.output<typeof CreateTaskInput>, 'idempotency_key'>; idempotencyKey?: string };

/** The request a step's input asks for; a wrong field stops the step with a sentence, before any request. */
export const taskToCreate = (
  z: ZObject,
  inputData: Record<string, unknown>,
  fields: readonly LabelledField[],
): TaskToCreate => {
  const { idempotency_key, ...body } = parseStepInput(z, CreateTaskInput, inputData, fields);
  return { body, idempotencyKey: idempotency_key };
};

const HEADER_SAFE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

/**
 * A mapped ID can hold anything; what cannot go into a header as it is
 * (line breaks, non-ASCII, a very long value) is sent as its SHA-256,
 * which is just as stable.
 */
export const idempotencyHeaderValue = (key: string): string =>
  HEADER_SAFE.test(key) ? key : `sha256-${createHash('sha256').update(key, 'utf8').digest('hex')}`;

export type CreatedTaskAnswer = { task: TaskOutput; replayed: boolean };

export const createTask = async (z: ZObject, bundle: Bundle, request: TaskToCreate): Promise<CreatedTaskAnswer> => {
  const { data } = await callApi(z, bundle, {
    method: 'POST',
    path: ['tasks'],
    body: request.body,
    headers: request.idempotencyKey ? { 'Idempotency-Key': idempotencyHeaderValue(request.idempotencyKey) } : {},
    schema: CreatedTask,
    what: 'creating the task',
  });
  // A replay answers 200 with the original task and the string "true".
  return { task: toTaskOutput(data), replayed: data._idempotent_replay === 'true' };
};

/** Create Task's output: the new task, and whether its key named a task that already existed. */
export const CreatedTaskOutput = lazySchema((zod) => TaskOutput.extend({ idempotent_replay: zod.boolean() }));
export type CreatedTaskOutput = z.infer<typeof CreatedTaskOutput>;

export const createdTaskOutputFields = [
  ...taskOutputFields,
  { key: 'idempotent_replay', label: 'Idempotent Replay', type: 'boolean' },
] as const;

export const createdTaskSample: CreatedTaskOutput = { ...taskSampleIn('queued'), idempotent_replay: false };
