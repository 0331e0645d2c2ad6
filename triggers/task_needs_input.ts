import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_needs_input',
  event: 'task_needs_input',
  label: 'Task Needs Input',
  description: 'Triggers when an agent asks a person for input on a task.',
  helpText:
    'Instant: fires the moment an agent pauses a task to ask for input, so the Zap can alert the right person (in Slack, by email…). Needs a CodeTether server that offers webhook subscriptions.',
});
