/**
 * The input fields the task steps share: what a new task asks for, and the
 * Task field of the steps that act on one task.
 */
import { defineInputFields } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { AGENT_TYPES, GLOBAL_CODEBASE, MAX_ID_LENGTH } from '../api/contract';
import { resultFieldsField } from './result-data';

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

/** What the Task field may hold: an ID, which is never long (a mapped email body is no ID). */
export const TaskIdInput = zod.string().check(zod.maxLength(MAX_ID_LENGTH));

/** The Task field of the steps that act on one task: a dropdown of recent tasks that also takes a mapped ID. */
export const taskPickerField = <const Required extends boolean>(field: { required: Required; helpText: string }) =>
  ({
    key: 'task_id',
    label: 'Task',
    type: 'string',
    dynamic: 'list_recent_tasks.id.title',
    ...field,
  }) as const;
