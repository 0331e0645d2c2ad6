/**
 * Realistic tasks in every status, for the samples of the task triggers: one
 * task at different moments of its life, kept in one place.
 */
import type { Task } from './contract';
import { completedTaskSample, type TaskOutput } from './task-output';

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
