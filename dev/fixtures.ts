/**
 * Realistic CodeTether data, written once for the tests, `npm start` and the
 * bench: what a step is given, what CodeTether answers, what a step outputs.
 * One task runs through them: the Q3 sales call, from its input to its
 * answers; the Zap of `npm start` triages a customer's email instead.
 */
import type { TaskOutput } from '../lib/steps/task-output';

/** What Create Task is given for the Q3 sales call, which is also the body of its `POST /tasks`. */
export const taskInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'Summarise the Q3 sales call',
  description: 'Summarise the attached transcript in five bullet points.',
  ...overrides,
});

/** The task as production returns it from `GET /tasks/{id}`: the Q3 sales call, completed. */
export const taskFixture = (overrides: Record<string, unknown> = {}) => ({
  task_id: 'tsk_01J9Z6M4Q8',
  run_id: 'run_01J9Z6M4R2',
  status: 'completed',
  title: 'Summarise the Q3 sales call',
  description: 'Summarise the attached transcript in five bullet points.',
  created_at: '2026-11-30T14:02:11Z',
  started_at: '2026-11-30T14:02:13Z',
  completed_at: '2026-11-30T14:03:40Z',
  runtime_seconds: 87,
  result_summary: 'Five bullet points: pricing accepted, pilot in January, …',
  error: null,
  model: 'claude-sonnet',
  ...overrides,
});

/** What `POST /tasks` answers for it: the new task's first fields. */
export const createdTask = (overrides: Record<string, unknown> = {}) => ({
  task_id: 'tsk_01J9Z6M4Q8',
  run_id: 'run_01J9Z6M4R2',
  status: 'queued',
  title: 'Summarise the Q3 sales call',
  description: 'Summarise the attached transcript in five bullet points.',
  created_at: '2026-11-30T14:02:11Z',
  model: 'claude-sonnet',
  ...overrides,
});

/** What a step outputs for the task just created, and Zapier hands Run Task's performResume as outputData. */
export const queuedOutput: TaskOutput = {
  id: 'tsk_01J9Z6M4Q8',
  task_id: 'tsk_01J9Z6M4Q8',
  run_id: 'run_01J9Z6M4R2',
  status: 'queued',
  title: 'Summarise the Q3 sales call',
  description: 'Summarise the attached transcript in five bullet points.',
  model: 'claude-sonnet',
  created_at: '2026-11-30T14:02:11Z',
  started_at: null,
  completed_at: null,
  runtime_seconds: null,
  result_summary: null,
  result_data: null,
  result_data_error: null,
  error: null,
};

/** What a Zap that triages customer email asks the agent for, as Result Fields: one of each type. */
export const RESULT_FIELDS = [
  'sentiment (one of positive, neutral, negative): how the customer feels',
  'urgency (integer): from 1 (can wait) to 9 (today)',
  'refund_amount (number): in dollars',
  'needs_refund (boolean)',
  'reply_by (datetime)',
  'topics (list)',
  'reply_draft: a short reply',
];

/** What that Zap gives Create Task: the whole Zap of `npm start` and the e2e tests runs on it. */
export const emailTaskInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'Summarise customer email from Dana Whitfield',
  description: 'Summarise this customer email in three bullet points and suggest a reply: “Hi team, invoice #4821…”',
  agent_type: 'general',
  model: 'claude-sonnet',
  ...overrides,
});
