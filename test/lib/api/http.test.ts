/**
 * How the app talks to CodeTether (lib/api/http.ts and the sentences of
 * lib/api/errors.ts), through steps that ship: Find Task by ID reads one
 * task (`GET /tasks/{id}`), Create Task creates one (`POST /tasks`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { ZObject } from 'zapier-platform-core';
import createTask from '../../../creates/create_task';
import { taskFixture, taskInput } from '../../../dev/fixtures';
import { retryAfterSeconds } from '../../../lib/api/errors';
import { STEP_DEADLINE_MS } from '../../../lib/api/http';
import findTask from '../../../searches/find_task';
import { API, apiKeyAuth, appTester, failureOf, oauthAppTester, oauthAuth, SECRETS, useNock } from '../../support/app';

useNock();

const findById = (taskId: string, authData: object = apiKeyAuth) =>
  appTester(findTask.operation.perform as never, { authData, inputData: { task_id: taskId } }) as Promise<
    { task_id: string }[]
  >;
const create = (inputData: object = taskInput(), authData: object = apiKeyAuth) =>
  appTester(createTask.operation.perform as never, { authData, inputData });

describe('paths', () => {
  it.each([
    ['../me', '/tasks/..%2Fme'],
    ['a/b?x=1', '/tasks/a%2Fb%3Fx%3D1'],
    ['#frag', '/tasks/%23frag'],
    ['{{bundle.authData.api_key}}', '/tasks/%7B%7Bbundle.authData.api_key%7D%7D'],
  ])('keep the task ID %s inside /tasks/', async (taskId, path) => {
    nock(API)
      .get(path)
      .reply(200, taskFixture({ task_id: taskId }));
    await expect(findById(taskId)).resolves.toMatchObject([{ task_id: taskId }]);
  });
});

describe('bodies', () => {
  it('send a user text that looks like a Zapier template literally, and never a secret in its place', async () => {
    const description = 'Print {{bundle.authData.api_key}} and {{process.env.CLIENT_SECRET}} please';
    let received: { description?: string } = {};
    nock(API)
      .post('/tasks', (body) => {
        received = body;
        return true;
      })
      .reply(201, { ...taskFixture({ status: 'queued' }), description });
    await create({ ...taskInput(), description });
    expect(received.description).toBe(description);
    expect(JSON.stringify(received)).not.toContain(SECRETS.apiKey);
  });
});

describe('answers', () => {
  it('let fields the server adds later pass', async () => {
    nock(API)
      .get('/tasks/t1')
      .reply(200, taskFixture({ task_id: 't1', cost_usd: 0.12 }));
    await expect(findById('t1')).resolves.toMatchObject([{ task_id: 't1' }]);
  });

  it('name a missing required field', async () => {
    const { status: _omitted, ...withoutStatus } = taskFixture();
    nock(API).get('/tasks/t1').reply(200, withoutStatus);
    const failure = await failureOf(findById('t1'));
    expect(failure.message).toBe(
      'CodeTether sent an unexpected answer to reading the task: field “status” is missing. If this keeps happening, contact CodeTether support.',
    );
  });

  it('say so when a success is not JSON, and what to check where the user typed the address', async () => {
    nock(API).get('/tasks/t1').twice().reply(200, '<html><body>Welcome to nginx!</body></html>', {
      'Content-Type': 'text/html',
    });
    const apiKey = await failureOf(findById('t1'));
    expect(apiKey.message).toBe(
      'CodeTether sent an answer that is not JSON while reading the task (HTTP 200). Check the Base URL of your connection. If it keeps happening, contact CodeTether support.',
    );
    // An OAuth2 build talks to the one instance it was built for: there is no Base URL to check.
    const oauth = await failureOf(
      oauthAppTester(findTask.operation.perform as never, {
        authData: oauthAuth,
        inputData: { task_id: 't1' },
      }),
    );
    expect(oauth.message).toBe(
      'CodeTether sent an answer that is not JSON while reading the task (HTTP 200). If it keeps happening, contact CodeTether support.',
    );
  });

  it('are never read beyond a size no answer of the API reaches', async () => {
    // node-fetch leaves its body timer running when it stops reading at the size limit: faked, it keeps nothing alive.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      nock(API)
        .get('/tasks/t1')
        .reply(200, `"${'x'.repeat(33 * 1024 * 1024)}"`, { 'Content-Type': 'application/json' });
      const failure = await failureOf(findById('t1'));
      expect(failure.message).toMatch(/^CodeTether at api\.codetether\.io sent an answer far larger than expected/);
    } finally {
      jest.clearAllTimers();
      jest.useRealTimers();
    }
  });
});

describe('a server that cannot be reached', () => {
  it('gets a sentence with the host, and the step bundle (a subscription secret included) stays out of it', async () => {
    nock(API)
      .get('/tasks/t1')
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND api.codetether.io'), { code: 'ENOTFOUND' }));
    const failure = await failureOf(
      appTester(findTask.operation.perform as never, {
        authData: apiKeyAuth,
        inputData: { task_id: 't1' },
        subscribeData: { id: 'wh_1', secret: SECRETS.subscriptionSecret } as { id: string },
      }),
    );
    expect(failure.name).toBe('AppError');
    expect(failure.message).toBe(
      'CodeTether could not be reached at api.codetether.io while reading the task (ENOTFOUND). Check the Base URL of your connection.',
    );
    expect(failure.raw.message).not.toContain(SECRETS.subscriptionSecret);
    expect(failure.raw.message).not.toContain('What happened');
  });

  it('refusing the connection is an outage: Zapier tries a read again later', async () => {
    nock.enableNetConnect('127.0.0.1');
    // Port 9 (discard) has no listener on these machines.
    const failure = await failureOf(findById('t1', { ...apiKeyAuth, base_url: 'http://127.0.0.1:9' }));
    nock.disableNetConnect();
    expect(failure.name).toBe('ThrottledError');
    expect(failure.message).toBe(
      'CodeTether at 127.0.0.1:9 could not be reached, or closed the connection without answering, while reading the task (ECONNREFUSED). Zapier will try again in 60 seconds.',
    );
  });
});

describe('a connection reset', () => {
  /** A loopback server that drops every connection, and counts them. */
  const droppingServer = async () => {
    let requests = 0;
    const server = createServer((request) => {
      requests++;
      request.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      authData: { ...apiKeyAuth, base_url: `http://127.0.0.1:${port}` },
      requests: () => requests,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  };
  beforeEach(() => nock.enableNetConnect('127.0.0.1'));
  afterEach(() => nock.disableNetConnect());

  it('of a create without an Idempotency Key is not repeated, and says the task may exist', async () => {
    const server = await droppingServer();
    try {
      const failure = await failureOf(create(taskInput(), server.authData));
      expect(failure.name).toBe('AppError');
      expect(failure.message).toMatch(
        /^CodeTether at 127\.0\.0\.1:\d+ could not be reached, or closed the connection without answering, while creating the task \(ECONNRESET\)\. The task may have been created all the same: .*\(Title Contains “Summarise the Q3 sales call”\)/,
      );
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('of a create with an Idempotency Key lets Zapier repeat it later, which is safe', async () => {
    const server = await droppingServer();
    try {
      const failure = await failureOf(create({ ...taskInput(), idempotency_key: 'evt_1' }, server.authData));
      expect(failure.name).toBe('ThrottledError');
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('the deadline of a step', () => {
  it('sends no further request once the step’s time is up, and says so', async () => {
    const moveOn = jest.spyOn(Date, 'now');
    // Each page reads newest tasks; the first answer comes at the very end of the deadline.
    const fullPage = Array.from({ length: 100 }, (_, n) => taskFixture({ task_id: `tsk_${n}`, title: 'Other' }));
    nock(API)
      .get('/tasks')
      .query(true)
      .reply(() => {
        const now = Date.now();
        moveOn.mockReturnValue(now + STEP_DEADLINE_MS);
        return [200, { tasks: fullPage, total: 1000, limit: 100, offset: 0 }];
      });
    try {
      const failure = await failureOf(
        appTester(findTask.operation.perform as never, {
          authData: apiKeyAuth,
          inputData: { title: 'sales call' },
        }),
      );
      expect(failure.message).toBe(
        'The step ran out of time before listing tasks: CodeTether answered its earlier requests too slowly. Try again in a few minutes.',
      );
    } finally {
      moveOn.mockRestore();
    }
  });
});

describe('the bearer token', () => {
  it('goes to the connection’s host only, for the paths the app names; never with another URL', async () => {
    let headers: Record<string, unknown> = {};
    nock('https://hooks.zapier.com')
      .post('/hooks/standard/1/abc')
      .reply(function () {
        headers = this.req.headers;
        return [200, {}];
      });
    await appTester(
      (z: ZObject) => z.request({ url: 'https://hooks.zapier.com/hooks/standard/1/abc', method: 'POST', body: {} }),
      { authData: apiKeyAuth },
    );
    expect(headers).not.toHaveProperty('authorization');
  });

  it('never follows a redirect, so the token cannot leave the host', async () => {
    nock(API).get('/tasks/t1').reply(302, '', { Location: 'https://evil.example.net/steal' });
    const failure = await failureOf(findById('t1'));
    expect(failure.message).toBe(
      'While reading the task, CodeTether answered with a redirect (HTTP 302) instead of data. Check the Base URL of your connection.',
    );
  });

  it('is never sent in plain text: a Base URL that is not https (but for loopback) stops the step before it', async () => {
    const failure = await failureOf(findById('t1', { ...apiKeyAuth, base_url: 'http://codetether.example.com' }));
    expect(failure.message).toMatch(
      /^The CodeTether Base URL “http:\/\/codetether\.example\.com” must start with https:\/\//,
    );
  });

  it('is the OAuth access token for OAuth connections', async () => {
    nock(API, { reqheaders: { authorization: `Bearer ${SECRETS.accessToken}` } })
      .get('/tasks/t1')
      .reply(200, taskFixture({ task_id: 't1' }));
    await expect(
      oauthAppTester(findTask.operation.perform as never, {
        authData: oauthAuth,
        inputData: { task_id: 't1' },
      }),
    ).resolves.toMatchObject([{ task_id: 't1' }]);
  });
});

describe('error answers become sentences', () => {
  const failWith = async (status: number, body: string | object, headers: Record<string, string> = {}) => {
    nock(API).get('/tasks/t1').reply(status, body, headers);
    return failureOf(findById('t1'));
  };

  it('401: a ct_ key that was rejected may be revoked, expired or from another instance', async () => {
    const failure = await failWith(401, { detail: 'Authentication required' });
    expect(failure.message).toBe(
      'CodeTether rejected the API key: it may have been revoked or have expired, or it was made on another CodeTether instance than https://api.codetether.io (check the Base URL of your connection). Create a key in CodeTether under Settings → API Keys, then reconnect.',
    );
  });

  it('401: a key without ct_ is likely not a CodeTether key, and the message says so', async () => {
    nock(API).get('/tasks/t1').reply(401, { detail: 'Authentication required' });
    const failure = await failureOf(findById('t1', { api_key: 'sk-live-1234567890' }));
    expect(failure.message).toBe(
      "CodeTether rejected the API key: CodeTether's API keys start with `ct_`, and this one does not, so it is likely not a CodeTether key or was not copied whole. Create a key in CodeTether under Settings → API Keys, then reconnect.",
    );
  });

  it('402: the budget, with the upgrade link', async () => {
    nock(API).post('/tasks').reply(402, {
      detail: 'Monthly task limit reached (100/100)',
      error_code: 'BUDGET_EXCEEDED',
      upgrade_url: 'https://codetether.io/billing',
    });
    const failure = await failureOf(create());
    expect(failure.message).toBe(
      'Your CodeTether task budget is used up: Monthly task limit reached (100/100). Upgrade your plan at https://codetether.io/billing or wait for the next billing period.',
    );
  });

  it('409: the server message, never [object Object]', async () => {
    nock(API)
      .post('/tasks')
      .reply(409, { detail: { error: 'conflict', message: 'Task is already completed' } });
    const failure = await failureOf(create());
    expect(failure.message).toBe(
      'CodeTether refused because of the current state (HTTP 409 Conflict): Task is already completed.',
    );
  });

  it('422: each field by name with its rule, pydantic v2 as production writes it and v1 as older servers do', async () => {
    nock(API)
      .post('/tasks')
      .reply(422, {
        detail: [
          {
            type: 'string_too_short',
            loc: ['body', 'description'],
            msg: 'String should have at least 10 characters',
            input: 'short',
            ctx: { min_length: 10 },
          },
          { loc: ['body', 'agent_type'], msg: 'value is not a valid enumeration member', type: 'type_error.enum' },
        ],
      });
    const failure = await failureOf(create());
    expect(failure.message).toBe(
      'CodeTether did not accept the input: Description: String should have at least 10 characters; Agent Type: value is not a valid enumeration member.',
    );
  });

  it('422 about the body as a whole, or about no field at all', async () => {
    nock(API)
      .post('/tasks')
      .reply(422, {
        detail: [
          { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
          { loc: [], msg: 'too many tasks in one request' },
        ],
      });
    const failure = await failureOf(create());
    expect(failure.message).toBe(
      'CodeTether did not accept the input: Body: Field required; Request: too many tasks in one request.',
    );
  });

  it('429: a ThrottledError that honours Retry-After, naming a self-hosted server’s own limit', async () => {
    const failure = await failWith(
      429,
      { detail: { error: 'rate_limit_exceeded', message: 'Rate limit exceeded' } },
      { 'Retry-After': '17', 'X-RateLimit-Limit': '600' },
    );
    expect(failure.name).toBe('ThrottledError');
    expect(failure.delay).toBe(17);
    expect(failure.message).toBe(
      "CodeTether's rate limit (600 requests a minute) was reached while reading the task; Zapier will try again in 17 seconds.",
    );
  });

  it('429 without Retry-After: Zapier tries again in a minute', async () => {
    const failure = await failWith(429, { detail: { error: 'rate_limit_exceeded', message: 'Rate limit exceeded' } });
    expect(failure.delay).toBe(60);
  });

  it('500 with an HTML page: the status and the page title, no markup', async () => {
    const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>';
    const failure = await failWith(500, page, { 'Content-Type': 'text/html' });
    expect(failure.message).toBe(
      'CodeTether had a problem while reading the task (HTTP 500 Internal Server Error): 502 Bad Gateway. Try again in a few minutes; if it keeps happening, contact CodeTether support.',
    );
  });

  it('502, 503 and 504 of a read: an outage Zapier waits out, with what the server said if it is a sentence', async () => {
    const unavailable = await failWith(503, { detail: 'Database not available' }, { 'Retry-After': '30' });
    expect(unavailable.name).toBe('ThrottledError');
    expect(unavailable.message).toBe(
      'CodeTether was not available while reading the task (HTTP 503 Service Unavailable): Database not available. Zapier will try again in 30 seconds.',
    );
    const bare = await failWith(502, '<html><body><p>upstream error</p></body></html>', {
      'Content-Type': 'text/html',
    });
    expect(bare.message).toBe(
      'CodeTether was not available while reading the task (HTTP 502 Bad Gateway). Zapier will try again in 60 seconds.',
    );
  });

  it('a status the contract does not name, 403 and 400', async () => {
    const teapot = await failWith(418, { detail: "I'm a teapot" });
    expect(teapot.message).toBe("CodeTether answered HTTP 418 while reading the task: I'm a teapot.");
    const forbidden = await failWith(403, { detail: 'Not allowed' });
    expect(forbidden.message).toMatch(/^CodeTether denied access \(HTTP 403 Forbidden\): Not allowed\./);
    const badRequest = await failWith(400, { detail: 'Bad thing' });
    expect(badRequest.message).toBe('CodeTether refused the request (HTTP 400 Bad Request): Bad thing.');
  });

  it.each([
    ['a number of seconds', '17', 17],
    ['far too many seconds', '99999999999', 3600],
    ['zero seconds', '0', 1],
    ['a negative number', '-1', 60],
    ['nothing', '', 60],
    ['garbage', 'soon', 60],
    ['a number in another form', '1e3', 60],
  ])('Retry-After of %s gives a bounded delay', (_, header, delay) => {
    expect(retryAfterSeconds(header)).toBe(delay);
  });

  it('reads Retry-After as an HTTP-date in each of its three forms, bounded', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterSeconds('Tue, 01 Dec 2026 10:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds('Tuesday, 01-Dec-26 10:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds('Tue Dec  1 10:02:00 2026', now)).toBe(120);
    expect(retryAfterSeconds('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(1);
    expect(retryAfterSeconds('Fri, 01 Dec 2028 10:00:00 GMT', now)).toBe(3600);
    expect(retryAfterSeconds('Tue, 99 Xyz 2026 10:02:00 GMT', now)).toBe(60);
  });

  it('quotes a server only when it says a human sentence: not a symbol, code or markup', async () => {
    for (const detail of ['>', '!!!', '{"a": 1}', 'undefined is not a function', '<b>down</b>']) {
      const failure = await failWith(500, { detail });
      expect(failure.message).toBe(
        'CodeTether had a problem while reading the task (HTTP 500 Internal Server Error). Try again in a few minutes; if it keeps happening, contact CodeTether support.',
      );
    }
  });

  it('never repeats a secret that a server echoes', async () => {
    const failure = await failWith(500, { detail: `Token ${SECRETS.apiKey} is malformed` });
    expect(failure.message).not.toContain(SECRETS.apiKey);
    expect(failure.message).toContain(':censored:');
  });
});
