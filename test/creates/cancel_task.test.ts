import nock from 'nock';
import cancelTask from '../../creates/cancel_task';
import { taskFixture } from '../../dev/fixtures';
import { API, apiKeyAuth, appTester, failureOf, SECRETS, useNock } from '../support/app';
import { CancelTaskOutput } from '../support/outputs';

useNock();

const cancel = (taskId: unknown, authData: Record<string, string> = apiKeyAuth) =>
  appTester(cancelTask.operation.perform as never, { authData, inputData: { task_id: taskId } }) as Promise<
    Record<string, unknown>
  >;

const conflict = { detail: { error: 'conflict', message: 'Task cannot be cancelled in its current state' } };

describe('Cancel Task', () => {
  it('cancels with one DELETE and outputs the cancelled task', async () => {
    const scope = nock(API)
      .delete('/tasks/tsk_01J9Z6M4Q8')
      .reply(200, { task_id: 'tsk_01J9Z6M4Q8', status: 'cancelled', message: 'Task cancelled successfully' });
    const output = await cancel(' tsk_01J9Z6M4Q8 ');
    expect(scope.isDone()).toBe(true);
    expect(output).toEqual({
      id: 'tsk_01J9Z6M4Q8',
      task_id: 'tsk_01J9Z6M4Q8',
      status: 'cancelled',
      message: 'Task cancelled successfully',
    });
    expect(CancelTaskOutput.parse(output)).toEqual(output);
  });

  it('outputs no message when CodeTether gives none', async () => {
    nock(API).delete('/tasks/tsk_01J9Z6M4Q8').reply(200, { task_id: 'tsk_01J9Z6M4Q8', status: 'cancelled' });
    const output = await cancel('tsk_01J9Z6M4Q8');
    expect(output).toEqual({ id: 'tsk_01J9Z6M4Q8', task_id: 'tsk_01J9Z6M4Q8', status: 'cancelled', message: null });
    expect(CancelTaskOutput.parse(output)).toEqual(output);
  });

  it('fails with a sentence, and does not halt, when the answer is not a cancellation', async () => {
    nock(API).delete('/tasks/tsk_01J9Z6M4Q8').reply(200, { task_id: 'tsk_01J9Z6M4Q8', status: 'running' });
    const failure = await failureOf(cancel('tsk_01J9Z6M4Q8'));
    expect(failure.name).not.toBe('HaltedError');
    expect(failure.message).toBe(
      'CodeTether sent an unexpected answer to cancelling the task: field “status” should be "cancelled". If this keeps happening, contact CodeTether support.',
    );
  });

  it('stops the Zap without an error when the task already finished, and says its status', async () => {
    nock(API).delete('/tasks/tsk_done').reply(409, conflict);
    nock(API)
      .get('/tasks/tsk_done')
      .reply(200, taskFixture({ task_id: 'tsk_done', status: 'completed' }));
    const failure = await failureOf(cancel('tsk_done'));
    expect(failure.name).toBe('HaltedError');
    expect(failure.message).toBe(
      'Task “Summarise the Q3 sales call” (tsk_done) was not cancelled: it has already finished with status “completed”.',
    );
  });

  it('says which status stopped it when the task waits for input', async () => {
    nock(API).delete('/tasks/tsk_wait').reply(409, conflict);
    nock(API)
      .get('/tasks/tsk_wait')
      .reply(200, taskFixture({ task_id: 'tsk_wait', status: 'needs_input', completed_at: null }));
    const failure = await failureOf(cancel('tsk_wait'));
    expect(failure.name).toBe('HaltedError');
    expect(failure.message).toMatch(
      /its status is “needs_input”, and only queued or running tasks can be cancelled\.$/,
    );
  });

  it("gives CodeTether's own reason when the task cannot be read after a 409", async () => {
    nock(API).delete('/tasks/tsk_gone').reply(409, conflict);
    nock(API).get('/tasks/tsk_gone').reply(503, { detail: 'Database not available' });
    const failure = await failureOf(cancel('tsk_gone'));
    expect(failure.name).toBe('HaltedError');
    expect(failure.message).toBe(
      'CodeTether refused because of the current state (HTTP 409 Conflict): Task cannot be cancelled in its current state.',
    );
  });

  it('says there is no such task on 404', async () => {
    nock(API)
      .delete('/tasks/tsk_missing')
      .reply(404, { detail: { error: 'not_found', message: 'Task not found' } });
    const failure = await failureOf(cancel('tsk_missing'));
    expect(failure.name).not.toBe('HaltedError');
    expect(failure.message).toBe(
      'CodeTether has no task with the ID “tsk_missing”. Pick the task from the list, or map the Task ID of an earlier step.',
    );
  });

  it('keeps an ID full of /, ? and .. inside /tasks/', async () => {
    const scope = nock(API)
      .delete('/tasks/..%2F..%2Fme%3Fx%3D1%23top')
      .reply(404, { detail: { error: 'not_found', message: 'Task not found' } });
    const failure = await failureOf(cancel('../../me?x=1#top'));
    expect(scope.isDone()).toBe(true);
    expect(failure.message).toMatch(/^CodeTether has no task with the ID “\.\.\/\.\.\/me\?x=1#top”\./);
  });

  it.each(['..', '.', '%2e%2E'])(
    'sends no request for the ID “%s”, which could only name a parent path',
    async (id) => {
      const failure = await failureOf(cancel(id));
      expect(failure.message).toBe('Check the “Task” field: it is not a valid ID.');
    },
  );

  it('names the Task field, before any request, for an ID with half a character in it', async () => {
    const failure = await failureOf(cancel('tsk_\ud800'));
    expect(failure.message).toBe(
      'Check the “Task” field: it contains a broken character (half of an emoji or symbol). Map or type the value again.',
    );
  });

  it('names the Task field, before any request, for a value far longer than any ID (a mapped email body)', async () => {
    const failure = await failureOf(cancel('x'.repeat(5000)));
    expect(failure.message).toBe('Check the “Task” field: it must have at most 200 characters (it has 5000).');
  });

  it('asks for the task before any request when none is given', async () => {
    const failure = await failureOf(cancel('  '));
    expect(failure.message).toBe('Check the “Task” field: it is required.');
  });

  it.each([
    [401, { detail: 'Authentication required' }, /^CodeTether rejected the API key/],
    [
      500,
      'Internal Server Error',
      /^CodeTether had a problem while cancelling the task \(HTTP 500 Internal Server Error\)\. Try again/,
    ],
  ])('explains HTTP %i', async (status, answer, sentence) => {
    nock(API)
      .delete('/tasks/tsk_1')
      .reply(status, answer as never);
    const failure = await failureOf(cancel('tsk_1', { ...apiKeyAuth, webhook_secret: SECRETS.webhookSecret }));
    expect(failure.message).toMatch(sentence);
    for (const secret of Object.values(SECRETS)) expect(failure.message).not.toContain(secret);
  });

  it('asks Zapier to retry later on 429', async () => {
    nock(API)
      .delete('/tasks/tsk_1')
      .reply(429, { detail: { error: 'rate_limit_exceeded', message: 'Too many requests' } }, { 'Retry-After': '30' });
    const failure = await failureOf(cancel('tsk_1'));
    expect(failure.name).toBe('ThrottledError');
  });

  it('offers recent tasks in its Task dropdown, and a Find Task step', () => {
    expect(cancelTask.operation.inputFields![0]).toMatchObject({
      key: 'task_id',
      required: true,
      dynamic: 'list_recent_tasks.id.title',
      search: 'find_task.id',
    });
  });

  it('has a sample that fits its output schema', () => {
    const { sample } = cancelTask.operation;
    expect(CancelTaskOutput.parse(sample)).toEqual(sample);
  });
});
