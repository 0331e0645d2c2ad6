import nock from 'nock';
import { taskFixture } from '../../dev/fixtures';
import { zapierRuntime } from '../../dev/zap/runtime';
import App from '../../index';
import { API, apiKeyAuth, useClock, useNock } from '../support/app';
import { TaskOutput } from '../support/outputs';

useNock();
// Half an hour after the fixtures' tasks finished.
useClock('2026-11-30T14:30:00Z');

const taskList = (tasks: object[]) => ({ tasks, total: tasks.length, limit: 100, offset: 0 });
const finished = (taskId: string, status: string, completedAt: string) =>
  taskFixture({ task_id: taskId, status, completed_at: completedAt, model: null });

/** One poll, as Zapier runs it (with the platform's checks, such as unique ids). */
const poll = async (trigger: 'task_finished' | 'new_task', meta: object = {}) => {
  const method = `triggers.${trigger}.operation.perform`;
  const { results } = await zapierRuntime(App).run(method, { authData: apiKeyAuth, meta });
  return results as TaskOutput[];
};

describe('Task Finished (polling)', () => {
  const replyFinished = (completed: object[], failed: object[], limit = '100') => {
    nock(API).get('/tasks').query({ status: 'completed', limit, offset: '0' }).reply(200, taskList(completed));
    nock(API).get('/tasks').query({ status: 'failed', limit, offset: '0' }).reply(200, taskList(failed));
  };

  it('lists completed and failed tasks together, the newest finish first', async () => {
    replyFinished(
      [finished('tsk_a', 'completed', '2026-11-30T14:05:00Z'), finished('tsk_c', 'completed', '2026-11-30T13:00:00Z')],
      [finished('tsk_b', 'failed', '2026-11-30T14:01:00Z')],
    );
    const tasks = await poll('task_finished');
    expect(tasks.map((task) => [task.id, task.task_id, task.status])).toEqual([
      ['tsk_a-completed', 'tsk_a', 'completed'],
      ['tsk_b-failed', 'tsk_b', 'failed'],
      ['tsk_c-completed', 'tsk_c', 'completed'],
    ]);
    for (const task of tasks) expect(TaskOutput.parse(task)).toEqual(task);
  });

  it('orders a task that failed without a completion time by when it was created', async () => {
    replyFinished(
      [finished('tsk_done', 'completed', '2026-11-30T14:05:00Z')],
      [
        taskFixture({
          task_id: 'tsk_rejected',
          status: 'failed',
          created_at: '2026-11-30T14:10:00Z',
          started_at: null,
          completed_at: null,
          model: null,
        }),
      ],
    );
    const tasks = await poll('task_finished');
    expect(tasks.map((task) => [task.id, task.completed_at])).toEqual([
      ['tsk_rejected-failed', null],
      ['tsk_done-completed', '2026-11-30T14:05:00Z'],
    ]);
  });

  it('gives a finish the same id on every poll, and a new one when a failed task later completes', async () => {
    replyFinished([], [finished('tsk_retried', 'failed', '2026-11-30T14:01:00Z')]);
    const first = await poll('task_finished');
    replyFinished([], [finished('tsk_retried', 'failed', '2026-11-30T14:01:00Z')]);
    const again = await poll('task_finished');
    replyFinished([finished('tsk_retried', 'completed', '2026-11-30T14:20:00Z')], []);
    const later = await poll('task_finished');

    expect(again.map((task) => task.id)).toEqual(first.map((task) => task.id));
    expect(later[0]?.id).not.toBe(first[0]?.id);
    expect(later[0]).toMatchObject({ task_id: 'tsk_retried', status: 'completed' });
  });

  it('reads production’s naive timestamps as UTC and outputs each with an offset; one that is no date as null', async () => {
    replyFinished(
      [
        finished('tsk_naive', 'completed', '2026-11-30T14:05:00.123456'),
        taskFixture({ task_id: 'tsk_odd', created_at: 'not-a-date', completed_at: '2026-02-30T10:00:00', model: null }),
      ],
      [finished('tsk_offset', 'failed', '2026-11-30T15:01:00+01:00')],
    );
    const tasks = await poll('task_finished');
    expect(tasks.map((task) => [task.task_id, task.created_at, task.completed_at])).toEqual([
      ['tsk_naive', '2026-11-30T14:02:11Z', '2026-11-30T14:05:00.123456Z'],
      ['tsk_offset', '2026-11-30T14:02:11Z', '2026-11-30T15:01:00+01:00'],
      ['tsk_odd', null, null],
    ]);
    for (const task of tasks) expect(TaskOutput.parse(task)).toEqual(task);
  });

  it('outputs at most what it asked for, even from a server that ignores the limit', async () => {
    const many = (status: string) =>
      Array.from({ length: 7 }, (_, n) => finished(`tsk_${status}${n}`, status, `2026-11-30T14:0${n}:00Z`));
    replyFinished(many('completed'), many('failed'), '3');
    await expect(poll('task_finished', { isLoadingSample: true })).resolves.toHaveLength(3);
  });

  it('asks for only a few tasks when Zapier loads a sample', async () => {
    replyFinished(
      [1, 2, 3].map((n) => finished(`tsk_c${n}`, 'completed', `2026-11-30T14:0${n}:00Z`)),
      [1, 2, 3].map((n) => finished(`tsk_f${n}`, 'failed', `2026-11-30T13:0${n}:00Z`)),
      '3',
    );
    const tasks = await poll('task_finished', { isLoadingSample: true });
    expect(tasks.map((task) => task.id)).toEqual(['tsk_c3-completed', 'tsk_c2-completed', 'tsk_c1-completed']);
  });
});

describe('New Task (polling)', () => {
  it('lists tasks newest first, one id per task, so each new task triggers once', async () => {
    nock(API)
      .get('/tasks')
      .query({ limit: '100' })
      .reply(
        200,
        taskList([
          taskFixture({ task_id: 'tsk_new', status: 'queued', started_at: null, completed_at: null, model: null }),
          taskFixture({ task_id: 'tsk_old', model: null }),
        ]),
      );
    const tasks = await poll('new_task');
    expect(tasks.map((task) => [task.id, task.status])).toEqual([
      ['tsk_new', 'queued'],
      ['tsk_old', 'completed'],
    ]);
    for (const task of tasks) expect(TaskOutput.parse(task)).toEqual(task);
  });

  it('outputs at most what it asked for, even from a server that ignores the limit', async () => {
    const tasks = Array.from({ length: 250 }, (_, n) => taskFixture({ task_id: `tsk_${n}`, model: null }));
    nock(API).get('/tasks').query({ limit: '100' }).reply(200, taskList(tasks));
    await expect(poll('new_task')).resolves.toHaveLength(100);
  });

  it('asks for only a few tasks when Zapier loads a sample', async () => {
    nock(API)
      .get('/tasks')
      .query({ limit: '3' })
      .reply(200, taskList([taskFixture({ model: null })]));
    await expect(poll('new_task', { isLoadingSample: true })).resolves.toHaveLength(1);
  });
});
