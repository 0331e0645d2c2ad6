import nock from 'nock';
import cancelTask from '../../creates/cancel_task';
import findTask from '../../searches/find_task';
import listRecentTasks, { TASKS_PER_DROPDOWN_PAGE } from '../../triggers/list_recent_tasks';
import { API, dropdownChoices, failureOf, taskFixture, useNock } from '../support/app';

useNock();

const listed = (page?: number) =>
  dropdownChoices<{ id: string; title: string }>(listRecentTasks, page === undefined ? {} : { page });

const tasks = (...ids: string[]) => ({
  tasks: ids.map((id) => taskFixture({ task_id: id, title: `Task ${id}`, model: null })),
  total: 120,
  limit: TASKS_PER_DROPDOWN_PAGE,
  offset: 0,
});

describe('the Task dropdown (list_recent_tasks)', () => {
  it('lists the newest tasks by title, one page per request', async () => {
    nock(API)
      .get('/tasks')
      .query({ limit: String(TASKS_PER_DROPDOWN_PAGE), offset: '0' })
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
      .query({ limit: String(TASKS_PER_DROPDOWN_PAGE), offset: String(2 * TASKS_PER_DROPDOWN_PAGE) })
      .reply(200, tasks('tsk_old'));
    await expect(listed(2)).resolves.toMatchObject([{ id: 'tsk_old' }]);
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
