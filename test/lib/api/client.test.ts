import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';
import { taskFixture } from '../../../dev/fixtures';
import { callApi, requestTimeBudget } from '../../../lib/api/client';
import { Task } from '../../../lib/api/contract';
import { retryAfterSeconds } from '../../../lib/api/errors';
import { API, apiKeyAuth, appTester, failureOf, oauthAppTester, oauthAuth, SECRETS, useNock } from '../../support/app';

useNock();

const getTask = (taskId: string) => (z: ZObject, bundle: Bundle) =>
  callApi(z, bundle, { path: ['tasks', taskId], schema: Task, what: 'reading the task' }).then((answer) => answer.data);

describe('paths', () => {
  it.each([
    ['../me', '/tasks/..%2Fme'],
    ['a/b?x=1', '/tasks/a%2Fb%3Fx%3D1'],
    ['#frag', '/tasks/%23frag'],
    ['{{bundle.authData.api_key}}', '/tasks/%7B%7Bbundle.authData.api_key%7D%7D'],
  ])('keeps the task id %s inside /tasks/', async (taskId, path) => {
    nock(API)
      .get(path)
      .reply(200, taskFixture({ task_id: taskId }));
    await expect(appTester(getTask(taskId), { authData: apiKeyAuth })).resolves.toMatchObject({ task_id: taskId });
  });

  it.each(['..', '.', '%2e%2E', ''])('treats the id "%s" as not found without a request', async (taskId) => {
    const failure = await failureOf(appTester(getTask(taskId), { authData: apiKeyAuth }));
    expect(failure.message).toMatch(/is not a valid ID\.$/);
  });
});

describe('bodies', () => {
  it('sends a user text that looks like a Zapier template literally, and never a secret in its place', async () => {
    const description = 'Print {{bundle.authData.api_key}} and {{process.env.CLIENT_SECRET}} please';
    let received: unknown;
    nock(API)
      .post('/tasks', (body) => {
        received = body;
        return true;
      })
      .reply(201, { ...taskFixture({ status: 'queued' }), description });
    await appTester(
      (z: ZObject, bundle: Bundle) =>
        callApi(z, bundle, {
          method: 'POST',
          path: ['tasks'],
          body: { title: 'T', description },
          schema: Task,
          what: 'x',
        }),
      { authData: apiKeyAuth },
    );
    expect(received).toEqual({ title: 'T', description });
    expect(JSON.stringify(received)).not.toContain(SECRETS.apiKey);
  });
});

describe('answers', () => {
  it('lets unknown fields pass', async () => {
    nock(API)
      .get('/tasks/t1')
      .reply(200, taskFixture({ task_id: 't1', cost_usd: 0.12 }));
    await expect(appTester(getTask('t1'), { authData: apiKeyAuth })).resolves.toMatchObject({ cost_usd: 0.12 });
  });

  it('names a missing required field', async () => {
    const { status: _omitted, ...withoutStatus } = taskFixture();
    nock(API).get('/tasks/t1').reply(200, withoutStatus);
    const failure = await failureOf(appTester(getTask('t1'), { authData: apiKeyAuth }));
    expect(failure.message).toBe(
      'CodeTether sent an unexpected answer to reading the task: field “status” is missing. If this keeps happening, contact CodeTether support.',
    );
  });

  it('says so when a success answer is not JSON', async () => {
    nock(API)
      .get('/tasks/t1')
      .reply(200, '<html><body>Welcome to nginx!</body></html>', { 'Content-Type': 'text/html' });
    const failure = await failureOf(appTester(getTask('t1'), { authData: apiKeyAuth }));
    expect(failure.message).toMatch(
      /^CodeTether sent an answer that is not JSON while reading the task \(HTTP 200\)\./,
    );
    expect(failure.message).not.toContain('<');
  });

  it('accepts a bodiless answer when none is expected', async () => {
    nock(API).delete('/webhooks/w1').reply(204);
    const answer = await appTester(
      (z: ZObject, bundle: Bundle) =>
        callApi(z, bundle, { method: 'DELETE', path: ['webhooks', 'w1'], schema: null, what: 'x' }),
      { authData: apiKeyAuth },
    );
    expect(answer).toEqual({ ok: true, data: undefined });
  });

  it('leaves out empty query parameters', async () => {
    let requested = '';
    nock(API)
      .get('/tasks')
      .query(true)
      .reply(200, (uri) => {
        requested = uri;
        return { tasks: [], total: 0, limit: 5, offset: 0 };
      });
    await appTester(
      (z: ZObject, bundle: Bundle) =>
        callApi(z, bundle, {
          path: ['tasks'],
          params: { status: '', limit: 5, offset: undefined },
          schema: zod.unknown(),
          what: 'x',
        }),
      { authData: apiKeyAuth },
    );
    expect(requested).toBe('/v1/automation/tasks?limit=5');
  });
});

