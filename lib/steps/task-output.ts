/**
 * The task as every step outputs it: flat, with `id`, and the same keys
 * whichever step or endpoint produced it, so a Zap can map it the same way;
 * every timestamp ISO-8601 with an offset, as Zapier wants it.
 */
import * as zod from 'zod/mini';
import { type Task, TaskStatus } from '../api/contract';
import { withOffset } from '../api/timestamps';
import { askedResultFields, resultDataOf } from './result-data';

/** The shape of a task step's output; samples are checked against it. */
export const TaskOutput = zod.object({
  id: zod.string().check(zod.minLength(1)),
  task_id: zod.string().check(zod.minLength(1)),
  run_id: zod.nullable(zod.string()),
  status: TaskStatus,
  title: zod.string(),
  description: zod.nullable(zod.string()),
  model: zod.nullable(zod.string()),
  // Null when the server's value is no date (see withOffset).
  created_at: zod.nullable(zod.iso.datetime({ offset: true })),
  started_at: zod.nullable(zod.iso.datetime({ offset: true })),
  completed_at: zod.nullable(zod.iso.datetime({ offset: true })),
  runtime_seconds: zod.nullable(zod.number()),
  result_summary: zod.nullable(zod.string()),
  result_data: zod.nullable(zod.looseObject({})),
  result_data_error: zod.nullable(zod.string()),
  error: zod.nullable(zod.string()),
});
export type TaskOutput = zod.infer<typeof TaskOutput>;

export const toTaskOutput = (task: Task): TaskOutput => ({
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
