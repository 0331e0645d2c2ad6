import { taskInput } from '../../../dev/fixtures';
import { api, MODELS } from '../../../lib/api/contract';
import { askForResultFields, readResultFields, resultDataOf } from '../../../lib/steps/result-data';
import { type Answer, API_KEY, eventually, useEmulator } from './http';

const OTHER_KEY = 'ct_emulator_other_user_key';
const { call } = useEmulator({
  // Long enough running for a poll every 20 ms to see it.
  tasks: { startDelayMs: 30, runDelayMs: 150 },
  // Polling task states would soon use up production's 60 a minute; the limit has its own tests.
  rateLimit: { limit: 100_000 },
  users: [
    { id: 'usr_ada', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', apiKey: API_KEY },
    { id: 'usr_bob', email: 'bob@example.com', first_name: 'Bob', last_name: 'Byte', apiKey: OTHER_KEY },
  ],
});

const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('POST', '/v1/automation/tasks', { body, headers });
const fetchTask = (id: string) => call('GET', `/v1/automation/tasks/${id}`);
const settledTask = (id: string) =>
  eventually(async () => {
    const { body } = await fetchTask(id);
    return ['queued', 'running'].includes(body.status) ? undefined : api.Task.parse(body);
  });

describe('the emulated API root', () => {
  it('describes the API without authentication, with every model production accepts', async () => {
    const { status, body } = await call('GET', '/v1/automation', { token: null });
    expect(status).toBe(200);
    expect(body.models).toEqual([...MODELS]);
    expect(body.agent_types).toEqual(['build', 'plan', 'general', 'explore']);
  });

  it('answers the same on the trailing-slash path', async () => {
    expect((await call('GET', '/v1/automation/', { token: null })).status).toBe(200);
  });
});

describe('who is calling', () => {
  it('refuses a ct_ key at /me, as production does, and accepts it at /v1/users/me', async () => {
    const me = await call('GET', '/v1/automation/me');
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ detail: { error: 'unauthorized', message: 'Invalid or expired token' } });
    const user = await call('GET', '/v1/users/me');
    expect(user.status).toBe(200);
    expect(api.UserMe.parse(user.body)).toMatchObject({ id: 'usr_ada', first_name: 'Ada', last_name: 'Lovelace' });
  });

  it.each([
    ['no token', {}, 'Missing Authorization header'],
    ['another scheme', { headers: { Authorization: `Basic ${API_KEY}` } }, 'Invalid Authorization header format'],
    ['an unknown OAuth token', { token: 'oat_unknown' }, 'Invalid or expired token'],
  ])('answers 401 at /me in its own shape for %s', async (_case, options, message) => {
    const answer = await call('GET', '/v1/automation/me', { token: null, ...options });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ detail: { error: 'unauthorized', message } });
  });

  it.each([
    ['no token', null],
    ['an unknown key', 'ct_not_a_real_key'],
    ['an unknown OAuth token', 'oat_unknown'],
  ])('answers 401 with FastAPI’s body elsewhere for %s', async (_case, token) => {
    for (const path of ['/v1/automation/tasks', '/v1/users/me', '/v1/automation/webhooks']) {
      const answer = await call('GET', path, { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ detail: 'Authentication required' });
    }
  });
});

