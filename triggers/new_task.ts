import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { api, MAX_TASKS_PER_PAGE, PATHS } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';
import { triggerNote } from '../lib/steps/task-fields';
import { type TaskOutput, taskOutputFields, taskSampleIn, tasksToRead, toTaskOutput } from '../lib/steps/task-output';

/** The newest tasks, a full page of them, so that a poll sees every task created since the last one. */
const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> => {
  const limit = tasksToRead(bundle);
  const { tasks } = parse(z, await send(z, { url: PATHS.tasks, params: { limit } }), api.TaskList);
  return tasks.slice(0, limit).map(toTaskOutput);
};

export default defineTrigger({
  key: 'new_task',
  noun: 'Task',
  display: {
    label: 'New Task',
    description: 'Triggers when a task is created.',
  },
  operation: {
    type: 'polling',
    inputFields: [
      triggerNote(
        `Any new task: created by a Zap, the dashboard or the API. Checks every few minutes and works with every CodeTether server; it sees up to ${MAX_TASKS_PER_PAGE} new tasks between two checks. To act the moment an agent starts or finishes a task, use the instant **Task Started** or **Task Completed** triggers, if your server offers webhook subscriptions.`,
      ),
    ],
    perform,
    outputFields: [...taskOutputFields],
    sample: taskSampleIn('queued'),
  },
});
