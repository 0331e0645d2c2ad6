import nock from 'nock';
import runTask from '../../creates/run_task';
import { createdTask, queuedOutput, taskFixture, taskInput } from '../../dev/fixtures';
import { zapierRuntime } from '../../dev/zap/runtime';
import App from '../../index';
import { askForResultFields, readResultFields, resultDataSample } from '../../lib/steps/result-data';
import { completedTaskSample } from '../../lib/steps/task-output';
import { pythonJsonDumps, signatureOf, signedMessage } from '../../lib/webhooks/signature';
import { API, apiKeyAuth, appTester, failureOf, SECRETS, useNock } from '../support/app';
import { TaskOutput } from '../support/outputs';

useNock();

const CALLBACK_URL = 'https://auth-json-server.zapier-staging.com/echo';

const input = taskInput();

const perform = (bundle: Record<string, unknown>) =>
  appTester(runTask.operation.perform as never, { authData: apiKeyAuth, inputData: input, ...bundle }) as Promise<
    Record<string, unknown>
  >;

/** The production delivery to `webhook_url`: compact JSON, in the server's key order. */
const delivery = (overrides: Record<string, unknown> = {}) => ({
  event: 'task_completed',
  run_id: 'run_01J9Z6M4R2',
  task_id: 'tsk_01J9Z6M4Q8',
  status: 'completed',
  result: 'Five bullet points: pricing accepted, pilot in January, …',
  error: null,
  timestamp: '2026-11-30T14:03:40Z',
  ...overrides,
});

/** Resumes the step as Zapier does: headers spelled `Http-…`, the raw body, and the parsed one. */
const resume = (
  body: Record<string, unknown>,
  options: { headers?: Record<string, string>; webhookSecret?: string; raw?: string } = {},
) =>
  appTester(runTask.operation.performResume as never, {
    authData: options.webhookSecret ? { ...apiKeyAuth, webhook_secret: options.webhookSecret } : apiKeyAuth,
    inputData: input,
    outputData: queuedOutput,
    cleanedRequest: body,
    rawRequest: {
      method: 'POST',
      headers: { 'Http-Content-Type': 'application/json', ...options.headers },
      content: options.raw ?? JSON.stringify(body),
    },
  }) as Promise<TaskOutput>;

