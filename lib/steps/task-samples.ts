/**
 * Realistic tasks in every status, for the samples of the task triggers: one
 * task at different moments of its life, kept in one place.
 */
import type { Task } from '../api/contract';
import type { TaskOutput } from './task-output';

/** A realistic finished task, for samples. */
export const completedTaskSample: TaskOutput = {
  id: 'tsk_7Hq2mX9vLp',
  task_id: 'tsk_7Hq2mX9vLp',
  run_id: 'run_3Fz8kQ1wNc',
  status: 'completed',
  title: 'Summarise customer email from Dana Whitfield',
  description:
    'Summarise this customer email in three bullet points and suggest a reply: "Hi team, our invoice #4821 shows a duplicate charge for November…"',
  model: 'claude-sonnet',
  created_at: '2026-11-30T14:02:11Z',
  started_at: '2026-11-30T14:02:13Z',
  completed_at: '2026-11-30T14:03:40Z',
  runtime_seconds: 87,
  result_summary:
    '• Dana was charged twice for invoice #4821 in November.\n• She asks for a refund of the duplicate charge.\n• She wants confirmation by Friday.\nSuggested reply: apologise, confirm the refund of $249.00 within 5 business days.',
  error: null,
};

const unfinished = { completed_at: null, runtime_seconds: null, result_summary: null, error: null } as const;

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
    result_summary: null,
    error: 'The model provider did not answer after 3 attempts; the task was stopped.',
  },
  cancelled: { ...completedTaskSample, ...unfinished, status: 'cancelled' },
};

export const taskSampleIn = (status: Task['status']): TaskOutput => SAMPLES[status];
