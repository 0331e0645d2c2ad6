import nock from 'nock';
import createTask from '../../creates/create_task';
import { createdTask, queuedOutput, taskInput } from '../../dev/fixtures';
import { API, apiKeyAuth, appTester, failureOf, oauthAppTester, oauthAuth, SECRETS, useNock } from '../support/app';
import { CreatedTaskOutput } from '../support/outputs';

useNock();

const perform = (inputData: Record<string, unknown>, authData: Record<string, string> = apiKeyAuth) =>
  appTester(createTask.operation.perform as never, { authData, inputData }) as Promise<CreatedTaskOutput>;

const input = taskInput();

/** Registers a POST /tasks that must NOT be called, and proves it was not. */
const expectNoRequest = async (inputData: Record<string, unknown>) => {
  const scope = nock(API).post('/tasks').reply(201, createdTask());
  const failure = await failureOf(perform(inputData));
  expect(scope.isDone()).toBe(false);
  nock.cleanAll();
  return failure;
};

describe('Create Task', () => {
  it('creates the task in one request and outputs it flat, with the defaults filled in', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock(API, { badheaders: ['idempotency-key'] })
      .post('/tasks', (sent) => {
        body = sent;
        return true;
      })
      .reply(201, createdTask({ model: 'default' }));
    const task = await perform({ ...input, title: `  ${input.title}  `, model: '', notify_email: '', webhook_url: '' });
    expect(scope.isDone()).toBe(true);
    expect(body).toEqual({ ...input, agent_type: 'general', model: 'default', codebase_id: 'global', priority: 0 });
    expect(task).toEqual({ ...queuedOutput, model: 'default', idempotent_replay: false });
    expect(CreatedTaskOutput.parse(task)).toEqual(task);
  });

  it('sends every field the user filled in, a mapped number as a number, and the key as Idempotency-Key', async () => {
    const filled = {
      ...input,
      agent_type: 'build',
      model: 'claude-sonnet',
      codebase_id: 'cb_marketing_site',
      priority: '42',
      notify_email: 'ada@example.com',
      webhook_url: 'https://hooks.example.com/codetether',
      idempotency_key: 'gmail-msg-18c4f2a9d7e3b1c0',
    };
    let body: Record<string, unknown> = {};
    nock(API, { reqheaders: { 'idempotency-key': 'gmail-msg-18c4f2a9d7e3b1c0' } })
      .post('/tasks', (sent) => {
        body = sent;
        return true;
      })
      .reply(201, createdTask());
    const task = await perform(filled);
    const { idempotency_key: _, ...expectedBody } = filled;
    expect(body).toEqual({ ...expectedBody, priority: 42 });
    expect(task).toMatchObject({ model: 'claude-sonnet', idempotent_replay: false });
  });

  it('says so when the key replays an earlier task (200 and "_idempotent_replay": "true")', async () => {
    nock(API, { reqheaders: { 'idempotency-key': 'evt_42' } })
      .post('/tasks')
      .reply(200, createdTask({ status: 'running', _idempotent_replay: 'true' }));
    const task = await perform({ ...input, idempotency_key: 'evt_42' });
    expect(task).toMatchObject({ id: 'tsk_01J9Z6M4Q8', status: 'running', idempotent_replay: true });
  });

  it('sends a key that cannot go into a header as its stable SHA-256', async () => {
    const keys: string[] = [];
    nock(API)
      .post('/tasks')
      .times(2)
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return [201, createdTask()];
      });
    await perform({ ...input, idempotency_key: 'Réunion – ligne 1\nligne 2' });
    await perform({ ...input, idempotency_key: 'Réunion – ligne 1\nligne 2' });
    expect(keys[0]).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('sends a key that looks like a Zapier template as its hash, which z.request would otherwise refuse', async () => {
    let key = '';
    nock(API)
      .post('/tasks')
      .reply(function () {
        key = String(this.req.headers['idempotency-key']);
        return [201, createdTask()];
      });
    await perform({ ...input, idempotency_key: 'zap-{{bundle.meta.id}}' });
    expect(key).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it('sends template-like text in a prompt literally, never expanded into a secret', async () => {
    const prompt = 'Reply to {{bundle.authData.api_key}} and {{bundle.inputData.title}} literally.';
    let body: Record<string, unknown> = {};
    nock(API)
      .post('/tasks', (sent) => {
        body = sent;
        return true;
      })
      .reply(201, createdTask({ description: prompt }));
    await perform({ ...input, description: prompt });
    expect(body.description).toBe(prompt);
    expect(JSON.stringify(body)).not.toContain(SECRETS.apiKey);
  });

  it.each([
    [
      'a 5-character prompt',
      { description: 'Hi...' },
      'Check the “Prompt” field: it must have at least 10 characters (it has 5).',
    ],
    [
      'a prompt over 10,000 characters',
      { description: 'x'.repeat(10001) },
      'Check the “Prompt” field: it must have at most 10000 characters (it has 10001).',
    ],
    ['an empty title', { title: '' }, 'Check the “Title” field: it is required.'],
    [
      'a 201-character title',
      { title: 'x'.repeat(201) },
      'Check the “Title” field: it must have at most 200 characters (it has 201).',
    ],
    ['a number mapped into the title', { title: 4821 }, 'Check the “Title” field: it must be text.'],
    [
      'a list mapped into the model',
      { model: ['claude-sonnet', 'haiku'] },
      'Check the “Model” field: it must be text.',
    ],
    ['priority 101', { priority: 101 }, 'Check the “Priority” field: it must be 100 or less.'],
    ['priority -1', { priority: -1 }, 'Check the “Priority” field: it must be 0 or more.'],
    ['priority 3.5', { priority: '3.5' }, 'Check the “Priority” field: it must be a whole number.'],
    ['priority “high”', { priority: 'high' }, 'Check the “Priority” field: it must be a whole number.'],
    [
      'a malformed email',
      { notify_email: 'ada@' },
      'Check the “Notification Email” field: it must be an email address, such as ada@example.com.',
    ],
    [
      'an ftp webhook',
      { webhook_url: 'ftp://hooks.example.com/x' },
      'Check the “Webhook URL” field: it must be a web address that starts with https:// (or http://).',
    ],
    [
      'a webhook without scheme',
      { webhook_url: 'hooks.example.com' },
      'Check the “Webhook URL” field: it must be a web address that starts with https:// (or http://).',
    ],
    [
      'an unknown agent type',
      { agent_type: 'wizard' },
      'Check the “Agent Type” field: it must be one of build, plan, general, explore.',
    ],
  ])('refuses %s with a sentence that names the field, before any request', async (_case, wrong, sentence) => {
    const failure = await expectNoRequest({ ...input, ...wrong });
    expect(failure.message).toBe(sentence);
  });

  it('names every wrong field at once', async () => {
    const failure = await expectNoRequest({ title: '', description: 'short', priority: 500 });
    expect(failure.message).toBe(
      'Check the “Title” field: it is required. Check the “Prompt” field: it must have at least 10 characters (it has 5). Check the “Priority” field: it must be 100 or less.',
    );
  });

  describe('with Result Fields', () => {
    const resultFields = ['sentiment: positive, neutral or negative', 'priority'];
    const instruction =
      '\n\nEnd your answer with one JSON object, in a ```json code block, with exactly these keys:\n' +
      '- "sentiment": positive, neutral or negative\n- "priority"\nUse null for a value you cannot give.';

    it('asks the agent for them at the end of the prompt, and sends no field the API does not know', async () => {
      let body: Record<string, unknown> = {};
      nock(API)
        .post('/tasks', (sent) => {
          body = sent;
          return true;
        })
        .reply(201, createdTask({ description: `${input.description}${instruction}` }));
      const task = await perform({ ...input, result_fields: resultFields });
      expect(body.description).toBe(`${input.description}${instruction}`);
      expect(body).not.toHaveProperty('result_fields');
      expect(task).toMatchObject({ result_data: null, result_data_error: null });
    });

    it('names each wrong entry before any request', async () => {
      const failure = await expectNoRequest({ ...input, result_fields: ['sentiment', 'due date', 'Sentiment'] });
      expect(failure.message).toBe(
        'Check the “Result Fields” field: it has 2 wrong entries: “due date” (entry 2) has a name that is not only letters, digits and underscores; and “Sentiment” (entry 3) repeats the name of an earlier entry.',
      );
    });

    it('counts the instruction in the 10,000-character limit of the prompt, before any request', async () => {
      const description = 'x'.repeat(10_000 - instruction.length + 1);
      const failure = await expectNoRequest({ ...input, description, result_fields: resultFields });
      expect(failure.message).toBe(
        `Check the “Prompt” field: it must have at most 10000 characters with the Result Fields instruction the app adds to it (it has 10001 with it); shorten the prompt or ask for fewer result fields.`,
      );

      nock(API).post('/tasks').reply(201, createdTask());
      await perform({ ...input, description: description.slice(1), result_fields: resultFields });
    });
  });

  describe('explains every error answer of POST /tasks', () => {
    it.each([
      [
        401,
        { detail: 'Authentication required' },
        /^CodeTether rejected the API key: it may have been revoked or have expired, .* Create a key/,
      ],
      // 402, the budget used up: test/lib/api/http.test.ts checks its whole sentence, through this step.
      [
        422,
        {
          detail: [
            {
              type: 'enum',
              loc: ['body', 'model'],
              msg: "Input should be 'default', 'claude-sonnet' or 'grok-3'",
              input: 'gpt-9',
              ctx: { expected: "'default', 'claude-sonnet' or 'grok-3'" },
            },
          ],
        },
        /^CodeTether did not accept the input: Model: is not one of the values this CodeTether server accepts\.$/,
      ],
      [
        500,
        'TaskLimitExceeded: 25 concurrent tasks',
        /^CodeTether had a problem while creating the task \(HTTP 500 Internal Server Error\): TaskLimitExceeded: 25 concurrent tasks\. Try again/,
      ],
      [
        500,
        '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
        /^CodeTether had a problem while creating the task \(HTTP 500 Internal Server Error\): 502 Bad Gateway\./,
      ],
      [
        503,
        { detail: 'Database not available' },
        /^CodeTether was not available while creating the task \(HTTP 503 Service Unavailable\): Database not available\. The task may have been created all the same: before running the step again, look for it with a Find Task step/,
      ],
    ])('HTTP %i', async (status, answer, sentence) => {
      nock(API)
        .post('/tasks')
        .reply(status, answer as never);
      const failure = await failureOf(perform(input));
      expect(failure.message).toMatch(sentence);
      expect(failure.message).not.toMatch(/\[object Object\]|<html/);
    });

    it.each([502, 503, 504])(
      'HTTP %i with an Idempotency Key asks Zapier to try again later: the key makes a repeat safe',
      async (status) => {
        nock(API).post('/tasks').reply(status, '<h1>Bad gateway</h1>', { 'Retry-After': '120' });
        const failure = await failureOf(perform({ ...input, idempotency_key: 'evt_42' }));
        expect(failure.name).toBe('ThrottledError');
        expect(failure.delay).toBe(120);
        expect(failure.message).toMatch(
          /^CodeTether was not available while creating the task \(HTTP 50\d [A-Za-z ]+\)\. Zapier will try again in 120 seconds\.$/,
        );
      },
    );

    it('HTTP 429 asks Zapier to retry after Retry-After', async () => {
      nock(API)
        .post('/tasks')
        .reply(
          429,
          { detail: { error: 'rate_limit_exceeded', message: 'Too many requests' } },
          { 'Retry-After': '17' },
        );
      const failure = await failureOf(perform({ ...input, idempotency_key: 'evt_42' }));
      expect(failure.name).toBe('ThrottledError');
      expect(failure.message).toMatch(/try again in 17 seconds/);
    });

    it('an answer that is not a task names the missing field', async () => {
      nock(API).post('/tasks').reply(201, { status: 'queued' });
      const failure = await failureOf(perform(input));
      expect(failure.message).toMatch(/unexpected answer to creating the task: field “task_id” is missing/);
    });

    it('an OAuth connection is refreshed on 401', async () => {
      nock(API).post('/tasks').reply(401, { detail: 'Authentication required' });
      const failure = await failureOf(
        oauthAppTester(createTask.operation.perform as never, { authData: oauthAuth, inputData: input }),
      );
      expect(failure.name).toBe('RefreshAuthError');
    });

    it('a server that echoes the key shows no secret', async () => {
      nock(API)
        .post('/tasks')
        .reply(422, { detail: [{ loc: ['header', 'authorization'], msg: `bad token ${SECRETS.apiKey}` }] });
      const failure = await failureOf(perform(input, { ...apiKeyAuth, webhook_secret: SECRETS.webhookSecret }));
      expect(failure.message).toMatch(/did not accept the input/);
      expect(failure.message).not.toContain(SECRETS.apiKey);
    });
  });

  it('has a sample that fits its output schema', () => {
    expect(CreatedTaskOutput.parse(createTask.operation.sample)).toEqual(createTask.operation.sample);
  });
});
