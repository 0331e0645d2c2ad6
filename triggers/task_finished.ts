import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import type { Task } from '../lib/api/contract';
import { listTasks, tasksPerPoll } from '../lib/api/task-list';
import { timestampMs } from '../lib/api/timestamps';
import { triggerNote } from '../lib/steps/task-fields';
import { type TaskOutput, taskOutputFields, toTaskOutput } from '../lib/steps/task-output';
import { taskSampleIn } from '../lib/steps/task-samples';

/** A cancelled task was stopped, not finished: Task Finished leaves it out. */
const COMPLETED_OR_FAILED = ['completed', 'failed'] as const;

/** Production's naive timestamps are UTC; timestampMs reads them so, not as local time. */
const finishedAt = (task: Task): number => timestampMs(task.completed_at ?? task.created_at);

/**
 * The id names the task and how it finished, so Zapier's dedupe fires once
 * per finish, and again only if a task that failed is later completed.
 */
const finishOutput = (task: Task): TaskOutput => ({ ...toTaskOutput(task), id: `${task.task_id}-${task.status}` });

const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> => {
  const limit = tasksPerPoll(bundle);
  // Only the status asked for: a server that ignores the filter would list a task twice, under one id.
  const lists = await Promise.all(
    COMPLETED_OR_FAILED.map(async (status) =>
      (await listTasks(z, bundle, { status, limit })).tasks.filter((task) => task.status === status),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => finishedAt(b) - finishedAt(a))
    .slice(0, limit)
    .map(finishOutput);
};

const sample = taskSampleIn('completed');

export default defineTrigger({
  key: 'task_finished',
  noun: 'Task',
  display: {
    label: 'Task Finished',
    description: 'Triggers when a task completes or fails.',
  },
  operation: {
    type: 'polling',
    inputFields: [
      triggerNote(
        'Checks every few minutes and works with every CodeTether server. If yours offers webhook subscriptions, the instant **Task Completed** and **Task Failed** triggers are faster.',
      ),
    ],
    perform,
    outputFields: [...taskOutputFields],
    sample: { ...sample, id: `${sample.task_id}-${sample.status}` },
  },
});
