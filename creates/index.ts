/** Every action, keyed by its permanent key. */
import cancelTask from './cancel_task';
import createTask from './create_task';
import runTask from './run_task';

export const creates = {
  [createTask.key]: createTask,
  [runTask.key]: runTask,
  [cancelTask.key]: cancelTask,
};
