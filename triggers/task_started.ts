import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_started',
  event: 'task_started',
  label: 'Task Started',
  description:
    'Triggers when an agent starts working on a task, the moment it happens. Needs a CodeTether server that offers webhook subscriptions; otherwise use New Task.',
});
