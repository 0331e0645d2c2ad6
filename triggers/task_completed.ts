import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_completed',
  event: 'task_completed',
  label: 'Task Completed',
  description:
    "Triggers when an agent completes a task, the moment it happens, with the task's result. Needs a CodeTether server that offers webhook subscriptions; otherwise use Task Finished.",
});
