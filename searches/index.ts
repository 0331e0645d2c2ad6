/** Every search and search-or-create, keyed by its permanent key. */
import findTask from './find_task';

export const searches = {
  [findTask.key]: findTask,
};

/**
 * A search-or-create's key must be its search's key (an editor limitation,
 * checked by `zapier-platform validate`), and the schema's documentation keys
 * the entry by that same key.
 */
export const searchOrCreates = {
  [findTask.key]: {
    key: findTask.key,
    display: {
      label: 'Find or Create Task',
      description: 'Finds a task by title, or creates one when none matches.',
    },
    search: findTask.key,
    create: 'create_task',
  },
};
