import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { listTasks, tasksPerPoll } from '../lib/api/task-list';
import { triggerNote } from '../lib/steps/task-fields';
import { type TaskOutput, taskOutputFields, toTaskOutput } from '../lib/steps/task-output';
import { taskSampleIn } from '../lib/steps/task-samples';

const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> =>
  (await listTasks(z, bundle, { limit: tasksPerPoll(bundle) })).tasks.map(toTaskOutput);

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
        'Any new task: created by a Zap, the dashboard or the API. Checks every few minutes and works with every CodeTether server; to act the moment an agent starts or finishes a task, use the instant **Task Started** or **Task Completed** triggers, if your server offers webhook subscriptions.',
      ),
    ],
    perform,
    outputFields: [...taskOutputFields],
    sample: taskSampleIn('queued'),
  },
});
