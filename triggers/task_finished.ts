import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { api, PATHS, type Task } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';
import { timestampMs } from '../lib/api/timestamps';
import { triggerNote } from '../lib/steps/task-fields';
import { type TaskOutput, taskOutputFields, taskSampleIn, tasksToRead, toTaskOutput } from '../lib/steps/task-output';

/** A cancelled task was stopped, not finished: Task Finished leaves it out. */
const COMPLETED_OR_FAILED = ['completed', 'failed'] as const;

/**
 * How far back a poll looks. CodeTether lists tasks newest *created* first,
 * so a task that runs long finishes behind newer ones: each poll reads every
 * task of each outcome created in the horizon, a page at a time, and so sees
 * every task that finishes within the horizon of its creation. At most
 * MAX_PAGES a status keeps a poll at 10 requests (the rate limit is 60 a
 * minute), which covers 500 tasks of each outcome a horizon.
 */
export const HORIZON_MS = 24 * 3600 * 1000;
export const MAX_PAGES = 5;
/**
 * The first poll after a finish comes up to 15 minutes later (Zapier's
 * slowest plan), more when Zapier runs late: a poll reads tasks created up to
 * an hour before the horizon too, or a task that finished just within the
 * horizon of its creation would already be past it when polled.
 */
export const POLL_MARGIN_MS = 60 * 60 * 1000;

/** Production's naive timestamps are UTC; timestampMs reads them so, not as local time. */
const finishedAt = (task: Task): number => timestampMs(task.completed_at ?? task.created_at);

/**
 * The id names the task and how it finished, so Zapier's dedupe fires once
 * per finish, and again only if a task that failed is later completed.
 */
const finishOutput = (task: Task): TaskOutput => ({ ...toTaskOutput(task), id: `${task.task_id}-${task.status}` });

const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> => {
  const sampling = Boolean(bundle.meta?.isLoadingSample);
  const limit = tasksToRead(bundle);
  const since = Date.now() - HORIZON_MS;
  const createdSince = since - POLL_MARGIN_MS;
  /** Every task of one outcome created in the horizon (and the margin before it), newest created first. */
  const finished = async (status: Task['status']): Promise<Task[]> => {
    const read: Task[] = [];
    for (let page = 0; page < (sampling ? 1 : MAX_PAGES); page++) {
      const params = { status, limit, offset: page * limit };
      const { tasks, total } = parse(z, await send(z, { url: PATHS.tasks, params }), api.TaskList);
      // Only the status asked for: a server that ignores the filter would list a task twice, under one id.
      read.push(...tasks.slice(0, limit).filter((task) => task.status === status));
      const oldest = tasks.at(-1);
      const pastHorizon = oldest !== undefined && timestampMs(oldest.created_at) < createdSince;
      if (tasks.length < limit || (page + 1) * limit >= total || pastHorizon) break;
    }
    return read;
  };
  const lists = await Promise.all(COMPLETED_OR_FAILED.map(finished));
  return (
    lists
      .flat()
      .map((task) => ({ task, at: finishedAt(task) }))
      // Finishes Zapier saw in earlier polls need not come again; a finish time that cannot be read does.
      .filter(({ at }) => sampling || at === 0 || at >= since)
      .sort((a, b) => b.at - a.at)
      .slice(0, sampling ? limit : undefined)
      .map(({ task }) => finishOutput(task))
  );
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
        'Checks every few minutes and works with every CodeTether server. It sees every task that finishes within 24 hours of its creation, for up to 500 completed and 500 failed tasks a day. If your server offers webhook subscriptions, the instant **Task Completed** and **Task Failed** triggers are faster.',
      ),
    ],
    perform,
    outputFields: [...taskOutputFields],
    sample: { ...sample, id: `${sample.task_id}-${sample.status}` },
  },
});