describe('a task’s life', () => {
  it('is created queued, then runs and completes on its own with its result', async () => {
    const created = await create(taskInput({ model: 'claude-sonnet' }));
    expect(created.status).toBe(201);
    expect(api.CreatedTask.parse(created.body)).toMatchObject({ status: 'queued', model: 'claude-sonnet' });

    const running = await eventually(async () => {
      const { body } = await fetchTask(created.body.task_id);
      return body.status === 'running' ? body : undefined;
    });
    expect(running.started_at).toEqual(expect.any(String));

    const done = await settledTask(created.body.task_id);
    expect(done).toMatchObject({ status: 'completed', error: null, model: 'claude-sonnet' });
    expect(done.result_summary).toContain('Summarise the Q3 sales call');
    expect(done.runtime_seconds).toBeGreaterThan(0);
  });

  it('gives the same result to the same task every time', async () => {
    const first = await create(taskInput({ title: 'Same input' }));
    const second = await create(taskInput({ title: 'Same input' }));
    const [a, b] = await Promise.all([settledTask(first.body.task_id), settledTask(second.body.task_id)]);
    expect(a.task_id).not.toBe(b.task_id);
    expect(a.result_summary).toBe(b.result_summary);
  });

  it('fails a task whose description carries the fail marker', async () => {
    const created = await create(taskInput({ description: 'Please do this and then [fail] on purpose.' }));
    const done = await settledTask(created.body.task_id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/\[fail\]/);
    expect(done.result_summary).toBeNull();
  });

  describe('ends its answer', () => {
    const asked = [
      { name: 'sentiment', holds: 'positive, neutral or negative' },
      { name: 'ticket_count' },
      { name: 'is_urgent' },
      { name: 'summary', holds: 'one sentence' },
    ];
    const answered = async (description: string) =>
      (await settledTask((await create(taskInput({ title: 'Classify the email', description }))).body.task_id))
        .result_summary ?? '';

    it('with the JSON object its Result Fields ask for, plausible values in every key', async () => {
      const result = await answered(askForResultFields('Classify this customer email.', asked));
      const { result_data, result_data_error } = resultDataOf(result, asked);
      expect(result).toMatch(/```json\n\{\n/);
      expect(result_data_error).toBeNull();
      expect(['positive', 'neutral', 'negative']).toContain(result_data?.sentiment);
      expect(result_data).toMatchObject({
        ticket_count: expect.any(Number),
        is_urgent: expect.any(Boolean),
        summary: 'one sentence for “Classify the email”',
      });
    });

    it.each([
      ['[prose]', null, 'The result holds no JSON object.'],
      ['[broken-json]', null, 'The ```json block at the end of the result is not a valid JSON object.'],
      ['[bare-json]', expect.objectContaining({ sentiment: expect.any(String), is_urgent: expect.any(Boolean) }), null],
    ])('as %s asks', async (marker, data, error) => {
      const result = await answered(askForResultFields(`Classify this customer email. ${marker}`, asked));
      const { result_data, result_data_error } = resultDataOf(result, asked);
      expect(result_data).toEqual(data);
      expect(result_data_error).toBe(error);
    });

    describe('with typed Result Fields', () => {
      const typed = readResultFields([
        'score (integer): urgency from 1 to 10',
        'amount (number)',
        'urgent (boolean)',
        'due (datetime)',
        'tags (list)',
        'sentiment (one of positive, neutral, negative)',
        'reply_draft',
      ]).fields;
      /** What the agent wrote in its ```json block, before the app reads it. */
      const fencedJsonOf = (result: string) => JSON.parse(/```json\n([\s\S]*)\n```/.exec(result)?.[1] ?? '');

      it('gives each a value of its type', async () => {
        const result = await answered(askForResultFields('Triage this customer email.', typed));
        expect(fencedJsonOf(result)).toEqual({
          score: expect.any(Number),
          amount: expect.any(Number),
          urgent: expect.any(Boolean),
          due: expect.stringMatching(/^2026-12-\d{2}T\d{2}:00:00\+00:00$/),
          tags: ['first tags', 'second tags'],
          sentiment: expect.stringMatching(/^(positive|neutral|negative)$/),
          reply_draft: 'reply draft for “Classify the email”',
        });
        expect(resultDataOf(result, typed).result_data_error).toBeNull();
      });

      it('gives each a value of the wrong type when the prompt carries [wrong-types]', async () => {
        const result = await answered(askForResultFields('Triage this customer email. [wrong-types]', typed));
        const { result_data, result_data_error } = resultDataOf(result, typed);
        expect(result_data).toEqual({
          score: null,
          amount: null,
          urgent: null,
          due: null,
          tags: null,
          sentiment: null,
          reply_draft: 'reply draft for “Classify the email”',
        });
        expect(result_data_error).toBe(
          "The agent's JSON object has values that do not fit: “score” is “seven” instead of a whole number; “amount” is “seven” instead of a number; “urgent” is “maybe” instead of true or false; “due” is “tomorrow-ish” instead of a date and time; and 2 more.",
        );
        expect(fencedJsonOf(result)).toMatchObject({
          urgent: 'maybe',
          due: 'tomorrow-ish',
          tags: { items: ['first tags', 'second tags'] },
          sentiment: 'none of positive, neutral, negative',
        });
      });
    });

    it('in prose when nothing is asked, and with fenced JSON on demand', async () => {
      expect(resultDataOf(await answered('Classify this customer email.')).result_data).toBeNull();
      const data = resultDataOf(await answered('Classify this customer email. [fenced-json]')).result_data;
      expect(data).toEqual({ title: 'Classify the email', words: 5, result: expect.stringMatching(/^[0-9a-f]{12}$/) });
    });
  });

  it('stops in needs_input when the description carries the input marker', async () => {
    const created = await create(taskInput({ description: 'Ask me first [needs-input] before anything.' }));
    const done = await settledTask(created.body.task_id);
    expect(done.status).toBe('needs_input');
    expect(done.completed_at).toBeNull();
  });
});

describe('a task’s created_at', () => {
  /** Python's isoformat() of datetime.utcnow(): naive, microseconds unless there are none. */
  const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;
  const micros = (timestamp: string) =>
    Date.parse(`${timestamp.slice(0, 19)}Z`) * 1000 + Number((timestamp.slice(20) || '0').padEnd(6, '0'));

  it('differs by route, a few milliseconds apart: the enqueue’s on create, the task row’s on a read, the run row’s in a list', async () => {
    const headers = { 'Idempotency-Key': 'three-clocks' };
    const created = await create(taskInput({ title: 'Three clocks' }), headers);
    const read = await fetchTask(created.body.task_id);
    const list = await call('GET', '/v1/automation/tasks?limit=100');
    const listed = api.TaskList.parse(list.body).tasks.find((task) => task.task_id === created.body.task_id);
    const [onCreate, onRead, inList] = [created.body.created_at, read.body.created_at, listed?.created_at];
    for (const timestamp of [onCreate, onRead, inList]) expect(timestamp).toMatch(NAIVE);
    // Production's order: the task row's INSERT, then the run row's, then the TaskRun the create answers with.
    const [taskRow, runRow, enqueued] = [onRead, inList, onCreate].map((timestamp) => micros(timestamp as string));
    expect(runRow).toBeGreaterThan(taskRow as number);
    expect(enqueued).toBeGreaterThan(runRow as number);
    expect((enqueued as number) - (taskRow as number)).toBeLessThan(10_000);
    // A replay answers the create's own.
    expect((await create(taskInput({ title: 'Three clocks' }), headers)).body.created_at).toBe(onCreate);
  });
});

describe('listing tasks', () => {
  it('lists newest first, without the model, filtered by status and paged', async () => {
    // Failed tasks stay failed, so a slow machine cannot move them out of the status between create and list.
    const ids: string[] = [];
    for (const title of ['List one', 'List two', 'List three']) {
      ids.push((await create(taskInput({ title, description: 'Fail this one on purpose [fail].' }))).body.task_id);
    }
    for (const id of ids) await settledTask(id);
    const page = await call('GET', '/v1/automation/tasks?limit=2&offset=0&status=failed');
    expect(page.status).toBe(200);
    const list = api.TaskList.parse(page.body);
    expect(list.tasks.map((item) => item.task_id)).toEqual([ids[2], ids[1]]);
    expect(list.tasks.every((item) => item.model === null)).toBe(true);
    expect(list).toMatchObject({ limit: 2, offset: 0 });
    expect(list.total).toBeGreaterThanOrEqual(3);
  });

  it('answers 422 with the query parameter’s location for a bad status or limit', async () => {
    const answer = await call('GET', '/v1/automation/tasks?status=done&limit=0');
    expect(answer.status).toBe(422);
    expect(answer.body.detail.map((issue: { loc: string[] }) => issue.loc)).toEqual([
      ['query', 'status'],
      ['query', 'limit'],
    ]);
  });
});

describe('another user’s tasks', () => {
  it('are not found, neither to read nor to cancel', async () => {
    const created = await create(taskInput());
    const asBob = { token: OTHER_KEY };
    expect((await call('GET', `/v1/automation/tasks/${created.body.task_id}`, asBob)).status).toBe(404);
    expect((await call('DELETE', `/v1/automation/tasks/${created.body.task_id}`, asBob)).status).toBe(404);
    const bobsList = await call('GET', '/v1/automation/tasks', asBob);
    expect(bobsList.body.total).toBe(0);
  });
});

describe('cancelling', () => {
  it('cancels a queued task, which then never runs', async () => {
    const created = await create(taskInput());
    const cancelled = await call('DELETE', `/v1/automation/tasks/${created.body.task_id}`);
    expect(cancelled.status).toBe(200);
    expect(api.CancelledTask.parse(cancelled.body)).toMatchObject({
      task_id: created.body.task_id,
      status: 'cancelled',
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await fetchTask(created.body.task_id)).body.status).toBe('cancelled');
  });

  it('answers 409 with the conflict body for a finished task', async () => {
    const created = await create(taskInput());
    await settledTask(created.body.task_id);
    const answer = await call('DELETE', `/v1/automation/tasks/${created.body.task_id}`);
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      detail: { error: 'conflict', message: 'Task is already completed and cannot be cancelled' },
    });
  });

  it('answers 404 with the not_found body for an unknown task', async () => {
    const answer = await call('DELETE', '/v1/automation/tasks/tsk_missing');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ detail: { error: 'not_found', message: 'Task not found' } });
  });
});

