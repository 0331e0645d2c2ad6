/**
 * Creating a task from a step's input: its rules (the contract's `POST
 * /tasks` body), the one request, and Create Task's output. Shared by Create
 * Task, Run Task and Wait for Result, and Find or Create Task.
 */
import { createHash } from 'node:crypto';
import type { Bundle, ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { callApi } from '../api/client';
import { AgentType, CreatedTask, CreateTaskBody, MAX_PROMPT_LENGTH, WebAddress } from '../api/contract';
import { excerpt } from '../api/text';
import { askForResultFields, ResultFieldsInput } from './result-data';
import { type LabelledField, parseStepInput } from './step-input';
import { TaskOutput, taskOutputFields, toTaskOutput } from './task-output';
import { taskSampleIn } from './task-samples';

/**
 * The contract's body rules, with three differences for input: agents default
 * to `general`; the model is any name, because the live server may list more
 * models than the contract and rejects an unknown one itself; a webhook must
 * be a web address, not any URL scheme. The prompt as sent, Result Fields
 * instruction included, must fit the contract's limit.
 */
const CreateTaskInput = zod.pipe(
  zod.extend(CreateTaskBody, {
    agent_type: zod._default(AgentType, 'general'),
    model: zod._default(zod.string().check(zod.maxLength(100)), 'default'),
    webhook_url: zod.optional(WebAddress),
    idempotency_key: zod.optional(zod.string()),
    result_fields: ResultFieldsInput,
  }),
  zod.transform(({ result_fields, ...input }, ctx) => {
    const description = askForResultFields(input.description, result_fields);
    if (description.length > MAX_PROMPT_LENGTH) {
      ctx.issues.push({
        code: 'custom',
        path: ['description'],
        input: input.description,
        message: `must have at most ${MAX_PROMPT_LENGTH} characters with the Result Fields instruction the app adds to it (it has ${description.length} with it); shorten the prompt or ask for fewer result fields`,
      });
      return zod.NEVER;
    }
    return { ...input, description };
  }),
);

export type TaskToCreate = {
  body: Omit<zod.output<typeof CreateTaskInput>, 'idempotency_key'>;
  idempotencyKey?: string;
};

/**
 * The request a step's input asks for, its prompt as sent; a wrong field
 * stops the step with a sentence, before any request.
 */
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
 * (line breaks, non-ASCII, a very long value, or "{{", which z.request
 * refuses in headers as a template) is sent as its SHA-256, which is just
 * as stable.
 */
const idempotencyHeaderValue = (key: string): string =>
  HEADER_SAFE.test(key) && !key.includes('{{')
    ? key
    : `sha256-${createHash('sha256').update(key, 'utf8').digest('hex')}`;

export type CreatedTaskAnswer = { task: TaskOutput; replayed: boolean };

/** What to do when CodeTether did not answer a create: the task may exist all the same. */
const ifCreateUnanswered = (request: TaskToCreate): string =>
  request.idempotencyKey
    ? 'The task may have been created all the same; running the step again is safe, because its Idempotency Key makes CodeTether answer with that task instead of creating a second one.'
    : `The task may have been created all the same: before running the step again, look for it with a Find Task step (Title Contains “${excerpt(request.body.title)}”), or set an Idempotency Key so that a repeat cannot create it twice.`;

export const createTask = async (z: ZObject, bundle: Bundle, request: TaskToCreate): Promise<CreatedTaskAnswer> => {
  const { data } = await callApi(z, bundle, {
    method: 'POST',
    path: ['tasks'],
    body: request.body,
    headers: request.idempotencyKey ? { 'Idempotency-Key': idempotencyHeaderValue(request.idempotencyKey) } : {},
    schema: CreatedTask,
    what: 'creating the task',
    ifNoAnswer: () => ifCreateUnanswered(request),
  });
  // A replay answers 200 with the original task and the string "true".
  return { task: toTaskOutput(data), replayed: data._idempotent_replay === 'true' };
};

/** Create Task's output: the new task, and whether its key named a task that already existed. */
export const CreatedTaskOutput = zod.extend(TaskOutput, { idempotent_replay: zod.boolean() });
export type CreatedTaskOutput = zod.infer<typeof CreatedTaskOutput>;

export const createdTaskOutputFields = [
  ...taskOutputFields,
  { key: 'idempotent_replay', label: 'Idempotent Replay', type: 'boolean' },
] as const;

export const createdTaskSample: CreatedTaskOutput = { ...taskSampleIn('queued'), idempotent_replay: false };
