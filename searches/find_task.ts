import { type Bundle, defineInputFields, defineSearch, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { api, itemPath, MAX_TASKS_PER_PAGE, PATHS, TASK_STATUSES, type Task } from '../lib/api/contract';
import { parse, send } from '../lib/api/http';
import { timestampMs } from '../lib/api/timestamps';
import { parseStepInput } from '../lib/steps/step-input';
import { taskPickerField } from '../lib/steps/task-fields';
import { completedTaskSample, type TaskOutput, taskOutputFields, toTaskOutput } from '../lib/steps/task-output';

/** A search reads at most the newest 500 tasks: five requests, well inside the rate limit of 60 a minute. */
export const MAX_LIST_REQUESTS = 5;

const inputFields = defineInputFields([
  taskPickerField({
    required: false,
    helpText: 'Find this one task. Leave empty to search the newest tasks by Status and Title Contains instead.',
  }),
  {
    key: 'status',
    label: 'Status',
    type: 'string',
    required: false,
    choices: [...TASK_STATUSES],
    helpText: 'Only tasks in this status, such as `completed`.',
  },
  {
    key: 'title',
    label: 'Title Contains',
    type: 'string',
    required: false,
    helpText: `Only tasks whose title contains this text, in any upper or lower case. Searches the newest ${MAX_TASKS_PER_PAGE * MAX_LIST_REQUESTS} tasks.`,
  },
]);

/** The search's rules: any of its fields, and at least one of them. Built when a search first runs. */
const findTaskInput = () =>
  zod
    .object({
      task_id: zod.optional(api.ItemId),
      status: zod.optional(api.TaskStatus),
      title: zod.optional(zod.string()),
    })
    .check(
      zod.refine((input) => Boolean(input.task_id || input.status || input.title), {
        message: 'Fill in at least one of Task, Status or Title Contains, so that there is something to search for.',
      }),
    );

const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> => {
  const { task_id, status, title } = parseStepInput(z, findTaskInput(), bundle.inputData, inputFields);
  const matches = (task: Task) =>
    (!status || task.status === status) && (!title || task.title.toLowerCase().includes(title.toLowerCase()));

  if (task_id) {
    // An unknown ID is no error for a search: it finds nothing.
    const response = await send(z, { url: itemPath(PATHS.tasks, task_id), skipThrowForStatus: true });
    if (response.status === 404) return [];
    const task = parse(z, response, api.Task);
    return matches(task) ? [toTaskOutput(task)] : [];
  }

  // The newest tasks first, page by page, until one matches, the list ends, or MAX_LIST_REQUESTS is reached.
  const found: Task[] = [];
  for (let page = 0; page < MAX_LIST_REQUESTS && found.length === 0; page++) {
    const offset = page * MAX_TASKS_PER_PAGE;
    const params = { limit: MAX_TASKS_PER_PAGE, offset, ...(status && { status }) };
    const { tasks, total } = parse(z, await send(z, { url: PATHS.tasks, params }), api.TaskList);
    found.push(...tasks.slice(0, MAX_TASKS_PER_PAGE).filter(matches));
    if (tasks.length < MAX_TASKS_PER_PAGE || offset + tasks.length >= total) break;
  }
  return found.sort((a, b) => timestampMs(b.created_at) - timestampMs(a.created_at)).map(toTaskOutput);
};

export default defineSearch({
  key: 'find_task',
  noun: 'Task',
  display: {
    label: 'Find Task',
    description: 'Finds a task by ID, status or title.',
  },
  operation: {
    inputFields,
    perform,
    outputFields: [...taskOutputFields],
    sample: completedTaskSample,
  },
});
