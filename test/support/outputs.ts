/**
 * What each step outputs, as zod schemas: the tests hold samples and real
 * outputs against them. The app itself states these shapes as TypeScript
 * types only; nothing shipped parses its own output.
 */
import { z } from 'zod';
import { EVENT_STATUS, TASK_STATUSES } from '../../lib/api/contract';

const datetime = z.iso.datetime({ offset: true }).nullable();

export const TaskOutput = z.strictObject({
  id: z.string().min(1),
  task_id: z.string().min(1),
  run_id: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  title: z.string(),
  description: z.string().nullable(),
  model: z.string().nullable(),
  created_at: datetime,
  started_at: datetime,
  completed_at: datetime,
  runtime_seconds: z.number().nullable(),
  result_summary: z.string().nullable(),
  result_data: z.record(z.string(), z.unknown()).nullable(),
  result_data_error: z.string().nullable(),
  error: z.string().nullable(),
});

export const CreatedTaskOutput = TaskOutput.extend({ idempotent_replay: z.boolean() });

export const CancelTaskOutput = z.strictObject({
  id: z.string().min(1),
  task_id: z.string().min(1),
  status: z.literal('cancelled'),
  message: z.string().nullable(),
});

export const TaskEventOutput = TaskOutput.extend({
  event: z.enum(Object.keys(EVENT_STATUS) as [keyof typeof EVENT_STATUS]),
  event_id: z.string().min(1).nullable(),
  delivered_at: datetime,
});

export type TaskOutput = z.infer<typeof TaskOutput>;
export type CreatedTaskOutput = z.infer<typeof CreatedTaskOutput>;
