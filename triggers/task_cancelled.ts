import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_cancelled',
  event: 'task_cancelled',
  label: 'Task Cancelled',
  description: 'Triggers when a task is cancelled before it finishes.',
  helpText:
    'Instant: fires the moment a task is cancelled. Needs a CodeTether server that offers webhook subscriptions.',
});
