import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_needs_input',
  event: 'task_needs_input',
  label: 'Task Needs Input',
  description: 'Triggers when an agent asks for input, on servers with webhook subscriptions.',
  instead: 'a Find Task step with the status needs_input in a scheduled Zap instead',
  helpText:
    "Instant: fires the moment an agent pauses a task to ask for input, so the Zap can alert the right person (in Slack, by email…). It needs a CodeTether server that offers webhook subscriptions, which CodeTether's own service does not yet; testing the trigger tells you. Without them, use **Find Task** with the status `needs_input` in a scheduled Zap.",
});
