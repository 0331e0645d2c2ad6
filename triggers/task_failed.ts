import { instantTaskTrigger } from '../lib/webhooks/rest-hook';

export default instantTaskTrigger({
  key: 'task_failed',
  event: 'task_failed',
  label: 'Task Failed',
  description: 'Triggers when a task fails.',
  helpText:
    'Instant: fires the moment a task fails, with the error the agent reported. Needs a CodeTether server that offers webhook subscriptions; with any other, use **Task Finished**.',
});
