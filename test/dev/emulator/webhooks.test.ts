import { taskInput } from '../../../dev/fixtures';
import { type CaughtRequest, type HookCatcher, startHookCatcher } from '../../../dev/zap/hook-catcher';
import { api } from '../../../lib/api/contract';
import { pythonJsonDumps, signatureOf, signedMessage, verifyDelivery } from '../../../lib/webhooks/signature';
import { eventually, useEmulator } from './http';

const { call, emulator } = useEmulator({
  tasks: { startDelayMs: 20, runDelayMs: 40 },
  deliveries: { firstRetryDelayMs: 40 },
  rateLimit: { limit: 100_000 },
});

const receivers: HookCatcher[] = [];
/** A webhook receiver; `status` picks the answer to each request, 200 unless told otherwise. */
const receiver = async (status?: (index: number) => number) => {
  const started = await startHookCatcher(status && ((_request, index) => ({ status: status(index) })));
  receivers.push(started);
  return started;
};
// Each test starts with no subscription, so no earlier one delivers (or retries) into it.
afterEach(async () => {
  const { webhooks } = api.WebhookList.parse((await call('GET', '/v1/automation/webhooks')).body);
  await Promise.all(webhooks.map((hook) => call('DELETE', `/v1/automation/webhooks/${hook.id}`)));
});
afterAll(async () => {
  await Promise.all(receivers.map((started) => started.close()));
});

const subscribe = async (url: string, events: string[], secret?: string) => {
  const answer = await call('POST', '/v1/automation/webhooks', { body: { url, events, secret } });
  expect(answer.status).toBe(201);
  return api.WebhookSubscription.parse(answer.body);
};
const createTask = async (overrides: Record<string, unknown> = {}) =>
  (await call('POST', '/v1/automation/tasks', { body: taskInput(overrides) })).body.task_id as string;
const eventsOf = (received: readonly CaughtRequest[], taskId: string) =>
  received.filter((entry) => entry.body.task_id === taskId).map((entry) => entry.body.event);

