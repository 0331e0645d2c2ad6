/**
 * Realistic tasks in every status, for the samples of the task triggers: one
 * task at different moments of its life, kept in one place.
 */
import type { Task } from '../api/contract';
import { askForResultFields, type ResultField, resultDataOf, resultDataSample } from './result-data';
import type { TaskOutput } from './task-output';

const COMPLETED_PROMPT =
  'Summarise this customer email in three bullet points and suggest a reply: "Hi team, our invoice #4821 shows a duplicate charge for November…"';
const COMPLETED_RESULT =
  '• Dana was charged twice for invoice #4821 in November.\n• She asks for a refund of the duplicate charge.\n• She wants confirmation by Friday.\nSuggested reply: apologise, confirm the refund of $249.00 within 5 business days.';

/** A realistic finished task, for samples. */
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

/** The finished task when Result Fields were asked: its answer ends with them, and they come back as data. */
export const completedTaskSampleAsking = (fields: readonly ResultField[]): TaskOutput => {
  if (fields.length === 0) return completedTaskSample;
  const data = resultDataSample(fields);
  const result = `${COMPLETED_RESULT}\n\n\`\`\`json\n${JSON.stringify(data, null, 2)}\n\`\`\``;
  return {
    ...completedTaskSample,
    description: askForResultFields(COMPLETED_PROMPT, fields),
    result_summary: result,
    ...resultDataOf(result, fields),
  };
};
