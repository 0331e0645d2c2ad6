import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { api, DEFAULT_TASKS_PER_PAGE, PATHS } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';
import { requestedPage } from '../lib/steps/step-input';

type TaskChoice = { id: string; title: string };

/** The newest tasks first; "Load more" asks for the next page (bundle.meta.page counts from 0). */
const perform = async (z: ZObject, bundle: Bundle): Promise<TaskChoice[]> => {
  const page = requestedPage(bundle.meta);
  const params = { limit: DEFAULT_TASKS_PER_PAGE, offset: page * DEFAULT_TASKS_PER_PAGE };
  const { tasks } = parse(z, await send(z, { url: PATHS.tasks, params }), api.TaskList);
  return tasks.slice(0, DEFAULT_TASKS_PER_PAGE).map((task) => ({ id: task.task_id, title: task.title }));
};

export default defineTrigger({
  key: 'list_recent_tasks',
  noun: 'Task',
  display: {
    label: 'List Recent Tasks',
    description: 'Triggers when a task is listed, to fill a dropdown.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    canPaginate: true,
    perform,
    sample: { id: 'tsk_7Hq2mX9vLp', title: 'Summarise customer email from Dana Whitfield' } satisfies TaskChoice,
  },
});
