/**
 * What the task steps ask for: the fields of a new task and the request that
 * creates it (Create Task, Run Task and Wait for Result, Find or Create
 * Task), and the Task field of the steps that act on one task.
 */
import { createHash } from 'node:crypto';
import { defineInputFields, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { AGENT_TYPES, api, builtOnFirstRead, GLOBAL_CODEBASE, MAX_PROMPT_LENGTH, PATHS } from '../api/contract';
import { askForResultFields, resultFieldsField, resultFieldsInput } from './result-data';
import { type LabelledField, parseStepInput } from './step-input';

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
  resultFieldsField,
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
    label: 'Codebase',
    type: 'string',
    required: false,
    default: GLOBAL_CODEBASE,
    dynamic: 'list_workspaces.id.name',
    helpText:
      'The codebase (workspace) the agent works in: pick one your server has registered, or type its ID. `global` when the task needs no particular codebase.',
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
 * Guidance shown in a trigger's setup, where a user reads it: a read-only
 * note (a `copy` field), since Zapier wants descriptions of a few words.
 */
export const triggerNote = (helpText: string) =>
  ({ key: 'about_this_trigger', label: 'About This Trigger', type: 'copy', helpText }) as const;

/** The Task field of the steps that act on one task: a dropdown of recent tasks that also takes a mapped ID. */
export const taskPickerField = <const Required extends boolean>(field: { required: Required; helpText: string }) =>
  ({ key: 'task_id', label: 'Task', type: 'string', dynamic: 'list_recent_tasks.id.title', ...field }) as const;

const inputs = builtOnFirstRead({
  /**
   * The contract's body rules, with three differences for input: agents default
   * to `general`; the model is any name, because the live server may list more
   * models than the contract and rejects an unknown one itself; a webhook must
   * be a web address, not any URL scheme. The prompt as sent, Result Fields
   * instruction included, must fit the contract's limit.
   */
  get CreateTask() {
    return zod.pipe(
      zod.extend(api.CreateTaskBody, {
        agent_type: zod._default(api.AgentType, 'general'),
        model: zod._default(zod.string().check(zod.maxLength(100)), 'default'),
        webhook_url: zod.optional(api.WebAddress),
        idempotency_key: zod.optional(zod.string()),
        result_fields: resultFieldsInput(),
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
  },
});

export type CreateTaskRequest = {
  method: 'POST';
  url: string;
  body: Omit<zod.output<typeof inputs.CreateTask>, 'idempotency_key'>;
  headers: Record<string, string>;
};

const HEADER_SAFE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

/**
 * A mapped ID can hold anything; what cannot go into a header as it is
 * (line breaks, non-ASCII, a very long value, or "{{", which z.request
 * refuses in headers as a template) is sent as its SHA-256, which is just
 * as stable.
 */
export const idempotencyHeader = (key: string): Record<string, string> => ({
  'Idempotency-Key':
    HEADER_SAFE.test(key) && !key.includes('{{') ? key : `sha256-${createHash('sha256').update(key).digest('hex')}`,
});

/**
 * `POST /tasks` for a step's input, its prompt as sent; a wrong field stops
 * the step with a sentence, before any request.
 */
export const createTaskRequest = (
  z: ZObject,
  inputData: Record<string, unknown>,
  fields: readonly LabelledField[],
): CreateTaskRequest => {
  const { idempotency_key, ...body } = parseStepInput(z, inputs.CreateTask, inputData, fields);
  return { method: 'POST', url: PATHS.tasks, body, headers: idempotency_key ? idempotencyHeader(idempotency_key) : {} };
};