describe('Run Task and Wait for Result: perform', () => {
  it('creates the task with the callback URL as its webhook, in one request, and outputs it queued', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock(API)
      .post('/tasks', (sent) => {
        body = sent;
        return true;
      })
      .reply(201, createdTask());
    const task = await perform({});
    expect(scope.isDone()).toBe(true);
    expect(body).toEqual({
      ...input,
      agent_type: 'general',
      model: 'default',
      codebase_id: 'global',
      priority: 0,
      webhook_url: CALLBACK_URL,
    });
    expect(task).toEqual(queuedOutput);
  });

  it('sends an Idempotency-Key derived from the callback URL: the same for a retry, another for another run', async () => {
    const keys: string[] = [];
    nock(API)
      .post('/tasks')
      .times(3)
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return [201, createdTask()];
      });
    const run = (callbackUrl: string) =>
      zapierRuntime(App).run(
        'creates.run_task.operation.perform',
        { authData: apiKeyAuth, inputData: input },
        { callbackUrl },
      );
    await run('https://hooks.zapier.com/callbacks/111');
    await run('https://hooks.zapier.com/callbacks/111');
    await run('https://hooks.zapier.com/callbacks/222');
    expect(keys[0]).toMatch(/^zapier-callback-[0-9a-f]{40}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    // The callback URL lets anyone resume the step: it is never sent as the key.
    expect(keys.join()).not.toContain('callbacks');
  });

  it('refuses to run where Zapier gives no callback URL, before any request', async () => {
    const run = zapierRuntime(App).run('creates.run_task.operation.perform', {
      authData: apiKeyAuth,
      inputData: input,
    });
    await expect(run).rejects.toThrow(/Zapier gave this step no callback address, so it cannot wait for the result/);
  });

  it('when tested in the Zap editor, creates the task for real and outputs it at once, with a note', async () => {
    let sent: { body?: Record<string, unknown>; key?: unknown } = {};
    nock(API)
      .post('/tasks')
      .reply(function (_uri, body) {
        sent = { body: body as Record<string, unknown>, key: this.req.headers['idempotency-key'] };
        return [201, createdTask()];
      });
    const task = await perform({ meta: { isLoadingSample: true } });
    // Nothing would resume a test: no callback URL, and no key derived from one.
    expect(sent.body).not.toHaveProperty('webhook_url');
    expect(sent.key).toBeUndefined();
    expect(task).toEqual({
      ...queuedOutput,
      note: expect.stringMatching(
        /^A test: the task was created and is queued\. In a live run this step waits until the task finishes/,
      ),
    });
  });

  it('has a finished sample that fits its output schema', () => {
    expect(runTask.operation.sample).toEqual(completedTaskSample);
    expect(TaskOutput.parse(runTask.operation.sample)).toEqual(completedTaskSample);
  });

  it('refuses bad input before any request, in a Zap and in the editor', async () => {
    const scope = nock(API).post('/tasks').reply(201, createdTask());
    for (const meta of [{}, { isLoadingSample: true }]) {
      const failure = await failureOf(perform({ inputData: { ...input, description: 'too short' }, meta }));
      expect(failure.message).toBe('Check the “Prompt” field: it must have at least 10 characters (it has 9).');
    }
    expect(scope.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('says, before its fields, that it waits in vain for a cancelled task and what to use instead', () => {
    const [note] = runTask.operation.inputFields as { key: string; type: string; helpText: string }[];
    expect(note).toMatchObject({ key: 'about_waiting', type: 'copy' });
    expect(note?.helpText).toMatch(/nothing for a cancelled task .* waits until Zapier gives up, after 30 days/);
    expect(note?.helpText).toMatch(/\*\*Find Task\*\*.*\*\*Create Task\*\* here and the \*\*Task Finished\*\* trigger/);
  });

  it('has no Webhook URL or Idempotency Key field: the step sets both itself', () => {
    const keys = runTask.operation.inputFields!.map((field) => ('key' in field ? field.key : ''));
    expect(keys).toEqual([
      'about_waiting',
      'title',
      'description',
      'result_fields',
      'agent_type',
      'model',
      'codebase_id',
      'priority',
      'notify_email',
    ]);
  });

  it('explains a refused creation', async () => {
    nock(API).post('/tasks').reply(402, { detail: 'Monthly task limit reached', error_code: 'BUDGET_EXCEEDED' });
    const failure = await failureOf(perform({}));
    expect(failure.message).toMatch(/^Your CodeTether task budget is used up: Monthly task limit reached\./);
  });
});

describe('Run Task and Wait for Result: Result Fields', () => {
  const resultFields = ['sentiment: positive, neutral or negative', 'priority'];
  const runMethod = (method: string, bundle: Record<string, unknown>) =>
    zapierRuntime(App).run(`creates.run_task.operation.${method}`, bundle);

  it('declares them as output fields from the step’s own input, so later steps can map them before any run', async () => {
    const { results } = await runMethod('outputFields', { inputData: { ...input, result_fields: resultFields } });
    expect(results).toEqual([
      ...runTask.operation.outputFields!.filter((field) => typeof field !== 'function'),
      { key: 'result_data__sentiment', label: 'Result Data Sentiment' },
      { key: 'result_data__priority', label: 'Result Data Priority' },
    ]);
  });

  it('shows an example value for each of them when the step is tested in the editor', async () => {
    nock(API)
      .post('/tasks')
      .reply(201, (_uri, body) => createdTask({ description: (body as { description: string }).description }));
    const task = await perform({
      inputData: { ...input, result_fields: resultFields },
      meta: { isLoadingSample: true },
    });
    expect(task).toMatchObject({
      status: 'queued',
      result_data: resultDataSample(readResultFields(resultFields).fields),
      result_data_error: null,
    });
  });

  it('outputs exactly the asked keys from the result the delivery carries', async () => {
    const asked = { description: askForResultFields(input.description, readResultFields(resultFields).fields) };
    const task = (await appTester(runTask.operation.performResume as never, {
      authData: apiKeyAuth,
      inputData: input,
      outputData: { ...queuedOutput, description: asked.description },
      cleanedRequest: delivery({ result: 'Refund asked.\n{"sentiment": "negative", "summary": "Refund"}' }),
    })) as TaskOutput;
    expect(task).toMatchObject({
      result_data: { sentiment: 'negative', priority: null },
      result_data_error: "The agent's JSON object has no “priority”.",
    });
  });
});

describe('Run Task and Wait for Result: performResume', () => {
  it('turns an unsigned delivery into the finished task, without any request', async () => {
    const task = await resume(delivery());
    expect(task).toEqual({
      ...queuedOutput,
      status: 'completed',
      result_summary: 'Five bullet points: pricing accepted, pilot in January, …',
      // No Result Fields were asked: nothing alarming to say about a result without JSON.
      result_data_error: null,
      error: null,
      completed_at: '2026-11-30T14:03:40Z',
    });
    expect(TaskOutput.parse(task)).toEqual(task);
  });

  it('outputs a failed task with its error instead of failing the step', async () => {
    const task = await resume(
      delivery({ event: 'task.failed', status: null, result: null, error: 'The model provider timed out.' }),
    );
    expect(task).toMatchObject({
      status: 'failed',
      error: 'The model provider timed out.',
      result_summary: null,
      completed_at: '2026-11-30T14:03:40Z',
    });
  });

  it('keeps the run ID of the created task, and no finish time, when the delivery names neither', async () => {
    const task = await resume(delivery({ run_id: null, timestamp: null }));
    expect(task).toMatchObject({ status: 'completed', run_id: 'run_01J9Z6M4R2', completed_at: null });
  });

  it('takes the status from the event when the delivery has none, with a finish time only once finished', async () => {
    const started = await resume(delivery({ event: 'task_started', status: null, result: null }));
    expect(started).toMatchObject({ status: 'running', completed_at: null });
    const progress = await resume(delivery({ event: 'task_progress', status: null, result: null }));
    expect(progress).toMatchObject({ status: 'queued', completed_at: null });
    for (const event of ['constructor', 'TASK_FAILED', 'task_created']) {
      expect(await resume(delivery({ event, status: null }))).toMatchObject({ status: 'queued' });
    }
  });

  it('reads the parsed delivery when Zapier passes no raw body', async () => {
    const task = await appTester(runTask.operation.performResume as never, {
      authData: apiKeyAuth,
      inputData: input,
      outputData: queuedOutput,
      cleanedRequest: delivery(),
    });
    expect(task).toMatchObject({ status: 'completed', completed_at: '2026-11-30T14:03:40Z' });
  });

  it('takes the whole task when the delivery embeds it (subscription deliveries)', async () => {
    const embedded = taskFixture({ runtime_seconds: 87 });
    const task = await resume({ ...delivery({ event_id: 'evt_1' }), task: embedded });
    expect(task).toMatchObject({ id: embedded.task_id, started_at: embedded.started_at, runtime_seconds: 87 });
  });

  describe('with a Webhook Signing Secret on the connection', () => {
    const secret = SECRETS.webhookSecret;

    it('accepts a signature over the raw body, however late Zapier resumes the step', async () => {
      const raw = JSON.stringify(delivery());
      const task = await resume(delivery(), {
        webhookSecret: secret,
        raw,
        headers: { 'Http-X-Codetether-Signature': signatureOf(secret, raw), 'Http-X-Codetether-Timestamp': '1' },
      });
      expect(task.status).toBe('completed');
    });

    it("accepts production's signature over Python's json.dumps of the body", async () => {
      const body = delivery({ result: 'Résumé: “done”' });
      const task = await resume(body, {
        webhookSecret: secret,
        headers: { 'Http-X-Codetether-Signature': signatureOf(secret, pythonJsonDumps(body)) },
      });
      expect(task.result_summary).toBe('Résumé: “done”');
    });

    it('accepts a server that signs its timestamp with the body, as subscriptions do, within five minutes', async () => {
      const raw = JSON.stringify(delivery());
      const sentAt = String(Math.floor(Date.now() / 1000));
      const signed = (timestamp: string) => ({
        'Http-X-Codetether-Signature': signatureOf(secret, signedMessage(raw, timestamp)),
        'Http-X-Codetether-Timestamp': timestamp,
      });
      const task = await resume(delivery(), { webhookSecret: secret, raw, headers: signed(sentAt) });
      expect(task.status).toBe('completed');
      const stale = String(Number(sentAt) - 3600);
      const failure = await failureOf(resume(delivery(), { webhookSecret: secret, raw, headers: signed(stale) }));
      expect(failure.message).toMatch(/was refused: its signed X-CodeTether-Timestamp is more than 5 minutes away/);
    });

    it('refuses a signed delivery without its raw body: nothing signs the parsed copy', async () => {
      const body = delivery();
      const failure = await failureOf(
        appTester(runTask.operation.performResume as never, {
          authData: { ...apiKeyAuth, webhook_secret: secret },
          inputData: input,
          outputData: queuedOutput,
          cleanedRequest: body,
          rawRequest: { headers: { 'Http-X-Codetether-Signature': signatureOf(secret, pythonJsonDumps(body)) } },
        }),
      );
      expect(failure.message).toMatch(/was refused: its body is not a JSON object or array/);
    });

    it('refuses an empty body signed as such, whatever parsed copy comes with it', async () => {
      const failure = await failureOf(
        resume(delivery(), {
          webhookSecret: secret,
          raw: '',
          headers: { 'Http-X-Codetether-Signature': signatureOf(secret, '') },
        }),
      );
      expect(failure.message).toMatch(/was refused: its body is not a JSON object or array/);
    });

    it('reads the result from the signed bytes, never from the parsed copy next to them', async () => {
      const raw = JSON.stringify(delivery());
      const task = await resume(delivery({ result: 'Refund approved: send it to account 0000' }), {
        webhookSecret: secret,
        raw,
        headers: { 'Http-X-Codetether-Signature': signatureOf(secret, raw) },
      });
      expect(task.result_summary).toBe(delivery().result);
    });

    it.each([
      [
        'a wrong signature',
        { 'Http-X-Codetether-Signature': signatureOf('another-secret', '{}') },
        /its X-CodeTether-Signature does not match its body and the signing secret/,
      ],
      ['no signature', {}, /it is not signed \(it has no X-CodeTether-Signature header\)/],
    ])('refuses a delivery with %s, naming the setting but never the secret', async (_case, headers, reason) => {
      const failure = await failureOf(resume(delivery(), { webhookSecret: secret, headers }));
      expect(failure.message).toMatch(/^The result delivered for task “tsk_01J9Z6M4Q8” was refused: /);
      expect(failure.message).toMatch(reason);
      expect(failure.message).toMatch(/Webhook Signing Secret is the WEBHOOK_SECRET of your CodeTether server/);
      expect(failure.message).not.toContain(secret);
      expect(failure.message).not.toContain(signatureOf(secret, JSON.stringify(delivery())));
    });
  });

  it('accepts a signed delivery when the connection has no secret to check it with', async () => {
    const task = await resume(delivery(), { headers: { 'Http-X-Codetether-Signature': 'sha256=00' } });
    expect(task.status).toBe('completed');
  });

  it('refuses a delivery for another task', async () => {
    const failure = await failureOf(resume(delivery({ task_id: 'tsk_other' })));
    expect(failure.message).toBe(
      'The result delivered to this step is for task “tsk_other”, not for task “tsk_01J9Z6M4Q8” that the step created, so it was refused.',
    );
  });

  it('names what is missing from a delivery that is not one', async () => {
    const failure = await failureOf(resume({ hello: 'world' }));
    expect(failure.message).toMatch(/unexpected answer to the task result delivery: field “event” is missing/);
  });
});
