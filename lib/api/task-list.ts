/** `GET /tasks`: the one way every list, poll, dropdown and search reads tasks. */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { callApi } from './client';
import { MAX_TASKS_PER_PAGE, type Task, TaskList } from './contract';

/** Enough for the Zap editor to show a few samples. */
const SAMPLE_SIZE = 3;

/** How many tasks a poll reads: a full page, so that it sees every recent change, or a few samples for the Zap editor. */
export const tasksPerPoll = (bundle: Bundle): number =>
  bundle.meta?.isLoadingSample ? SAMPLE_SIZE : MAX_TASKS_PER_PAGE;

/**
 * One page of the newest tasks first, optionally of one status, with the
 * total the server counts; never more tasks than asked for, even from a
 * server that ignores `limit`.
 */
export const listTasks = async (
  z: ZObject,
  bundle: Bundle,
  query: { status?: Task['status']; limit: number; offset?: number },
): Promise<TaskList> => {
  const { data } = await callApi(z, bundle, {
    path: ['tasks'],
    params: query,
    schema: TaskList,
    what: query.status ? `listing ${query.status.replace('_', ' ')} tasks` : 'listing tasks',
  });
  return { ...data, tasks: data.tasks.slice(0, query.limit) };
};
