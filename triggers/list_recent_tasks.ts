import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { DEFAULT_TASKS_PER_PAGE } from '../lib/api/contract';
import { listTasks } from '../lib/api/task-list';
import { type TaskOutput, taskOutputFields, toTaskOutput } from '../lib/steps/task-output';
import { taskSampleIn } from '../lib/steps/task-samples';

/** The newest tasks first; "Load more" asks for the next page (bundle.meta.page counts from 0). */
const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> => {
  // Zapier sends a number; anything else (text, an object) means the first page.
  const requested = bundle.meta?.page;
  const page = typeof requested === 'number' && Number.isSafeInteger(requested) && requested > 0 ? requested : 0;
  const { tasks } = await listTasks(z, bundle, {
    limit: DEFAULT_TASKS_PER_PAGE,
    offset: page * DEFAULT_TASKS_PER_PAGE,
  });
  return tasks.map(toTaskOutput);
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
    outputFields: [...taskOutputFields],
    sample: taskSampleIn('completed'),
  },
});
