import nock from 'nock';
import { createdTask, taskFixture, taskInput } from '../../dev/fixtures';
import App from '../../index';
import { API, SECRETS, useNock } from '../support/app';
import { leakedSecrets, runAsZapier } from '../support/zapier';

useNock();

const authData = { api_key: SECRETS.apiKey, webhook_secret: SECRETS.webhookSecret };

/** Runs one method as Zapier does: its output (or failure) and every log line. */
const run = async (method: string, bundle: Record<string, unknown>) => {
  const { results, failure, logs } = await runAsZapier(App, method, { authData, ...bundle });
  return { logs, output: failure ? failure.message : JSON.stringify(results) };
};

const expectNoSecret = (text: string) => expect(leakedSecrets(text)).toEqual([]);

const input = taskInput();
const created = createdTask();

describe('no secret in the logs, outputs or errors of the task steps', () => {
  it('Create Task, also when the server echoes the key', async () => {
    nock(API).post('/tasks').reply(201, created);
    nock(API)
      .post('/tasks')
      .reply(500, { detail: `quota for ${SECRETS.apiKey} (secret ${SECRETS.webhookSecret})` });
    const ok = await run('creates.create_task.operation.perform', { inputData: input });
    const failed = await run('creates.create_task.operation.perform', { inputData: input });
    expect(ok.logs).toContain('/v1/automation/tasks');
    // The request is logged with its Authorization header, scrubbed.
    expect(ok.logs).toMatch(/Authorization: :censored:/);
    expect(failed.output).toMatch(/CodeTether had a problem/);
    for (const text of [ok.logs, ok.output, failed.logs, failed.output]) expectNoSecret(text);
  });

  it('Run Task and Wait for Result, also when a delivery is refused for its signature', async () => {
    nock(API).post('/tasks').reply(201, created);
    const started = await run('creates.run_task.operation.perform', { inputData: input });
    const body = { event: 'task_completed', task_id: created.task_id, status: 'completed', result: 'Done' };
    const refused = await run('creates.run_task.operation.performResume', {
      inputData: input,
      outputData: JSON.parse(started.output),
      cleanedRequest: body,
      rawRequest: { content: JSON.stringify(body), headers: { 'Http-X-Codetether-Signature': 'sha256=0000' } },
    });
    expect(refused.output).toMatch(/was refused: its X-CodeTether-Signature does not match/);
    for (const text of [started.logs, started.output, refused.logs, refused.output]) expectNoSecret(text);
  });

  it('Cancel Task, Find Task and the dropdowns', async () => {
    nock(API).delete('/tasks/tsk_1').reply(200, { task_id: 'tsk_1', status: 'cancelled', message: 'ok' });
    nock(API).get('/tasks/tsk_1').reply(200, taskFixture());
    nock(API)
      .get('/')
      .reply(200, { name: 'CodeTether', version: '1', models: ['default'] });
    nock(API)
      .get('/tasks')
      .query(true)
      .reply(200, { tasks: [taskFixture()], total: 1, limit: 50, offset: 0 });
    const runs = [
      await run('creates.cancel_task.operation.perform', { inputData: { task_id: 'tsk_1' } }),
      await run('searches.find_task.operation.perform', { inputData: { task_id: 'tsk_1' } }),
      await run('triggers.list_models.operation.perform', {}),
      await run('triggers.list_recent_tasks.operation.perform', { meta: { page: 0 } }),
    ];
    for (const { logs, output } of runs) {
      expect(logs).toMatch(/api\.codetether\.io/);
      expectNoSecret(logs);
      expectNoSecret(output);
    }
  });
});
