import nock from 'nock';
import cancelTask from '../../creates/cancel_task';
import { taskFixture } from '../../dev/fixtures';
import { DEFAULT_TASKS_PER_PAGE } from '../../lib/api/contract';
import findTask from '../../searches/find_task';
import listRecentTasks from '../../triggers/list_recent_tasks';
import { API, dropdownChoices, failureOf, useNock } from '../support/app';

useNock();

// Zapier sends a number as the page; the tests also send what it should not.
const listed = (page?: unknown) =>
  dropdownChoices<{ id: string; title: string }>(listRecentTasks, page === undefined ? {} : { page });

const tasks = (...ids: string[]) => ({
  tasks: ids.map((id) => taskFixture({ task_id: id, title: `Task ${id}`, model: null })),
  total: 120,
  limit: DEFAULT_TASKS_PER_PAGE,
  offset: 0,
});

describe('the Task dropdown (list_recent_tasks)', () => {
  it('lists the newest tasks by title, one page per request', async () => {
    nock(API)
      .get('/tasks')
      .query({ limit: String(DEFAULT_TASKS_PER_PAGE), offset: '0' })
      .reply(200, tasks('tsk_b', 'tsk_a'));
    const choices = await listed();
    expect(choices.map(({ id, title }) => ({ id, title }))).toEqual([
      { id: 'tsk_b', title: 'Task tsk_b' },
      { id: 'tsk_a', title: 'Task tsk_a' },
    ]);
  });

  it('loads more: page 2 starts after the first two pages', async () => {
    nock(API)
      .get('/tasks')
      .query({ limit: String(DEFAULT_TASKS_PER_PAGE), offset: String(2 * DEFAULT_TASKS_PER_PAGE) })
      .reply(200, tasks('tsk_old'));
    await expect(listed(2)).resolves.toMatchObject([{ id: 'tsk_old' }]);
  });

  it.each([
    ['text', '2'],
    ['an object', { valueOf: 1, toString: 2 }],
    ['a negative number', -3],
    ['a fraction', 1.5],
  ])('reads the first page when Zapier’s page is %s', async (_, page) => {
    nock(API)
      .get('/tasks')
      .query({ limit: String(DEFAULT_TASKS_PER_PAGE), offset: '0' })
      .reply(200, tasks('tsk_b'));
    await expect(listed(page)).resolves.toMatchObject([{ id: 'tsk_b' }]);
  });

  it('lists one page at most, even from a server that ignores the limit', async () => {
    const ids = Array.from({ length: 3 * DEFAULT_TASKS_PER_PAGE }, (_, n) => `tsk_${n}`);
    nock(API)
      .get('/tasks')
      .query(true)
      .reply(200, tasks(...ids));
    await expect(listed()).resolves.toHaveLength(DEFAULT_TASKS_PER_PAGE);
  });

  it('explains a refused list', async () => {
    nock(API).get('/tasks').query(true).reply(401, { detail: 'Authentication required' });
    const failure = await failureOf(listed());
    expect(failure.message).toMatch(/^CodeTether rejected the API key/);
  });

  it('is hidden, can paginate, and fills the Task fields of Cancel Task and Find Task', () => {
    expect(listRecentTasks.display.hidden).toBe(true);
    expect(listRecentTasks.operation).toMatchObject({ canPaginate: true });
    const dynamicOf = (fields: unknown) =>
      (fields as { key: string; dynamic?: string }[]).find((field) => field.key === 'task_id')?.dynamic;
    expect(dynamicOf(findTask.operation.inputFields)).toBe('list_recent_tasks.id.title');
    expect(dynamicOf(cancelTask.operation.inputFields)).toBe('list_recent_tasks.id.title');
  });
});