describe('idempotency', () => {
  it('replays a repeated key with 200, the original body and "_idempotent_replay": "true"', async () => {
    const headers = { 'Idempotency-Key': 'replay-once' };
    const first = await create(taskInput({ title: 'Once' }), headers);
    const again = await create(taskInput({ title: 'Once' }), headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, _idempotent_replay: 'true' });
    expect(first.body).not.toHaveProperty('_idempotent_replay');
  });

  it('creates exactly one task for 50 simultaneous creates with one key', async () => {
    const headers = { 'Idempotency-Key': 'fifty-at-once' };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => create(taskInput({ title: 'Fifty at once' }), headers)),
    );
    const statuses = answers.map((answer: Answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    expect(new Set(answers.map((answer) => answer.body.task_id)).size).toBe(1);
  });

  it('keeps keys apart between users', async () => {
    const headers = { 'Idempotency-Key': 'shared-key' };
    const ada = await create(taskInput(), headers);
    const bob = await call('POST', '/v1/automation/tasks', { token: OTHER_KEY, body: taskInput(), headers });
    expect([ada.status, bob.status]).toEqual([201, 201]);
    expect(bob.body.task_id).not.toBe(ada.body.task_id);
  });
});

describe('bad requests', () => {
  const detail = (answer: Answer) => {
    expect(answer.status).toBe(422);
    return api.ErrorBody.parse(answer.body).detail;
  };

  it('lists every invalid field the way FastAPI with pydantic v2 does: type, loc, msg, input and ctx', async () => {
    const answer = await create({ title: '', description: 'short', agent_type: 'robot', priority: 101 });
    expect(detail(answer)).toEqual([
      {
        type: 'string_too_short',
        loc: ['body', 'title'],
        msg: 'String should have at least 1 character',
        input: '',
        ctx: { min_length: 1 },
      },
      {
        type: 'string_too_short',
        loc: ['body', 'description'],
        msg: 'String should have at least 10 characters',
        input: 'short',
        ctx: { min_length: 10 },
      },
      {
        type: 'enum',
        loc: ['body', 'agent_type'],
        msg: "Input should be 'build', 'plan', 'general' or 'explore'",
        input: 'robot',
        ctx: { expected: "'build', 'plan', 'general' or 'explore'" },
      },
      {
        type: 'less_than_equal',
        loc: ['body', 'priority'],
        msg: 'Input should be less than or equal to 100',
        input: 101,
        ctx: { le: 100 },
      },
    ]);
  });

  it('words limits at the other end the same way', async () => {
    const answer = await create(taskInput({ title: 't'.repeat(201), priority: -1 }));
    expect(detail(answer)).toEqual([
      {
        type: 'string_too_long',
        loc: ['body', 'title'],
        msg: 'String should have at most 200 characters',
        input: 't'.repeat(201),
        ctx: { max_length: 200 },
      },
      {
        type: 'greater_than_equal',
        loc: ['body', 'priority'],
        msg: 'Input should be greater than or equal to 0',
        input: -1,
        ctx: { ge: 0 },
      },
    ]);
  });

  it('names every model the server accepts when the model is unknown', async () => {
    const expected = `${MODELS.slice(0, -1)
      .map((model) => `'${model}'`)
      .join(', ')} or 'grok-3'`;
    const [error] = detail(await create(taskInput({ model: 'gpt-99' }))) as object[];
    expect(error).toEqual({
      type: 'enum',
      loc: ['body', 'model'],
      msg: `Input should be ${expected}`,
      input: 'gpt-99',
      ctx: { expected },
    });
    expect(expected).toMatch(/^'default', 'claude-sonnet', .* or 'grok-3'$/);
  });

  it.each([
    ['a number for a string', { title: 42 }, 'title', 'string_type', 'Input should be a valid string'],
    [
      'a word for an integer',
      { priority: 'high' },
      'priority',
      'int_parsing',
      'Input should be a valid integer, unable to parse string as an integer',
    ],
    [
      'a fraction for an integer',
      { priority: 1.5 },
      'priority',
      'int_from_float',
      'Input should be a valid integer, got a number with a fractional part',
    ],
    ['null for an integer', { priority: null }, 'priority', 'int_type', 'Input should be a valid integer'],
  ])('words %s the way pydantic does', async (_case, fields, field, type, msg) => {
    const input = Object.values(fields)[0];
    expect(detail(await create(taskInput(fields)))).toEqual([{ type, loc: ['body', field], msg, input }]);
  });

  it('says a required field is missing, with the object it is missing from as input', async () => {
    expect(detail(await create({ title: 'No prompt' }))).toEqual([
      { type: 'missing', loc: ['body', 'description'], msg: 'Field required', input: { title: 'No prompt' } },
    ]);
  });

  it.each([
    ['no body', '', { type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
    ['null', 'null', { type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
    [
      'an array',
      '[1]',
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: [1],
      },
    ],
  ])('refuses %s as the body', async (_case, rawBody, error) => {
    expect(detail(await call('POST', '/v1/automation/tasks', { rawBody }))).toEqual([error]);
  });

  it.each([
    [
      'a scheme other than http or https',
      'ftp://files.example.com/done',
      {
        type: 'url_scheme',
        msg: "URL scheme should be 'http' or 'https'",
        ctx: { expected_schemes: "'http' or 'https'" },
      },
    ],
    [
      'no scheme',
      'hooks.example.com/done',
      {
        type: 'url_parsing',
        msg: 'Input should be a valid URL, relative URL without a base',
        ctx: { error: 'relative URL without a base' },
      },
    ],
    [
      'no host',
      'https://',
      { type: 'url_parsing', msg: 'Input should be a valid URL, empty host', ctx: { error: 'empty host' } },
    ],
  ])('refuses a webhook_url with %s as pydantic’s HttpUrl does', async (_case, url, error) => {
    expect(detail(await create(taskInput({ webhook_url: url })))).toEqual([
      { ...error, loc: ['body', 'webhook_url'], input: url },
    ]);
  });

  it.each([
    ['ada.example.com', 'An email address must have an @-sign.'],
    ['@example.com', 'There must be something before the @-sign.'],
    ['ada@', 'There must be something after the @-sign.'],
    ['ada@example', 'The part after the @-sign is not valid. It should have a period.'],
    ['ada lovelace@example.com', 'The email address contains invalid characters before the @-sign: SPACE.'],
  ])('refuses notify_email %s with email-validator’s reason', async (email, reason) => {
    expect(detail(await create(taskInput({ notify_email: email })))).toEqual([
      {
        type: 'value_error',
        loc: ['body', 'notify_email'],
        msg: `value is not a valid email address: ${reason}`,
        input: email,
        ctx: { reason },
      },
    ]);
  });

  it('locates query errors in the query, with the text sent as input', async () => {
    const answer = await call('GET', '/v1/automation/tasks?status=done&limit=0&offset=next');
    expect(detail(answer)).toEqual([
      {
        type: 'enum',
        loc: ['query', 'status'],
        msg: "Input should be 'queued', 'running', 'needs_input', 'completed', 'failed' or 'cancelled'",
        input: 'done',
        ctx: { expected: "'queued', 'running', 'needs_input', 'completed', 'failed' or 'cancelled'" },
      },
      {
        type: 'greater_than_equal',
        loc: ['query', 'limit'],
        msg: 'Input should be greater than or equal to 1',
        input: '0',
        ctx: { ge: 1 },
      },
      {
        type: 'int_parsing',
        loc: ['query', 'offset'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: 'next',
      },
    ]);
  });

  it.each([
    ['{"title": "unterminated', 10, 'Unterminated string starting at'],
    ['{"title": "Q3", }', 16, 'Expecting property name enclosed in double quotes'],
    ['{"title" "Q3"}', 9, "Expecting ':' delimiter"],
    ['{"title": "Q3" "description": "x"}', 15, "Expecting ',' delimiter"],
    ['{"priority": [1,]}', 16, 'Expecting value'],
    ['{"title": "\\q"}', 11, 'Invalid \\escape'],
    ['{"title": "Q3"} {}', 16, 'Extra data'],
    ['{"title": "Ça va", "x": }', 24, 'Expecting value'],
  ])(
    'answers json_invalid to %s with Python’s reason and position, and keeps serving',
    async (rawBody, position, error) => {
      const answer = await call('POST', '/v1/automation/tasks', { rawBody });
      expect(detail(answer)).toEqual([
        { type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error } },
      ]);
      expect((await create(taskInput())).status).toBe(201);
    },
  );

  it('answers 413 to a body over the limit', async () => {
    const answer = await call('POST', '/v1/automation/tasks', { rawBody: `"${'x'.repeat(2 * 1024 * 1024)}"` });
    expect(answer.status).toBe(413);
    expect(answer.body.detail).toMatch(/larger than/);
  });

  it('answers 404 to an unknown path and 405 to a wrong method', async () => {
    const unknown = await call('GET', '/v1/tasks');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'Not Found' });
    const wrongMethod = await call('PUT', '/v1/automation/tasks');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
  });
});
