import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_completed',
  event: 'task_completed',
  label: 'Task Completed',
  description: 'Triggers when an agent completes a task.',
  helpText:
    "Instant: fires the moment an agent completes a task, with the task's result and its **Result Data**. Needs a CodeTether server that offers webhook subscriptions; with any other, use **Task Finished**.",
});
