import { z } from 'zod';
import { DEMO_USER } from '../../../dev/emulator/config';
import { taskInput } from '../../../dev/fixtures';
import { CreateTaskBody, MODELS } from '../../../lib/api/contract';
import { useEmulator } from './http';

describe('the rate limit', () => {
  const OTHER_KEY = 'ct_emulator_other_user_key';
  const { call } = useEmulator({
    rateLimit: { limit: 3 },
    users: [DEMO_USER, { ...DEMO_USER, id: 'usr_bob', email: 'bob@example.com', apiKey: OTHER_KEY }],
  });

  it('reports the quota on every answer and answers 429 with Retry-After once it is used up', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call('GET', '/v1/automation/tasks'));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    for (const answer of answers) {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('3');
      expect(Number(answer.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
    const refused = answers[3]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toEqual({
      detail: { error: 'rate_limit_exceeded', message: expect.stringMatching(/^Rate limit exceeded: 3 requests/) },
    });
  });

  it('counts each API key on its own', async () => {
    // The demo key was used up by the test above.
    expect((await call('GET', '/v1/automation/tasks')).status).toBe(429);
    const other = await call('GET', '/v1/automation/tasks', { token: OTHER_KEY });
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe('2');
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
    expect(over.body).toEqual({
      detail: 'Monthly task limit reached: 2 of 2 tasks used',
      error_code: 'BUDGET_EXCEEDED',
      upgrade_url: expect.stringMatching(/^https:\/\//),
    });
    const account = await call('GET', '/v1/users/me');
    expect(account.body).toMatchObject({ tasks_used_this_month: 2, tasks_limit: 2 });
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
    expect(schema.required).toEqual(z.toJSONSchema(CreateTaskBody, { io: 'input' }).required);
    expect(schema.properties.model.enum).toEqual([...MODELS]);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['200', '201', '401', '402', '422', '429']));
  });
});
