import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_cancelled',
  event: 'task_cancelled',
  label: 'Task Cancelled',
  description: 'Triggers when a task is cancelled, on servers with webhook subscriptions.',
  instead: 'a Find Task step with the status cancelled in a scheduled Zap instead',
  helpText:
    "Instant: fires the moment a task is cancelled. It needs a CodeTether server that offers webhook subscriptions, which CodeTether's own service does not yet; testing the trigger tells you. Without them, use **Find Task** with the status `cancelled` in a scheduled Zap.",
});
