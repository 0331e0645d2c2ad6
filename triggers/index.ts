/** Every trigger, keyed by its permanent key (the file name). */

import listModels from './list_models';
import listRecentTasks from './list_recent_tasks';
import listWorkspaces from './list_workspaces';
import newTask from './new_task';
import taskCancelled from './task_cancelled';
import taskCompleted from './task_completed';
import taskFailed from './task_failed';
import taskFinished from './task_finished';
import taskNeedsInput from './task_needs_input';
import taskStarted from './task_started';

// Instant (REST hook) and polling triggers a user picks in the Zap editor.
export const triggers = {
  [taskCompleted.key]: taskCompleted,
  [taskFailed.key]: taskFailed,
  [taskNeedsInput.key]: taskNeedsInput,
  [taskStarted.key]: taskStarted,
  [taskCancelled.key]: taskCancelled,
  [taskFinished.key]: taskFinished,
  [newTask.key]: newTask,
  // Hidden triggers that fill dynamic dropdowns.
  [listModels.key]: listModels,
  [listRecentTasks.key]: listRecentTasks,
  [listWorkspaces.key]: listWorkspaces,
};