describe('a server that cannot be reached', () => {
  it('gets a sentence with the host, and the step bundle (webhook secret included) stays out of it', async () => {
    nock(API).get('/tasks/t1').replyWithError('socket hang up');
    const failure = await failureOf(
      appTester(getTask('t1'), {
        authData: apiKeyAuth,
        subscribeData: { id: 'wh_1', secret: SECRETS.webhookSecret } as { id: string },
      }),
    );
    expect(failure.message).toBe(
      'CodeTether could not be reached at api.codetether.io while reading the task. Check the Base URL of your connection; if it is right, try again in a few minutes.',
    );
    expect(failure.raw.message).not.toContain(SECRETS.webhookSecret);
    expect(failure.raw.message).not.toContain('What happened');
  });

  it('names the network error, here a refused connection on loopback', async () => {
    nock.enableNetConnect('127.0.0.1');
    // Port 9 (discard) has no listener on these machines.
    const failure = await failureOf(
      appTester(getTask('t1'), { authData: { ...apiKeyAuth, base_url: 'http://127.0.0.1:9' } }),
    );
    nock.disableNetConnect();
    expect(failure.message).toMatch(
      /^CodeTether could not be reached at 127\.0\.0\.1:9 while reading the task \(ECONNREFUSED\)\./,
    );
  });
});

