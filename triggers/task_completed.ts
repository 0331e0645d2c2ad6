import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_completed',
  event: 'task_completed',
  label: 'Task Completed',
  description: 'Triggers when a task completes, on servers with webhook subscriptions.',
  instead: 'the Task Finished trigger instead, which checks for finished tasks every few minutes',
  helpText:
    "Instant: fires the moment an agent completes a task, with the task's result and its **Result Data**. It needs a CodeTether server that offers webhook subscriptions, which CodeTether's own service does not yet; testing the trigger tells you. Without them, use **Task Finished**.",
});