describe('webhook subscriptions', () => {
  it('shows the secret once, at creation, and lists subscriptions without it', async () => {
    const subscription = await subscribe('http://127.0.0.1:9/hook', ['task_completed']);
    expect(subscription.secret).toMatch(/^whsec_/);
    const list = await call('GET', '/v1/automation/webhooks');
    const listed = api.WebhookList.parse(list.body).webhooks.find((hook) => hook.id === subscription.id);
    expect(listed).toEqual({
      id: subscription.id,
      url: 'http://127.0.0.1:9/hook',
      events: ['task_completed'],
      created_at: subscription.created_at,
    });
    expect(list.text).not.toContain(subscription.secret);
  });

  it('gives every subscription its own secret, even for the same URL', async () => {
    const a = await subscribe('http://127.0.0.1:9/same', ['task_failed']);
    const b = await subscribe('http://127.0.0.1:9/same', ['task_failed']);
    expect(a.secret).not.toBe(b.secret);
  });

  it('deletes with 204, then answers 404', async () => {
    const subscription = await subscribe('http://127.0.0.1:9/gone', ['task_started']);
    expect((await call('DELETE', `/v1/automation/webhooks/${subscription.id}`)).status).toBe(204);
    const again = await call('DELETE', `/v1/automation/webhooks/${subscription.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ detail: { error: 'not_found', message: 'Webhook not found' } });
  });

  it('uses the secret the client sends, and says so in its answer', async () => {
    const secret = 'a'.repeat(32);
    const subscription = await subscribe('http://127.0.0.1:9/own', ['task_failed'], secret);
    expect(subscription.secret).toBe(secret);
  });

  it.each([
    [
      { url: 'https://hooks.zapier.com/x', events: ['task_failed'], secret: 'a'.repeat(31) },
      ['body', 'secret'],
      'string_too_short',
    ],
    [{ url: 'javascript:alert(1)', events: ['task_failed'] }, ['body', 'url'], 'url_scheme'],
    [{ url: 'https://hooks.zapier.com/x', events: [] }, ['body', 'events'], 'too_short'],
  ])(
    'refuses a short secret, an address that is not http(s) or no event with a 422 that names it',
    async (body, loc, type) => {
      const answer = await call('POST', '/v1/automation/webhooks', { body });
      expect(answer.status).toBe(422);
      expect(answer.body.detail).toEqual([expect.objectContaining({ loc, type })]);
    },
  );

  it('refuses an unknown event with a 422 that names it', async () => {
    const answer = await call('POST', '/v1/automation/webhooks', {
      body: { url: 'https://hooks.zapier.com/x', events: ['task_exploded'] },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual([
      expect.objectContaining({ type: 'enum', loc: ['body', 'events', 0], input: 'task_exploded' }),
    ]);
  });
});

describe('subscription deliveries', () => {
  it('deliver each subscribed event with the full task, signed over the raw body with the subscription’s secret', async () => {
    const hook = await receiver();
    const subscription = await subscribe(`${hook.url}/all`, ['task_created', 'task_started', 'task_completed']);
    const before = Math.floor(Date.now() / 1000);
    const taskId = await createTask();
    const received = await eventually(async () => {
      const mine = hook.caught.filter((entry) => entry.body.task_id === taskId);
      return mine.length === 3 ? mine : undefined;
    });
    const after = Math.ceil(Date.now() / 1000);
    expect(received.map((entry) => entry.body.event)).toEqual(['task_created', 'task_started', 'task_completed']);

    const completed = received[2]!;
    const delivery = api.Delivery.parse(completed.body);
    expect(delivery.task).toMatchObject({ task_id: taskId, status: 'completed', title: taskInput().title });
    expect(delivery.result).toBe(delivery.task?.result_summary);
    expect(completed.headers['content-type']).toBe('application/json');
    expect(completed.headers['x-codetether-event']).toBe('task_completed');
    expect(completed.headers['x-codetether-delivery']).toBe(delivery.event_id);
    const timestamp = completed.headers['x-codetether-timestamp'] as string;
    // When this attempt was sent, in unix seconds.
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(after);
    expect(completed.headers['x-codetether-signature']).toBe(
      signatureOf(subscription.secret, signedMessage(completed.raw, timestamp)),
    );
  });

  it('deliver only the events a subscription names', async () => {
    const hook = await receiver();
    await subscribe(`${hook.url}/failed-only`, ['task_failed']);
    const completes = await createTask();
    const fails = await createTask({ description: 'Break this one [fail] please.' });
    await eventually(async () => (eventsOf(hook.caught, fails).length ? true : undefined));
    await emulator().deliveriesSettled();
    expect(eventsOf(hook.caught, fails)).toEqual(['task_failed']);
    expect(eventsOf(hook.caught, completes)).toEqual([]);
  });

  it('retry with exponential backoff while the receiver fails, keeping the event ID', async () => {
    const hook = await receiver((index) => (index < 2 ? 503 : 200));
    const { secret } = await subscribe(`${hook.url}/flaky`, ['task_created']);
    const taskId = await createTask();
    await eventually(async () => (hook.caught.length === 3 ? true : undefined));
    const [first, second, third] = hook.caught;
    expect(new Set(hook.caught.map((entry) => entry.body.event_id)).size).toBe(1);
    // Each attempt is signed with its own timestamp.
    for (const entry of hook.caught) {
      const timestamp = entry.headers['x-codetether-timestamp'] as string;
      expect(entry.headers['x-codetether-signature']).toBe(signatureOf(secret, signedMessage(entry.raw, timestamp)));
    }
    expect(third!.body.task_id).toBe(taskId);
    const firstWait = second!.at - first!.at;
    const secondWait = third!.at - second!.at;
    expect(firstWait).toBeGreaterThanOrEqual(35);
    expect(secondWait).toBeGreaterThanOrEqual(75);
  });

  it('give up after five attempts', async () => {
    const hook = await receiver(() => 500);
    await subscribe(`${hook.url}/down`, ['task_created']);
    await createTask();
    await emulator().deliveriesSettled();
    expect(hook.caught).toHaveLength(5);
    const attempts = emulator().deliveries.filter((attempt) => attempt.url === `${hook.url}/down`);
    expect(attempts.map(({ attempt, status }) => [attempt, status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 500],
      [5, 500],
    ]);
  });

  it('delete the subscription when the receiver answers 410 Gone', async () => {
    const hook = await receiver(() => 410);
    // task_created only: a task_started sent before the 410 came back would be delivered too, on a slow machine.
    const subscription = await subscribe(`${hook.url}/zap-off`, ['task_created']);
    await createTask();
    await eventually(async () => (hook.caught.length ? true : undefined));
    await emulator().deliveriesSettled();
    const list = api.WebhookList.parse((await call('GET', '/v1/automation/webhooks')).body);
    expect(list.webhooks.map((hook) => hook.id)).not.toContain(subscription.id);
    await createTask();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hook.caught).toHaveLength(1);
  });
});

describe('per-task webhook_url deliveries, as production sends them', () => {
  it('send completed tasks once, without the task, signed over Python’s json.dumps but sent compact', async () => {
    const hook = await receiver();
    const taskId = await createTask({ webhook_url: `${hook.url}/callback`, title: 'Café ☕ report' });
    await eventually(async () => (hook.caught.length ? true : undefined));
    await emulator().deliveriesSettled();
    expect(hook.caught).toHaveLength(1);
    const [delivery] = hook.caught;
    expect(Object.keys(delivery!.body)).toEqual([
      'event',
      'run_id',
      'task_id',
      'status',
      'result',
      'error',
      'timestamp',
    ]);
    expect(delivery!.body).toMatchObject({ event: 'task_completed', task_id: taskId, status: 'completed' });

    const secret = emulator().options.taskWebhookSecret!;
    const signature = delivery!.headers['x-codetether-signature'] as string;
    expect(delivery!.raw).toBe(JSON.stringify(delivery!.body));
    expect(signature).not.toBe(signatureOf(secret, delivery!.raw));
    expect(signature).toBe(signatureOf(secret, pythonJsonDumps(delivery!.body)));
    expect(
      verifyDelivery({
        secret,
        signature,
        rawBody: delivery!.raw,
        timestamp: delivery!.headers['x-codetether-timestamp'] as string,
        accepts: 'timestamped_or_body',
      }),
    ).toBe('valid');
  });

  it('send failed tasks, with the error', async () => {
    const hook = await receiver();
    await createTask({ webhook_url: `${hook.url}/callback`, description: 'This will [fail] for sure.' });
    await eventually(async () => (hook.caught.length ? true : undefined));
    expect(hook.caught[0]!.body).toMatchObject({ event: 'task_failed', status: 'failed', result: null });
    expect(hook.caught[0]!.body.error).toMatch(/\[fail\]/);
  });

  it('are sent once, never retried, even when the receiver fails', async () => {
    const hook = await receiver(() => 503);
    const url = `${hook.url}/down`;
    await createTask({ webhook_url: url });
    await eventually(async () => (hook.caught.length ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await emulator().deliveriesSettled();
    expect(hook.caught).toHaveLength(1);
    const attempts = emulator().deliveries.filter((attempt) => attempt.url === url);
    expect(attempts.map(({ kind, attempt, status }) => [kind, attempt, status])).toEqual([['task_webhook', 1, 503]]);
  });

  it('say nothing about a cancelled task', async () => {
    const hook = await receiver();
    const taskId = await createTask({ webhook_url: `${hook.url}/callback` });
    expect((await call('DELETE', `/v1/automation/tasks/${taskId}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await emulator().deliveriesSettled();
    expect(hook.caught).toHaveLength(0);
  });
});

describe('an emulator that signs subscription deliveries the Python way', () => {
  const python = useEmulator({ subscriptionSignedBody: 'python_json_dumps', tasks: { startDelayMs: 10 } });

  it('signs its timestamp and json.dumps of the payload, and sends compact JSON', async () => {
    const hook = await receiver();
    const answer = await python.call('POST', '/v1/automation/webhooks', {
      body: { url: `${hook.url}/py`, events: ['task_created'] },
    });
    const { secret } = api.WebhookSubscription.parse(answer.body);
    await python.call('POST', '/v1/automation/tasks', { body: taskInput({ title: 'Café ☕ report' }) });
    const [delivery] = await eventually(async () => (hook.caught.length ? hook.caught : undefined));
    const timestamp = delivery!.headers['x-codetether-timestamp'] as string;
    expect(delivery!.raw).toBe(JSON.stringify(delivery!.body));
    expect(delivery!.headers['x-codetether-signature']).toBe(
      signatureOf(secret, signedMessage(pythonJsonDumps(delivery!.body), timestamp)),
    );
  });
});

describe('an emulator without a signing secret', () => {
  const unsigned = useEmulator({ taskWebhookSecret: null, tasks: { startDelayMs: 10, runDelayMs: 10 } });

  it('sends per-task deliveries unsigned, as production does then', async () => {
    const hook = await receiver();
    await unsigned.call('POST', '/v1/automation/tasks', { body: taskInput({ webhook_url: `${hook.url}/plain` }) });
    await eventually(async () => (hook.caught.length ? true : undefined));
    expect(hook.caught[0]!.headers).not.toHaveProperty('x-codetether-signature');
    expect(hook.caught[0]!.headers).not.toHaveProperty('x-codetether-timestamp');
  });
});
