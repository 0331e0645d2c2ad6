/** Every search and search-or-create, keyed by its permanent key. */
import findTask from './find_task';

export const searches = {
  [findTask.key]: findTask,
};

export const searchOrCreates = {
  find_or_create_task: {
    // Zapier requires a search-or-create's own key to be its search's key (an editor limitation,
    // checked by `zapier-platform validate`); the entry's name here is find_or_create_task.
    key: findTask.key,
    display: {
      label: 'Find or Create Task',
      description: 'Finds a task by a part of its title, or creates one when none matches.',
    },
    search: findTask.key,
    create: 'create_task',
  },
};
