import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_failed',
  event: 'task_failed',
  label: 'Task Failed',
  description:
    'Triggers when a task fails, the moment it happens, with the error the agent reported. Needs a CodeTether server that offers webhook subscriptions; otherwise use Task Finished.',
});
