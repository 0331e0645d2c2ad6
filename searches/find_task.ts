import { type Bundle, defineInputFields, defineSearch, type ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { callApi } from '../lib/api/client';
import { MAX_TASKS_PER_PAGE, TASK_STATUSES, Task, TaskStatus } from '../lib/api/contract';
import { listTasks } from '../lib/api/task-list';
import { timestampMs } from '../lib/api/timestamps';
import { parseStepInput } from '../lib/steps/step-input';
import { TaskIdInput, taskPickerField } from '../lib/steps/task-fields';
import { type TaskOutput, taskOutputFields, toTaskOutput } from '../lib/steps/task-output';
import { completedTaskSample } from '../lib/steps/task-samples';

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

const FindTaskInput = zod
  .object({
    task_id: zod.optional(TaskIdInput),
    status: zod.optional(TaskStatus),
    title: zod.optional(zod.string()),
  })
  .check(
    zod.refine((input) => Boolean(input.task_id || input.status || input.title), {
      message: 'Fill in at least one of Task, Status or Title Contains, so that there is something to search for.',
    }),
  );
type Criteria = { status?: Task['status']; title?: string };

const matches = (task: Task, { status, title }: Criteria): boolean =>
  (!status || task.status === status) && (!title || task.title.toLowerCase().includes(title.toLowerCase()));

const newestFirst = (tasks: Task[]): Task[] =>
  [...tasks].sort((a, b) => timestampMs(b.created_at) - timestampMs(a.created_at));

/** The task with this ID, or none: an unknown ID is no error for a search. */
const taskById = async (z: ZObject, bundle: Bundle, taskId: string): Promise<Task | undefined> => {
  const answer = await callApi(z, bundle, {
    path: ['tasks', taskId],
    schema: Task,
    what: 'finding the task',
    expect: [404],
  });
  return answer.ok ? answer.data : undefined;
};

/** Pages through the newest tasks until one matches, the list ends, or MAX_LIST_REQUESTS is reached. */
const recentMatches = async (z: ZObject, bundle: Bundle, criteria: Criteria): Promise<Task[]> => {
  const found: Task[] = [];
  for (let page = 0; page < MAX_LIST_REQUESTS && found.length === 0; page++) {
    const offset = page * MAX_TASKS_PER_PAGE;
    const { tasks, total } = await listTasks(z, bundle, { status: criteria.status, limit: MAX_TASKS_PER_PAGE, offset });
    found.push(...tasks.filter((task) => matches(task, criteria)));
    if (tasks.length < MAX_TASKS_PER_PAGE || offset + tasks.length >= total) break;
  }
  return found;
};

const perform = async (z: ZObject, bundle: Bundle): Promise<TaskOutput[]> => {
  const { task_id, ...criteria } = parseStepInput(z, FindTaskInput, bundle.inputData, inputFields);
  if (task_id) {
    const task = await taskById(z, bundle, task_id);
    return task && matches(task, criteria) ? [toTaskOutput(task)] : [];
  }
  return newestFirst(await recentMatches(z, bundle, criteria)).map(toTaskOutput);
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
