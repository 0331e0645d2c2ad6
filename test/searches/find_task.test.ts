import nock from 'nock';
import { taskFixture } from '../../dev/fixtures';
import App from '../../index';
import { MAX_TASKS_PER_PAGE } from '../../lib/api/contract';
import { askForResultFields } from '../../lib/steps/result-data';
import { completedTaskSample } from '../../lib/steps/task-output';
import findTask, { MAX_LIST_REQUESTS } from '../../searches/find_task';
import { API, apiKeyAuth, appTester, failureOf, useNock } from '../support/app';
import { TaskOutput } from '../support/outputs';

useNock();

const find = (inputData: Record<string, unknown>) =>
  appTester(findTask.operation.perform as never, { authData: apiKeyAuth, inputData }) as Promise<TaskOutput[]>;

/** A listed task: lists carry no model. */
const listed = (taskId: string, title: string, createdAt: string, status = 'completed') =>
  taskFixture({ task_id: taskId, title, created_at: createdAt, status, model: null });

/** A full page of tasks that all fail to match "invoice". */
const fullPage = (page: number) =>
  Array.from({ length: MAX_TASKS_PER_PAGE }, (_, n) =>
    listed(`tsk_p${page}_${n}`, `Weekly report ${page}.${n}`, '2026-11-01T00:00:00Z'),
  );

const page = (tasks: object[], offset: number, total: number) => ({ tasks, total, limit: MAX_TASKS_PER_PAGE, offset });

