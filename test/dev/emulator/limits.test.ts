import { z } from 'zod';
import { DEFAULT_OPTIONS, DEMO_USER } from '../../../dev/emulator/config';
import { taskInput } from '../../../dev/fixtures';
import { api, MODELS } from '../../../lib/api/contract';
import { type Answer, useEmulator } from './http';

const RATE_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
const rateHeadersOf = (answer: Answer) => RATE_HEADERS.map((name) => answer.headers.get(name));

describe('the rate limit', () => {
  const OTHER_KEY = 'ct_emulator_other_user_key';
  const { call } = useEmulator({
    rateLimit: { limit: 3 },
    users: [DEMO_USER, { ...DEMO_USER, id: 'usr_bob', email: 'bob@example.com', apiKey: OTHER_KEY }],
  });

  it('reports the quota on each task route’s answers and answers 429 with Retry-After once it is used up', async () => {
    const created = await call('POST', '/v1/automation/tasks', { body: taskInput() });
    const answers = [
      created,
      await call('GET', '/v1/automation/tasks'),
      await call('GET', `/v1/automation/tasks/${created.body.task_id}`),
      await call('GET', '/v1/automation/tasks'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([201, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    // The window frees up when the first request leaves it: the same moment on every answer.
    const [reset] = rateHeadersOf(created).slice(2);
    expect(reset).toMatch(/^\d+$/);
    for (const answer of answers) expect(rateHeadersOf(answer)).toEqual(['3', expect.any(String), reset]);
    const refused = answers[3]!;
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused.body).toEqual({
      detail: { error: 'rate_limit_exceeded', message: 'Too many requests. Please retry later.' },
    });
  });

  it('counts each API key on its own', async () => {
    // The demo key was used up by the test above.
    expect((await call('GET', '/v1/automation/tasks')).status).toBe(429);
    const other = await call('GET', '/v1/automation/tasks', { token: OTHER_KEY });
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('leaves the other routes alone: they answer as usual once the task routes are refused', async () => {
    expect((await call('GET', '/v1/automation/tasks')).status).toBe(429);
    expect((await call('GET', '/v1/users/me')).status).toBe(200);
    expect((await call('GET', '/v1/automation/webhooks')).status).toBe(200);
    expect((await call('DELETE', '/v1/automation/tasks/tsk_missing')).status).toBe(404);
  });
});

describe('where the rate-limit headers come', () => {
  const { call, emulator } = useEmulator({ rateLimit: { limit: 10 } });

  it('only on the task routes’ successful answers; other routes, 401s and 422s count nothing', async () => {
    const created = await call('POST', '/v1/automation/tasks', { body: taskInput() });
    expect(rateHeadersOf(created)).toEqual(['10', '9', expect.stringMatching(/^\d+$/)]);
    const oauthToken = emulator().signInWithOAuth().access_token;
    const elsewhere = [
      await call('GET', '/v1/automation', { token: null }),
      await call('GET', '/v1/automation/me', { token: oauthToken }),
      await call('GET', '/v1/automation/me'),
      await call('GET', '/v1/users/me'),
      await call('GET', '/v1/agent/workspaces'),
      await call('POST', '/v1/automation/webhooks', {
        body: { url: 'https://hooks.example.com/x', events: ['task_failed'] },
      }),
      await call('GET', '/v1/automation/webhooks'),
      await call('DELETE', `/v1/automation/tasks/${created.body.task_id}`),
      await call('DELETE', '/v1/automation/tasks/tsk_missing'),
      await call('GET', '/v1/automation/tasks', { token: 'ct_not_a_real_key' }),
      await call('GET', '/v1/automation/tasks?limit=0'),
      await call('POST', '/v1/automation/tasks', { body: { title: 'No prompt' } }),
    ];
    expect(elsewhere.map((answer) => answer.status)).toEqual([
      200, 200, 401, 200, 200, 201, 200, 200, 404, 401, 422, 422,
    ]);
    for (const answer of elsewhere) expect(rateHeadersOf(answer)).toEqual([null, null, null]);

    // A task that is not there counts, as production checks the limit before looking, but says nothing.
    const missing = await call('GET', '/v1/automation/tasks/tsk_missing');
    expect(missing.status).toBe(404);
    expect(rateHeadersOf(missing)).toEqual([null, null, null]);
    expect((await call('GET', '/v1/automation/tasks')).headers.get('x-ratelimit-remaining')).toBe('7');
  });
});

describe('the task budget', () => {
  const { call } = useEmulator({ taskBudget: 2 });

  it('answers 402 BUDGET_EXCEEDED with an upgrade link once the month’s tasks are used', async () => {
    const statuses = [];
    for (let i = 0; i < 2; i++)
      statuses.push((await call('POST', '/v1/automation/tasks', { body: taskInput() })).status);
    const over = await call('POST', '/v1/automation/tasks', { body: taskInput() });
    expect(statuses).toEqual([201, 201]);
    expect(over.status).toBe(402);
    expect(over.headers.get('x-ratelimit-limit')).toBeNull();
    expect(over.body).toEqual({
      detail: 'Monthly task limit reached: 2 of 2 tasks used',
      error_code: 'BUDGET_EXCEEDED',
      upgrade_url: expect.stringMatching(/^https:\/\//),
    });
    const account = await call('GET', '/v1/users/me');
    expect(account.body).toMatchObject({ tasks_used_this_month: 2, tasks_limit: 2 });
  });
});

describe('server defects', () => {
  it('are all off by default', () => {
    expect(DEFAULT_OPTIONS).toMatchObject({ createFails: false, taskLimitAs500: false });
  });

  describe('a create on a fresh database (createFails)', () => {
    const { call } = useEmulator({ createFails: true });

    it('answers 500 Internal Server Error as plain text, creates nothing, and leaves the other routes alone', async () => {
      const keys: Record<string, string>[] = [
        {},
        { 'Idempotency-Key': 'try-twice' },
        { 'Idempotency-Key': 'try-twice' },
      ];
      for (const headers of keys) {
        const answer = await call('POST', '/v1/automation/tasks', { body: taskInput(), headers });
        expect(answer.status).toBe(500);
        expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(answer.text).toBe('Internal Server Error');
        expect(answer.headers.get('x-ratelimit-limit')).toBeNull();
      }
      const list = await call('GET', '/v1/automation/tasks');
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(0);
      expect((await call('GET', '/v1/users/me')).body.tasks_used_this_month).toBe(0);
    });

    it('still validates first: a bad body gets its 422', async () => {
      expect((await call('POST', '/v1/automation/tasks', { body: { title: 'No prompt' } })).status).toBe(422);
    });
  });

  describe('the task limit as a bare 500 (taskLimitAs500)', () => {
    const { call } = useEmulator({ taskBudget: 1, taskLimitAs500: true });

    it('answers 500 Internal Server Error as plain text instead of 402 once the budget is used', async () => {
      expect((await call('POST', '/v1/automation/tasks', { body: taskInput() })).status).toBe(201);
      const over = await call('POST', '/v1/automation/tasks', { body: taskInput() });
      expect(over.status).toBe(500);
      expect(over.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(over.text).toBe('Internal Server Error');
      expect((await call('GET', '/v1/users/me')).body).toMatchObject({ tasks_used_this_month: 1, tasks_limit: 1 });
    });
  });
});

describe('the OpenAPI document', () => {
  const { call } = useEmulator();

  it('publishes the contract as OpenAPI 3.1 from the app’s own schemas', async () => {
    const { status, body } = await call('GET', '/openapi.json', { token: null });
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/automation/tasks',
        '/v1/automation/tasks/{task_id}',
        '/v1/automation/me',
        '/v1/users/me',
        '/v1/automation/webhooks',
        '/v1/automation/webhooks/{webhook_id}',
      ]),
    );
    const create = body.paths['/v1/automation/tasks'].post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(z.toJSONSchema(api.CreateTaskBody, { io: 'input' }).required);
    expect(schema.properties.model.enum).toEqual([...MODELS]);
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['200', '201', '401', '402', '422', '429', '500']),
    );
    expect(Object.keys(create.responses[500].content)).toEqual(['text/plain']);
  });
});
