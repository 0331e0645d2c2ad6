import { createHmac } from 'node:crypto';
import nock from 'nock';
import { taskFixture } from '../../../dev/fixtures';
import { zapierRuntime } from '../../../dev/zap/runtime';
import App from '../../../index';
import { api, EVENT_STATUS, type InstantEvent } from '../../../lib/api/contract';
import { toTaskOutput } from '../../../lib/steps/task-output';
import { signedMessage } from '../../../lib/webhooks/signature';
import { API, apiKeyAuth, SECRETS, useNock } from '../../support/app';
import { TaskEventOutput } from '../../support/outputs';

useNock();

const INSTANT_TRIGGERS = Object.keys(EVENT_STATUS) as InstantEvent[];
const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/4815162/3f9c2a7e5b1d/';
const SUBSCRIPTION_ID = 'whk_7Yt2Qm9Lc4';
const subscribeData = { id: SUBSCRIPTION_ID, secret: SECRETS.webhookSecret };

let consoleOutput: string[] = [];
beforeEach(() => {
  consoleOutput = [];
  // z.console also writes to the process console, before any scrubbing: the rawest log there is.
  for (const method of ['log', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => jest.restoreAllMocks());

/** Runs one operation as Zapier does; returns its results, or its failure, and every log line. */
const run = async (trigger: string, operation: string, bundle: object) => {
  const logs: string[] = [];
  const method = `triggers.${trigger}.operation.${operation}`;
  let results: unknown;
  let failure = '';
  try {
    ({ results } = await zapierRuntime(App).run(method, bundle, {
      log: (message, data) => logs.push(message, JSON.stringify(data)),
    }));
  } catch (error) {
    failure = (error as Error).message;
  }
  const everything = [...logs, ...consoleOutput, failure].join('\n');
  expect(everything).not.toContain(SECRETS.webhookSecret);
  expect(everything).not.toContain(SECRETS.apiKey);
  return { results, failure, logs: [...logs, ...consoleOutput].join('\n') };
};

const hmac = (message: string, secret: string = SECRETS.webhookSecret) =>
  `sha256=${createHmac('sha256', secret).update(message, 'utf8').digest('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A delivery from a subscription: the full task embedded, an event id, the raw body signed. */
const subscriptionEvent = (overrides: Record<string, unknown> = {}) => ({
  event: 'task_completed',
  event_id: 'evt_01JA2B3C4D',
  task_id: 'tsk_01J9Z6M4Q8',
  run_id: 'run_01J9Z6M4R2',
  status: 'completed',
  result: 'Five bullet points: pricing accepted, pilot in January, …',
  error: null,
  timestamp: '2026-11-30T14:03:41Z',
  task: taskFixture(),
  ...overrides,
});

/**
 * The bundle Zapier passes to perform: headers prefixed "Http-", the raw body
 * as content, signed by default over `{timestamp}.{content}`.
 */
const hookBundle = (
  body: unknown,
  options: { content?: string; signature?: string | null; timestamp?: number | null } = {},
) => {
  const content = options.content ?? JSON.stringify(body);
  const timestamp = String(options.timestamp ?? nowSeconds());
  const headers: Record<string, string> = { 'Http-Content-Type': 'application/json' };
  if (options.signature !== null) {
    headers['Http-X-Codetether-Signature'] = options.signature ?? hmac(signedMessage(content, timestamp));
  }
  if (options.timestamp !== null) headers['Http-X-Codetether-Timestamp'] = timestamp;
  return {
    authData: apiKeyAuth,
    subscribeData,
    targetUrl: TARGET_URL,
    cleanedRequest: body,
    rawRequest: { method: 'POST', headers, content },
  };
};

describe('turning a Zap on (performSubscribe)', () => {
  it.each(INSTANT_TRIGGERS)(
    '%s subscribes the Zap’s URL to its own event with a fresh secret, and keeps the answer’s id and secret',
    async (event) => {
      const sent: Record<string, unknown>[] = [];
      nock(API)
        .post('/webhooks', (body) => sent.push(body) > 0)
        .reply(201, {
          id: SUBSCRIPTION_ID,
          url: TARGET_URL,
          events: [event],
          secret: SECRETS.webhookSecret,
          created_at: '2026-11-30T14:00:00Z',
        });
      const { results, failure, logs } = await run(event, 'performSubscribe', {
        authData: apiKeyAuth,
        targetUrl: TARGET_URL,
      });
      expect(failure).toBe('');
      // The server may put a secret of its own in effect: the answer's is the one kept.
      expect(results).toEqual(subscribeData);
      expect(sent).toEqual([{ url: TARGET_URL, events: [event], secret: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
      expect(logs).toContain('/v1/automation/webhooks');
      expect(logs).not.toContain(sent[0]?.secret);
    },
  );

  it('sends a new secret for every subscription', async () => {
    const secrets: unknown[] = [];
    nock(API)
      .post('/webhooks', (body) => secrets.push(body.secret) > 0)
      .times(2)
      .reply(201, { id: SUBSCRIPTION_ID, url: TARGET_URL, events: [], secret: 's', created_at: '2026-11-30' });
    for (let i = 0; i < 2; i++)
      await run('task_failed', 'performSubscribe', { authData: apiKeyAuth, targetUrl: TARGET_URL });
    expect(new Set(secrets).size).toBe(2);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'file:///etc/passwd',
    'ftp://hooks.zapier.com/x',
    'hooks.zapier.com/x',
    ['https://hooks.zapier.com/x'],
  ])('refuses the target URL %p before any request, in one sentence', async (targetUrl) => {
    const { results, failure } = await run('task_completed', 'performSubscribe', { authData: apiKeyAuth, targetUrl });
    expect(results).toBeUndefined();
    expect(failure).toContain(
      'Zapier gave no web address (https://…) for CodeTether to send events to, so nothing was subscribed: turn the Zap off and on again.',
    );
  });

  it('without an address from Zapier to send events to, says so before any request', async () => {
    const { results, failure } = await run('task_completed', 'performSubscribe', { authData: apiKeyAuth });
    expect(results).toBeUndefined();
    expect(failure).toContain('Zapier gave no web address (https://…) for CodeTether to send events to');
  });

  it('on a server without subscriptions, says which triggers work instead', async () => {
    nock(API).post('/webhooks').reply(404, { detail: 'Not Found' });
    const { failure } = await run('task_completed', 'performSubscribe', {
      authData: apiKeyAuth,
      targetUrl: TARGET_URL,
    });
    expect(failure).toContain('does not offer webhook subscriptions');
    expect(failure).toContain('Task Finished');
  });

  it('refuses an answer without a secret and removes the subscription it made', async () => {
    nock(API)
      .post('/webhooks')
      .reply(201, {
        id: SUBSCRIPTION_ID,
        url: TARGET_URL,
        events: ['task_completed'],
        created_at: '2026-11-30T14:00:00Z',
      });
    const removed = nock(API).delete(`/webhooks/${SUBSCRIPTION_ID}`).reply(204);
    const { results, failure } = await run('task_completed', 'performSubscribe', {
      authData: apiKeyAuth,
      targetUrl: TARGET_URL,
    });
    expect(results).toBeUndefined();
    expect(failure).toContain('field “secret” is missing');
    expect(removed.isDone()).toBe(true);
  });

  it('after an answer that is not JSON, removes only what was subscribed for this Zap’s URL', async () => {
    nock(API).post('/webhooks').reply(201, 'Created', { 'Content-Type': 'text/plain' });
    nock(API)
      .get('/webhooks')
      .reply(200, {
        webhooks: [
          {
            id: 'whk_other',
            url: 'https://hooks.zapier.com/hooks/standard/1/other/',
            events: ['task_completed'],
            created_at: '2026-11-01T09:00:00Z',
          },
          { id: SUBSCRIPTION_ID, url: TARGET_URL, events: ['task_completed'], created_at: '2026-11-30T14:00:00Z' },
        ],
      });
    const removed = nock(API).delete(`/webhooks/${SUBSCRIPTION_ID}`).reply(204);
    const { results, failure } = await run('task_completed', 'performSubscribe', {
      authData: apiKeyAuth,
      targetUrl: TARGET_URL,
    });
    expect(results).toBeUndefined();
    expect(failure).toContain('not JSON');
    expect(removed.isDone()).toBe(true);
  });
});

describe('turning a Zap off (performUnsubscribe)', () => {
  it.each([200, 204])('removes the subscription (HTTP %i)', async (status) => {
    nock(API).delete(`/webhooks/${SUBSCRIPTION_ID}`).reply(status);
    const { results, failure } = await run('task_completed', 'performUnsubscribe', {
      authData: apiKeyAuth,
      subscribeData,
    });
    expect(failure).toBe('');
    expect(results).toEqual({ id: SUBSCRIPTION_ID, already_removed: false });
  });

  it.each([404, 410])('succeeds when the subscription is already gone (HTTP %i)', async (status) => {
    nock(API)
      .delete(`/webhooks/${SUBSCRIPTION_ID}`)
      .reply(status, { detail: { error: 'not_found', message: 'Webhook not found' } });
    const { results, failure } = await run('task_completed', 'performUnsubscribe', {
      authData: apiKeyAuth,
      subscribeData,
    });
    expect(failure).toBe('');
    expect(results).toEqual({ id: SUBSCRIPTION_ID, already_removed: true });
  });

  it('succeeds without a request when the Zap kept no subscription', async () => {
    const { results, failure } = await run('task_completed', 'performUnsubscribe', { authData: apiKeyAuth });
    expect(failure).toBe('');
    expect(results).toEqual({ id: null, already_removed: true });
  });

  it.each([true, 42, { id: 'whk_1' }, ['whk_1'], 'whk 1', 'whk_\n1', 'é', 'x'.repeat(201)])(
    'sends no request for a kept subscription ID of %p, and says so in one sentence',
    async (id) => {
      const { results, failure } = await run('task_completed', 'performUnsubscribe', {
        authData: apiKeyAuth,
        subscribeData: { ...subscribeData, id },
      });
      expect(results).toBeUndefined();
      expect(failure).toContain(
        'The webhook subscription this Zap kept has no valid ID, so CodeTether was not asked to remove it; CodeTether stops sending to this Zap once Zapier refuses a delivery (410 Gone).',
      );
    },
  );

  it('fails with a sentence when CodeTether has a problem (HTTP 500)', async () => {
    nock(API).delete(`/webhooks/${SUBSCRIPTION_ID}`).reply(500, 'Internal Server Error');
    const { failure } = await run('task_completed', 'performUnsubscribe', { authData: apiKeyAuth, subscribeData });
    expect(failure).toMatch(
      /CodeTether had a problem while removing the webhook subscription \(HTTP 500 Internal Server Error\)\. Try again in a few minutes/,
    );
  });
});

describe('a delivery (perform)', () => {
  it('with a valid signature over the raw body outputs the embedded task, with no request', async () => {
    const delivery = subscriptionEvent();
    const { results, failure } = await run('task_completed', 'perform', hookBundle(delivery));
    expect(failure).toBe('');
    expect(results).toEqual([
      {
        ...toTaskOutput(api.Task.parse(taskFixture())),
        id: 'evt_01JA2B3C4D',
        event: 'task_completed',
        event_id: 'evt_01JA2B3C4D',
        delivered_at: '2026-11-30T14:03:41Z',
      },
    ]);
  });

  it('from a Python server, signed over its timestamp and json.dumps of a body with non-ASCII text, reads the task once', async () => {
    // Shaped like production's per-task delivery: no event_id, no task, the result in French with an emoji.
    const payload = {
      event: 'task.completed',
      run_id: 'run_01J9Z6M4R2',
      task_id: 'tsk_01J9Z6M4Q8',
      status: 'completed',
      result: 'Résumé — café ☕ 🚀',
      error: null,
      timestamp: '2026-11-30T14:03:41Z',
    };
    // What Python's json.dumps(payload) writes, by hand: ", " and ": ", non-ASCII as \uXXXX (UTF-16 pairs).
    const signedByPython = String.raw`{"event": "task.completed", "run_id": "run_01J9Z6M4R2", "task_id": "tsk_01J9Z6M4Q8", "status": "completed", "result": "R\u00e9sum\u00e9 \u2014 caf\u00e9 \u2615 \ud83d\ude80", "error": null, "timestamp": "2026-11-30T14:03:41Z"}`;
    const sentCompact = JSON.stringify(payload);
    expect(sentCompact).not.toBe(signedByPython);
    const sentAt = nowSeconds();

    nock(API)
      .get('/tasks/tsk_01J9Z6M4Q8')
      .reply(200, taskFixture({ result_summary: payload.result }));
    const { results, failure } = await run(
      'task_completed',
      'perform',
      hookBundle(payload, {
        content: sentCompact,
        timestamp: sentAt,
        signature: hmac(`${sentAt}.${signedByPython}`),
      }),
    );
    expect(failure).toBe('');
    expect(results).toEqual([
      expect.objectContaining({
        id: 'tsk_01J9Z6M4Q8-task_completed',
        event: 'task_completed',
        event_id: null,
        title: 'Summarise the Q3 sales call',
        result_summary: 'Résumé — café ☕ 🚀',
      }),
    ]);
  });

  it.each([
    ['forged', { signature: hmac('{"event":"task_completed"}', 'whsec_guessed_by_an_attacker') }, /does not match/],
    ['unsigned', { signature: null }, /has no X-CodeTether-Signature header/],
    ['without a timestamp', { timestamp: null }, /has no X-CodeTether-Timestamp header/],
    ['stale', { timestamp: nowSeconds() - 6 * 60 }, /more than 5 minutes away from now/],
    [
      'replayed under a fresh timestamp',
      { signature: hmac(`${nowSeconds() - 3600}.${JSON.stringify(subscriptionEvent())}`) },
      /does not match/,
    ],
    [
      'signed over the body alone, as per-task webhooks are',
      { signature: hmac(JSON.stringify(subscriptionEvent())) },
      /does not match/,
    ],
  ] as const)('that is %s yields nothing and logs why, without the secret', async (_kind, options, reason) => {
    const { results, failure, logs } = await run('task_completed', 'perform', hookBundle(subscriptionEvent(), options));
    expect(failure).toBe('');
    expect(results).toEqual([]);
    expect(logs).toMatch(/Ignored a CodeTether webhook delivery/);
    expect(logs).toMatch(reason);
  });

  it.each([
    ['has no subscription stored', { subscribeData: undefined }, /this Zap keeps no signing secret/],
    ['comes without its raw request', { rawRequest: undefined }, /its body is not a JSON object or array/],
  ] as const)('for a Zap that %s yields nothing and logs why', async (_kind, changes, reason) => {
    const { results, failure, logs } = await run('task_completed', 'perform', {
      ...hookBundle(subscriptionEvent()),
      ...changes,
    });
    expect(failure).toBe('');
    expect(results).toEqual([]);
    expect(logs).toMatch(/Ignored a CodeTether webhook delivery/);
    expect(logs).toMatch(reason);
  });

  it('whose body is not JSON yields nothing, even when signed', async () => {
    const { results, failure, logs } = await run('task_completed', 'perform', hookBundle('ping', { content: 'ping' }));
    expect(failure).toBe('');
    expect(results).toEqual([]);
    expect(logs).toMatch(/Ignored a CodeTether webhook delivery: its body is not a JSON object or array\./);
  });

  it('that was changed after signing yields nothing', async () => {
    const timestamp = nowSeconds();
    const signed = JSON.stringify(subscriptionEvent());
    const changed = subscriptionEvent({ task: taskFixture({ result_summary: 'Send the refund to account 0000' }) });
    const bundle = hookBundle(changed, { timestamp, signature: hmac(`${timestamp}.${signed}`) });
    const { results } = await run('task_completed', 'perform', bundle);
    expect(results).toEqual([]);
  });

  it('with an empty body signed as such yields nothing, whatever parsed copy comes with it', async () => {
    const { results, logs } = await run('task_completed', 'perform', hookBundle(subscriptionEvent(), { content: '' }));
    expect(results).toEqual([]);
    expect(logs).toMatch(/its body is not a JSON object or array/);
  });

  it('reads the events from the signed bytes, never from the parsed copy next to them', async () => {
    const bundle = hookBundle(subscriptionEvent());
    const forgedCopy = subscriptionEvent({ task: taskFixture({ result_summary: 'Send the refund to account 0000' }) });
    const { results } = await run('task_completed', 'perform', { ...bundle, cleanedRequest: forgedCopy });
    expect(results).toEqual([expect.objectContaining({ result_summary: taskFixture().result_summary })]);
  });

  it('whose task CodeTether no longer has yields nothing and a warning, instead of failing the Zap', async () => {
    nock(API)
      .get('/tasks/tsk_deleted')
      .reply(404, { detail: { error: 'not_found', message: 'Task not found' } });
    const delivery = subscriptionEvent({ task_id: 'tsk_deleted', task: null });
    const { results, failure, logs } = await run('task_completed', 'perform', hookBundle(delivery));
    expect(failure).toBe('');
    expect(results).toEqual([]);
    expect(logs).toMatch(/Ignored a CodeTether task event: CodeTether no longer has its task \(HTTP 404\)\./);
  });

  it('whose task cannot be read for another reason fails with a sentence', async () => {
    nock(API).get('/tasks/tsk_02').reply(503, { detail: 'Database not available' });
    const delivery = subscriptionEvent({ task_id: 'tsk_02', task: null });
    const { failure } = await run('task_completed', 'perform', hookBundle(delivery));
    expect(failure).toMatch(
      /CodeTether was not available while reading the task \(HTTP 503 Service Unavailable\): Database not available\. Zapier will try again in 60 seconds\./,
    );
  });

  it.each([
    'TASK_COMPLETED',
    ' task_completed ',
    'task_completed ',
    'tas\u212a_completed',
    'task.Completed',
    'task__completed',
  ])('named %p triggers nothing: only task_completed and task.completed name the event', async (name) => {
    const { results, failure } = await run('task_completed', 'perform', hookBundle(subscriptionEvent({ event: name })));
    expect(failure).toBe('');
    expect(results).toEqual([]);
  });

  it('holding an array outputs one item per event of its type, each with its own id', async () => {
    const events = [
      subscriptionEvent(),
      subscriptionEvent({ event: 'task_failed', event_id: 'evt_foreign', status: 'failed' }),
      { event: 'task_completed', status: 'completed' },
      'keep-alive',
      subscriptionEvent({ event: 'task.completed', event_id: 'evt_01JA2B3C9Z', task_id: 'tsk_02', task: null }),
    ];
    nock(API)
      .get('/tasks/tsk_02')
      .reply(200, taskFixture({ task_id: 'tsk_02', title: 'Draft the release notes' }));
    const { results, failure, logs } = await run('task_completed', 'perform', hookBundle(events));
    expect(failure).toBe('');
    expect(results).toEqual([
      expect.objectContaining({ id: 'evt_01JA2B3C4D', task_id: 'tsk_01J9Z6M4Q8' }),
      expect.objectContaining({ id: 'evt_01JA2B3C9Z', task_id: 'tsk_02', title: 'Draft the release notes' }),
    ]);
    expect(logs).toMatch(/Ignored an event that is not a CodeTether task event: its field “task_id” is not valid/);
    expect(logs).toMatch(/Ignored an event that is not a CodeTether task event: its field “body” is not valid/);
  });

  it('of another event type yields nothing, with no request', async () => {
    const delivery = subscriptionEvent({ event: 'task_failed', status: 'failed', task: null });
    const { results, failure } = await run('task_completed', 'perform', hookBundle(delivery));
    expect(failure).toBe('');
    expect(results).toEqual([]);
  });
});

describe('samples in the Zap editor (performList)', () => {
  it.each(INSTANT_TRIGGERS)('%s lists recent tasks in its status, shaped exactly like a delivery', async (event) => {
    const status = EVENT_STATUS[event];
    const task = taskFixture({ status, model: null });
    nock(API).get('/webhooks').reply(200, { webhooks: [] });
    nock(API)
      .get('/tasks')
      .query({ status, limit: '3' })
      .reply(200, {
        tasks: [task, taskFixture({ status, task_id: 'tsk_older', model: null })],
        total: 2,
        limit: 3,
        offset: 0,
      });
    const listed = await run(event, 'performList', { authData: apiKeyAuth, meta: { isLoadingSample: true } });
    const delivered = await run(event, 'perform', hookBundle(subscriptionEvent({ event, status, task })));

    const samples = listed.results as Record<string, unknown>[];
    const [output] = delivered.results as Record<string, unknown>[];
    expect(samples).toHaveLength(2);
    expect(samples.map((sample) => sample.id)).toEqual([`tsk_01J9Z6M4Q8-${event}`, `tsk_older-${event}`]);
    for (const sample of samples) {
      expect(Object.keys(sample).sort()).toEqual(Object.keys(output).sort());
      expect(TaskEventOutput.parse(sample)).toEqual(sample);
    }
    expect(TaskEventOutput.parse(output)).toEqual(output);
    const trigger = App.triggers[event];
    expect(Object.keys(trigger.operation.sample ?? {}).sort()).toEqual(Object.keys(output).sort());
    expect(TaskEventOutput.parse(trigger.operation.sample)).toEqual(trigger.operation.sample);
  });

  const INSTEAD: Record<InstantEvent, string> = {
    task_completed: 'Use the Task Finished trigger instead, which checks for finished tasks every few minutes.',
    task_failed: 'Use the Task Finished trigger instead, which checks for finished tasks every few minutes.',
    task_started: 'Use the New Task trigger instead, which checks for new tasks every few minutes.',
    task_needs_input: 'Use a Find Task step with the status needs_input in a scheduled Zap instead.',
    task_cancelled: 'Use a Find Task step with the status cancelled in a scheduled Zap instead.',
  };

  it.each(INSTANT_TRIGGERS)(
    '%s, tested on a server without webhook subscriptions, says so and what to use instead',
    async (event) => {
      for (const status of [404, 405]) {
        nock(API).get('/webhooks').reply(status, { detail: 'Not Found' });
        const { failure } = await run(event, 'performList', { authData: apiKeyAuth, meta: { isLoadingSample: true } });
        expect(JSON.parse(failure).message).toBe(
          `This CodeTether server does not offer webhook subscriptions (yet), so instant triggers cannot be used with it. ${INSTEAD[event]} If your server should offer them, check the Base URL of your connection.`,
        );
      }
    },
  );

  it.each(INSTANT_TRIGGERS)('%s says where a user chooses it that it needs webhook subscriptions', (event) => {
    const trigger = App.triggers[event];
    expect(trigger.display.description).toMatch(/, on servers with webhook subscriptions\.$/);
    const [note] = trigger.operation.inputFields as { helpText: string }[];
    expect(note?.helpText).toMatch(
      /needs a CodeTether server that offers webhook subscriptions, which CodeTether's own service does not yet/,
    );
  });
});