describe('Find Task', () => {
  describe('by ID', () => {
    it('finds the task with one request', async () => {
      const scope = nock(API).get('/tasks/tsk_01J9Z6M4Q8').reply(200, taskFixture());
      const found = await find({ task_id: 'tsk_01J9Z6M4Q8' });
      expect(scope.isDone()).toBe(true);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        id: 'tsk_01J9Z6M4Q8',
        status: 'completed',
        title: 'Summarise the Q3 sales call',
      });
      expect(TaskOutput.parse(found[0])).toEqual(found[0]);
    });

    it('outputs the JSON the result ends with as result_data, with the keys its prompt asked for', async () => {
      const prompt = askForResultFields('Classify this email.', [{ name: 'sentiment' }, { name: 'priority' }]);
      const result = 'Negative.\n```json\n{"sentiment": "negative", "priority": "high", "extra": 1}\n```';
      nock(API)
        .get('/tasks/tsk_asked')
        .reply(200, taskFixture({ task_id: 'tsk_asked', description: prompt, result_summary: result }));
      nock(API)
        .get('/tasks/tsk_free')
        .reply(200, taskFixture({ task_id: 'tsk_free', result_summary: result }));
      const [asked] = await find({ task_id: 'tsk_asked' });
      const [free] = await find({ task_id: 'tsk_free' });
      expect(asked).toMatchObject({
        result_data: { sentiment: 'negative', priority: 'high' },
        result_data_error: null,
      });
      expect(free?.result_data).toEqual({ sentiment: 'negative', priority: 'high', extra: 1 });
    });

    it('finds nothing, without an error, for an unknown ID', async () => {
      nock(API)
        .get('/tasks/tsk_missing')
        .reply(404, { detail: { error: 'not_found', message: 'Task not found' } });
      await expect(find({ task_id: 'tsk_missing' })).resolves.toEqual([]);
    });

    it('keeps an ID full of /, ? and .. inside /tasks/, and refuses “..”, which names no task, before any request', async () => {
      const scope = nock(API)
        .get('/tasks/..%2Fwebhooks%3Flimit%3D1')
        .reply(404, { detail: { error: 'not_found', message: 'Task not found' } });
      await expect(find({ task_id: '../webhooks?limit=1' })).resolves.toEqual([]);
      expect(scope.isDone()).toBe(true);
      const failure = await failureOf(find({ task_id: '..' }));
      expect(failure.message).toBe('Check the “Task” field: it is not a valid ID.');
    });

    it('outputs null, never an empty string, for a run or prompt the task does not have', async () => {
      const { description: _omitted, ...withoutPrompt } = taskFixture({ run_id: '' });
      nock(API).get('/tasks/tsk_01J9Z6M4Q8').reply(200, withoutPrompt);
      const [found] = await find({ task_id: 'tsk_01J9Z6M4Q8' });
      expect(found).toMatchObject({ run_id: null, description: null });
      expect(TaskOutput.parse(found)).toEqual(found);
    });

    it('explains a server problem instead of finding nothing, and lets Zapier try again later', async () => {
      nock(API).get('/tasks/tsk_01J9Z6M4Q8').reply(503, { detail: 'Database not available' });
      const failure = await failureOf(find({ task_id: 'tsk_01J9Z6M4Q8' }));
      expect(failure.name).toBe('ThrottledError');
      expect(failure.message).toBe(
        'CodeTether was not available while reading the task (HTTP 503 Service Unavailable): Database not available. Zapier will try again in 60 seconds.',
      );
    });

    it('finds nothing when the task does not have the status or title also asked for', async () => {
      nock(API).get('/tasks/tsk_01J9Z6M4Q8').times(2).reply(200, taskFixture());
      await expect(find({ task_id: 'tsk_01J9Z6M4Q8', status: 'failed' })).resolves.toEqual([]);
      await expect(find({ task_id: 'tsk_01J9Z6M4Q8', title: 'invoice' })).resolves.toEqual([]);
    });
  });

  describe('by status and title', () => {
    it('lists one status in one request, newest first', async () => {
      nock(API)
        .get('/tasks')
        .query({ status: 'failed', limit: String(MAX_TASKS_PER_PAGE), offset: '0' })
        .reply(
          200,
          page(
            [
              listed('tsk_old', 'Old', '2026-11-28T09:00:00Z', 'failed'),
              listed('tsk_new', 'New', '2026-11-30T09:00:00Z', 'failed'),
            ],
            0,
            2,
          ),
        );
      const found = await find({ status: 'failed' });
      expect(found.map((task) => task.id)).toEqual(['tsk_new', 'tsk_old']);
    });

    it('lists a task whose creation time cannot be read after the dated ones', async () => {
      nock(API)
        .get('/tasks')
        .query({ status: 'failed', limit: String(MAX_TASKS_PER_PAGE), offset: '0' })
        .reply(
          200,
          page(
            [
              listed('tsk_old', 'Old', '2026-11-28T09:00:00Z', 'failed'),
              listed('tsk_undated', 'Undated', 'yesterday', 'failed'),
              listed('tsk_new', 'New', '2026-11-30T09:00:00Z', 'failed'),
            ],
            0,
            3,
          ),
        );
      const found = await find({ status: 'failed' });
      expect(found.map((task) => task.id)).toEqual(['tsk_new', 'tsk_old', 'tsk_undated']);
    });

    it('matches a title fragment in any case, and stops paging at the first page that matches', async () => {
      nock(API)
        .get('/tasks')
        .query({ limit: String(MAX_TASKS_PER_PAGE), offset: '0' })
        .reply(200, page(fullPage(0), 0, 1000));
      nock(API)
        .get('/tasks')
        .query({ limit: String(MAX_TASKS_PER_PAGE), offset: String(MAX_TASKS_PER_PAGE) })
        .reply(
          200,
          page(
            [
              ...fullPage(1).slice(2),
              listed('tsk_inv1', 'Chase INVOICE #4821', '2026-10-02T00:00:00Z'),
              listed('tsk_inv2', 'Invoice reminder', '2026-10-03T00:00:00Z'),
            ],
            MAX_TASKS_PER_PAGE,
            1000,
          ),
        );
      const found = await find({ title: '  invoice ' });
      expect(found.map((task) => task.title)).toEqual(['Invoice reminder', 'Chase INVOICE #4821']);
    });

    it(`reads at most ${MAX_LIST_REQUESTS} pages and then finds nothing`, async () => {
      const scopes = Array.from({ length: MAX_LIST_REQUESTS }, (_, n) =>
        nock(API)
          .get('/tasks')
          .query({ status: 'completed', limit: String(MAX_TASKS_PER_PAGE), offset: String(n * MAX_TASKS_PER_PAGE) })
          .reply(200, page(fullPage(n), n * MAX_TASKS_PER_PAGE, 100000)),
      );
      // A further page would be a request nock does not know, and fail the search.
      await expect(find({ status: 'completed', title: 'invoice' })).resolves.toEqual([]);
      expect(scopes.every((scope) => scope.isDone())).toBe(true);
    });

    it('stops when the list ends', async () => {
      nock(API)
        .get('/tasks')
        .query({ limit: String(MAX_TASKS_PER_PAGE), offset: '0' })
        .reply(200, page([listed('tsk_1', 'Weekly report', '2026-11-01T00:00:00Z')], 0, 1));
      await expect(find({ title: 'invoice' })).resolves.toEqual([]);
    });

    it('finds nothing in an empty account', async () => {
      nock(API)
        .get('/tasks')
        .query({ status: 'running', limit: String(MAX_TASKS_PER_PAGE), offset: '0' })
        .reply(200, page([], 0, 0));
      await expect(find({ status: 'running' })).resolves.toEqual([]);
    });
  });

  it.each([
    [
      'nothing to search by',
      {},
      'Fill in at least one of Task, Status or Title Contains, so that there is something to search for.',
    ],
    [
      'only blanks',
      { task_id: ' ', title: '' },
      'Fill in at least one of Task, Status or Title Contains, so that there is something to search for.',
    ],
    [
      'an unknown status',
      { status: 'done' },
      'Check the “Status” field: it must be one of queued, running, needs_input, completed, failed, cancelled.',
    ],
  ] as [string, Record<string, unknown>, string][])(
    'refuses %s before any request',
    async (_case, inputData, sentence) => {
      const failure = await failureOf(find(inputData));
      expect(failure.message).toBe(sentence);
    },
  );

  it.each([
    [401, { detail: 'Authentication required' }, /^CodeTether rejected the API key/],
    [
      422,
      { detail: [{ loc: ['query', 'status'], msg: 'value is not a valid enumeration member' }] },
      /^CodeTether did not accept the input: Status:/,
    ],
    [503, { detail: 'Database not available' }, /^CodeTether was not available while listing tasks \(HTTP 503/],
  ])('explains HTTP %i instead of finding nothing', async (status, answer, sentence) => {
    nock(API)
      .get('/tasks')
      .query(true)
      .reply(status, answer as never);
    const failure = await failureOf(find({ status: 'failed' }));
    expect(failure.message).toMatch(sentence);
  });

  it('has a sample that fits its output schema', () => {
    expect(findTask.operation.sample).toEqual(completedTaskSample);
    expect(TaskOutput.parse(findTask.operation.sample)).toEqual(completedTaskSample);
  });
});

describe('Find or Create Task', () => {
  it('pairs Find Task with Create Task: when the title matches nothing, Zapier creates the task', async () => {
    expect(App.searchOrCreates!.find_task).toMatchObject({
      display: { label: 'Find or Create Task' },
      search: 'find_task',
      create: 'create_task',
    });
    nock(API)
      .get('/tasks')
      .query({ limit: String(MAX_TASKS_PER_PAGE), offset: '0' })
      .reply(200, page([], 0, 0));
    await expect(find({ title: 'Summarise the Q3 sales call' })).resolves.toEqual([]);
  });
});
