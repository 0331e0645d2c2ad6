/**
 * The task as every step outputs it: flat, with `id`, and the same keys
 * whichever step or endpoint produced it, so a Zap can map it the same way;
 * every timestamp ISO-8601 with an offset, as Zapier wants it. With the
 * output fields that label it, and realistic samples in every status.
 */
import type { Bundle } from 'zapier-platform-core';
import { MAX_TASKS_PER_PAGE, type Task } from '../api/contract';
import { withOffset } from '../api/timestamps';
import { askedResultFields, resultDataOf } from './result-data';

/** How many tasks a list of them reads: a few for the Zap editor's samples, a full page for a poll. */
export const tasksToRead = (bundle: Bundle): number => (bundle.meta?.isLoadingSample ? 3 : MAX_TASKS_PER_PAGE);

export type TaskOutput = {
  id: string;
  task_id: string;
  run_id: string | null;
  status: Task['status'];
  title: string;
  description: string | null;
  model: string | null;
  /** Null when the server's value is no date (see withOffset). */
  created_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  runtime_seconds: number | null;
  result_summary: string | null;
  result_data: Record<string, unknown> | null;
  result_data_error: string | null;
  error: string | null;
};

/** The task's fields as the contract has them, whichever answer or delivery they came in. */
type TaskLike = Pick<Task, 'task_id' | 'status' | 'title' | 'created_at'> & Partial<Task>;

export const toTaskOutput = (task: TaskLike): TaskOutput => ({
  id: task.task_id,
  task_id: task.task_id,
  run_id: task.run_id || null,
  status: task.status,
  title: task.title,
  description: task.description ?? null,
  model: task.model ?? null,
  created_at: withOffset(task.created_at),
  started_at: withOffset(task.started_at),
  completed_at: withOffset(task.completed_at),
  runtime_seconds: task.runtime_seconds ?? null,
  result_summary: task.result_summary ?? null,
  // The prompt says which Result Fields were asked, whichever step reads the task.
  ...resultDataOf(task.result_summary, askedResultFields(task.description)),
  error: task.error ?? null,
});

export const taskOutputFields = [
  { key: 'id', label: 'ID', type: 'string' },
  { key: 'task_id', label: 'Task ID', type: 'string' },
  { key: 'run_id', label: 'Run ID', type: 'string' },
  { key: 'status', label: 'Status', type: 'string' },
  { key: 'title', label: 'Title', type: 'string' },
  { key: 'description', label: 'Prompt', type: 'string' },
  { key: 'model', label: 'Model', type: 'string' },
  { key: 'created_at', label: 'Created At', type: 'datetime' },
  { key: 'started_at', label: 'Started At', type: 'datetime' },
  { key: 'completed_at', label: 'Completed At', type: 'datetime' },
  { key: 'runtime_seconds', label: 'Runtime (Seconds)', type: 'number' },
  { key: 'result_summary', label: 'Result', type: 'string' },
  // `result_data` is an object: Zapier flattens it into one field per key (Result Data Sentiment and so on).
  { key: 'result_data_error', label: 'Result Data Error', type: 'string' },
  { key: 'error', label: 'Error', type: 'string' },
] as const;

// ---------------------------------------------------------------- samples

const COMPLETED_PROMPT =
  'Summarise this customer email in three bullet points and suggest a reply: "Hi team, our invoice #4821 shows a duplicate charge for November…"';
const COMPLETED_RESULT =
  '• Dana was charged twice for invoice #4821 in November.\n• She asks for a refund of the duplicate charge.\n• She wants confirmation by Friday.\nSuggested reply: apologise, confirm the refund of $249.00 within 5 business days.';

/** A realistic finished task, for samples: one task at different moments of its life. */
export const completedTaskSample: TaskOutput = {
  id: 'tsk_7Hq2mX9vLp',
  task_id: 'tsk_7Hq2mX9vLp',
  run_id: 'run_3Fz8kQ1wNc',
  status: 'completed',
  title: 'Summarise customer email from Dana Whitfield',
  description: COMPLETED_PROMPT,
  model: 'claude-sonnet',
  created_at: '2026-11-30T14:02:11Z',
  started_at: '2026-11-30T14:02:13Z',
  completed_at: '2026-11-30T14:03:40Z',
  runtime_seconds: 87,
  result_summary: COMPLETED_RESULT,
  // What resultDataOf reads in a result that asked for no Result Fields (a test holds them equal).
  result_data: null,
  result_data_error: null,
  error: null,
};

const noResult = { result_summary: null, result_data: null, result_data_error: null } as const;
const unfinished = { completed_at: null, runtime_seconds: null, ...noResult, error: null } as const;

const SAMPLES: Record<Task['status'], TaskOutput> = {
  queued: { ...completedTaskSample, ...unfinished, status: 'queued', started_at: null },
  running: { ...completedTaskSample, ...unfinished, status: 'running' },
  needs_input: { ...completedTaskSample, ...unfinished, status: 'needs_input' },
  completed: completedTaskSample,
  failed: {
    ...completedTaskSample,
    status: 'failed',
    completed_at: '2026-11-30T14:02:54Z',
    runtime_seconds: 41,
    ...noResult,
    error: 'The model provider did not answer after 3 attempts; the task was stopped.',
  },
  cancelled: { ...completedTaskSample, ...unfinished, status: 'cancelled' },
};

export const taskSampleIn = (status: Task['status']): TaskOutput => SAMPLES[status];
