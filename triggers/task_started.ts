import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_started',
  event: 'task_started',
  label: 'Task Started',
  description: 'Triggers when an agent starts a task, on servers with webhook subscriptions.',
  instead: 'the New Task trigger instead, which checks for new tasks every few minutes',
  helpText:
    "Instant: fires the moment an agent starts working on a task. It needs a CodeTether server that offers webhook subscriptions, which CodeTether's own service does not yet; testing the trigger tells you. Without them, use **New Task**.",
});