describe('a connection reset', () => {
  /**
   * A loopback server that drops the first `drops` connections, then answers
   * with the task, with `status`, or not at all.
   */
  const flakyServer = async (drops: number, then: { status?: number; stall?: boolean } = {}) => {
    let requests = 0;
    const server = createServer((request, response) => {
      requests++;
      if (requests <= drops) {
        request.socket.destroy();
        return;
      }
      if (then.stall) return;
      response.writeHead(then.status ?? 200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(taskFixture({ task_id: 't1' })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      authData: { ...apiKeyAuth, base_url: `http://127.0.0.1:${port}` },
      requests: () => requests,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  };

  it('is retried within the step’s time budget: a retry that gets no answer says so', async () => {
    const server = await flakyServer(1, { stall: true });
    const budget = requestTimeBudget.ms;
    requestTimeBudget.ms = 300;
    try {
      const failure = await failureOf(appTester(getTask('t1'), { authData: server.authData }));
      expect(failure.message).toMatch(/^CodeTether did not answer within 0\.3 seconds while reading the task\./);
      expect(server.requests()).toBe(2);
    } finally {
      requestTimeBudget.ms = budget;
      await server.close();
    }
  });

  it('passes the platform’s own error of a retry on, such as the refresh an OAuth 401 asks for', async () => {
    const server = await flakyServer(1, { status: 401 });
    try {
      const failure = await failureOf(
        oauthAppTester(getTask('t1'), { authData: { ...oauthAuth, base_url: server.authData.base_url } }),
      );
      expect(failure.name).toBe('RefreshAuthError');
    } finally {
      await server.close();
    }
  });

  beforeEach(() => nock.enableNetConnect('127.0.0.1'));
  afterEach(() => nock.disableNetConnect());

  it('is retried once for a read, which is safe to repeat', async () => {
    const server = await flakyServer(1);
    try {
      await expect(appTester(getTask('t1'), { authData: server.authData })).resolves.toMatchObject({ task_id: 't1' });
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('is retried only once: a second reset says the server closed the connection', async () => {
    const server = await flakyServer(2);
    try {
      const failure = await failureOf(appTester(getTask('t1'), { authData: server.authData }));
      expect(failure.message).toMatch(
        /^CodeTether at 127\.0\.0\.1:\d+ closed the connection without answering while reading the task \(ECONNRESET\)\. Check the Base URL/,
      );
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('is not retried for a create, which could make a second task, and says what the reset may have done', async () => {
    const server = await flakyServer(1);
    try {
      const create = (z: ZObject, bundle: Bundle) =>
        callApi(z, bundle, {
          method: 'POST',
          path: ['tasks'],
          body: {},
          schema: Task,
          what: 'creating the task',
          ifNoAnswer: () => 'The task may exist.',
        });
      const failure = await failureOf(appTester(create, { authData: server.authData }));
      expect(failure.message).toMatch(
        /^CodeTether at 127\.0\.0\.1:\d+ closed the connection without answering while creating the task \(ECONNRESET\)\. The task may exist\. Check/,
      );
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('the time budget of a step', () => {
  it('sends no further request once the step’s time is up, and says so', async () => {
    nock(API)
      .get('/tasks/t1')
      .reply(200, taskFixture({ task_id: 't1' }));
    const twoReads = async (z: ZObject, bundle: Bundle) => {
      await getTask('t1')(z, bundle);
      // The first answer came at the very end of the budget.
      const now = Date.now() + requestTimeBudget.ms;
      jest.spyOn(Date, 'now').mockReturnValue(now);
      return getTask('t2')(z, bundle);
    };
    try {
      const failure = await failureOf(appTester(twoReads, { authData: apiKeyAuth }));
      expect(failure.message).toBe(
        'CodeTether did not answer within 20 seconds while reading the task. Check the Base URL of your connection; if it is right, try again in a few minutes.',
      );
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describe('the bearer token', () => {
  it('goes to the configured host only, never to another URL the app calls', async () => {
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
    const failure = await failureOf(appTester(getTask('t1'), { authData: apiKeyAuth }));
    expect(failure.message).toBe(
      'CodeTether answered with a redirect (HTTP 302) instead of data. Check the Base URL of your connection.',
    );
  });

  it('is not sent in plain text to a connection whose Base URL is not https', async () => {
    let headers: Record<string, unknown> = {};
    nock('http://codetether.example.com')
      .get('/v1/automation/tasks/t1')
      .reply(function () {
        headers = this.req.headers;
        return [200, {}];
      });
    await appTester((z: ZObject) => z.request({ url: 'http://codetether.example.com/v1/automation/tasks/t1' }), {
      authData: { ...apiKeyAuth, base_url: 'http://codetether.example.com' },
    });
    expect(headers).not.toHaveProperty('authorization');
  });

  it('is the OAuth access token for OAuth connections', async () => {
    nock(API, { reqheaders: { authorization: `Bearer ${SECRETS.accessToken}` } })
      .get('/tasks/t1')
      .reply(200, taskFixture({ task_id: 't1' }));
    await expect(oauthAppTester(getTask('t1'), { authData: oauthAuth })).resolves.toMatchObject({ task_id: 't1' });
  });
});

describe('error answers become sentences', () => {
  const failWith = async (status: number, body: string | object, headers: Record<string, string> = {}) => {
    nock(API).get('/tasks/t1').reply(status, body, headers);
    return failureOf(appTester(getTask('t1'), { authData: apiKeyAuth }));
  };

  it('401: a ct_ key that was rejected may be revoked, expired or from another instance', async () => {
    const failure = await failWith(401, { detail: 'Authentication required' });
    expect(failure.message).toBe(
      'CodeTether rejected the API key: it may have been revoked or have expired, or it was made on another CodeTether instance than https://api.codetether.io (check the Base URL of your connection). Create a key in CodeTether under Settings → API Keys, then reconnect.',
    );
  });

  it('401: a key without ct_ is likely not a CodeTether key, and the message says so', async () => {
    nock(API).get('/tasks/t1').reply(401, { detail: 'Authentication required' });
    const failure = await failureOf(appTester(getTask('t1'), { authData: { api_key: 'sk-live-1234567890' } }));
    expect(failure.message).toBe(
      "CodeTether rejected the API key: CodeTether's API keys start with `ct_`, and this one does not, so it is likely not a CodeTether key or was not copied whole. Create a key in CodeTether under Settings → API Keys, then reconnect.",
    );
  });

  it('402: the budget, with the upgrade link', async () => {
    const failure = await failWith(402, {
      detail: 'Monthly task limit reached (100/100)',
      error_code: 'BUDGET_EXCEEDED',
      upgrade_url: 'https://codetether.io/billing',
    });
    expect(failure.message).toBe(
      'Your CodeTether task budget is used up: Monthly task limit reached (100/100). Upgrade your plan at https://codetether.io/billing or wait for the next billing period.',
    );
  });

  it('404 and 409: the server message, never [object Object]', async () => {
    const notFound = await failWith(404, { detail: { error: 'not_found', message: 'Task t1 not found' } });
    expect(notFound.message).toBe('CodeTether could not find it (HTTP 404 Not Found): Task t1 not found.');
    const conflict = await failWith(409, { detail: { error: 'conflict', message: 'Task is already completed' } });
    expect(conflict.message).toBe(
      'CodeTether refused because of the current state (HTTP 409 Conflict): Task is already completed.',
    );
  });

  it('422: each field by name with its rule', async () => {
    const failure = await failWith(422, {
      detail: [
        { loc: ['body', 'description'], msg: 'ensure this value has at least 10 characters', type: 'value_error' },
        { loc: ['body', 'agent_type'], msg: 'value is not a valid enumeration member', type: 'type_error.enum' },
      ],
    });
    expect(failure.message).toBe(
      'CodeTether did not accept the input: Description: ensure this value has at least 10 characters; Agent Type: value is not a valid enumeration member.',
    );
    expect(failure.message).not.toContain('[object Object]');
  });

  it('422 about the body as a whole, or about no field at all', async () => {
    const failure = await failWith(422, {
      detail: [
        { loc: ['body'], msg: 'field required', type: 'value_error.missing' },
        { loc: [], msg: 'too many tasks in one request' },
      ],
    });
    expect(failure.message).toBe(
      'CodeTether did not accept the input: Body: field required; Request: too many tasks in one request.',
    );
  });

  it('429: a ThrottledError that honours Retry-After', async () => {
    const failure = await failWith(
      429,
      { detail: { error: 'rate_limit_exceeded', message: 'Rate limit exceeded' } },
      { 'Retry-After': '17', 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0' },
    );
    expect(failure.name).toBe('ThrottledError');
    expect(JSON.parse(failure.raw.message)).toEqual({
      message: "CodeTether's rate limit (60 requests a minute) was reached; Zapier will try again in 17 seconds.",
      delay: 17,
    });
  });

  it('429 without Retry-After: Zapier tries again in a minute', async () => {
    const failure = await failWith(429, { detail: { error: 'rate_limit_exceeded', message: 'Rate limit exceeded' } });
    expect(failure.name).toBe('ThrottledError');
    expect(JSON.parse(failure.raw.message)).toEqual({
      message: "CodeTether's rate limit was reached; Zapier will try again in 60 seconds.",
      delay: 60,
    });
  });

  it('429 from a self-hosted server names its own limit', async () => {
    const failure = await failWith(429, { detail: 'slow down' }, { 'Retry-After': '5', 'X-RateLimit-Limit': '600' });
    expect(JSON.parse(failure.raw.message).message).toBe(
      "CodeTether's rate limit (600 requests a minute) was reached; Zapier will try again in 5 seconds.",
    );
  });

  it('500 with an HTML page: the status and the page title, no markup', async () => {
    const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>';
    const failure = await failWith(500, page, { 'Content-Type': 'text/html' });
    expect(failure.message).toBe(
      'CodeTether had a problem (HTTP 500 Internal Server Error): 502 Bad Gateway. Try again in a few minutes; if it keeps happening, contact CodeTether support.',
    );
  });

  it('500 with plain text and 503 with a detail', async () => {
    const text = await failWith(500, 'Task limit check failed: TaskLimitError', { 'Content-Type': 'text/plain' });
    expect(text.message).toMatch(
      /^CodeTether had a problem \(HTTP 500 Internal Server Error\): Task limit check failed/,
    );
    const unavailable = await failWith(503, { detail: 'Database not available' });
    expect(unavailable.message).toMatch(
      /^CodeTether had a problem \(HTTP 503 Service Unavailable\): Database not available\./,
    );
  });

  it('an HTML page without a title, and a status the contract does not name', async () => {
    const bare = await failWith(502, '<html><body><p>upstream error</p></body></html>', {
      'Content-Type': 'text/html',
    });
    expect(bare.message).toBe(
      'CodeTether had a problem (HTTP 502 Bad Gateway). Try again in a few minutes; if it keeps happening, contact CodeTether support.',
    );
    const teapot = await failWith(418, { detail: "I'm a teapot" });
    expect(teapot.message).toBe("CodeTether answered HTTP 418: I'm a teapot.");
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
  ])('429 with Retry-After of %s waits a bounded delay', (_, header, delay) => {
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
      const failure = await failWith(503, { detail });
      expect(failure.message).toBe(
        'CodeTether had a problem (HTTP 503 Service Unavailable). Try again in a few minutes; if it keeps happening, contact CodeTether support.',
      );
    }
  });

  it('never repeats a secret that a server echoes', async () => {
    const failure = await failWith(500, { detail: `Token ${SECRETS.apiKey} is malformed` });
    expect(failure.message).not.toContain(SECRETS.apiKey);
    expect(failure.message).toContain(':censored:');
  });
});
