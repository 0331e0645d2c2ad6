import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_failed',
  event: 'task_failed',
  label: 'Task Failed',
  description: 'Triggers when a task fails, on servers with webhook subscriptions.',
  instead: 'the Task Finished trigger instead, which checks for finished tasks every few minutes',
  helpText:
    "Instant: fires the moment a task fails, with the error the agent reported. It needs a CodeTether server that offers webhook subscriptions, which CodeTether's own service does not yet; testing the trigger tells you. Without them, use **Task Finished**.",
});
