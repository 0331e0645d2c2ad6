import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_started',
  event: 'task_started',
  label: 'Task Started',
  description: 'Triggers when an agent starts working on a task.',
  helpText:
    'Instant: fires the moment an agent starts working on a task. Needs a CodeTether server that offers webhook subscriptions; with any other, use **New Task**.',
});
