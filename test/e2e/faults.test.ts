/**
 * What a user reads when the server misbehaves the way real ones do: the
 * emulator is told to stall, reset, answer a traceback or a proxy's page, and
 * writes timestamps as production does. The app's time budget is short here
 * so that a silent server costs a second, not twenty.
 */
import { PROXY_502_FRAGMENT, PYTHON_TRACEBACK } from '../../dev/emulator/faults';
import { emailTaskInput } from '../../dev/fixtures';
import * as flows from '../../dev/zap/flows';
import { type AuthData, failureOf } from '../../dev/zap/runtime';
import type { TaskOutput } from '../../lib/steps/task-output';
import { useRequestTimeBudget } from '../support/zapier';
import { useZap } from './zap';

const BUDGET_MS = 1000;
useRequestTimeBudget(BUDGET_MS);

const zap = useZap({ rateLimit: { limit: 10_000 } });
let authData: AuthData;
beforeAll(async () => {
  ({ authData } = await flows.connectWithApiKey(zap()));
});

const pollNewTasks = () =>
  zap().apiKeyApp.run<TaskOutput[]>('triggers.new_task.operation.perform', { authData, meta: {} });

/** Every line of a message a user reads is one sentence or more, with nothing a server leaked into it. */
const expectPlainSentences = (message: string) => {
  expect(message).not.toMatch(/[<>\n]|Traceback|\/app\/|line \d+|TaskLimitError/);
  expect(message.length).toBeLessThan(500);
};

describe('a server that does not answer', () => {
  it('stops Create Task in time, saying the task may exist and how to find it', async () => {
    zap().emulator.injectFault({ kind: 'stall', match: 'POST /v1/automation/tasks', times: 1 });
    const started = Date.now();
    const failure = await failureOf(flows.createTask(zap(), authData, emailTaskInput({ title: 'Stalled' })));
    expect(Date.now() - started).toBeLessThan(BUDGET_MS + 2000);
    expect(failure.message).toBe(
      'CodeTether did not answer within 1 second while creating the task. The task may have been created all the same: before running the step again, look for it with a Find Task step (Title Contains “Stalled”), or set an Idempotency Key so that a repeat cannot create it twice. Check the Base URL of your connection; if it is right, try again in a few minutes.',
    );
  });

  it('says a rerun is safe when the create had an Idempotency Key', async () => {
    zap().emulator.injectFault({ kind: 'stall', match: 'POST /v1/automation/tasks', times: 1 });
    const failure = await failureOf(
      flows.createTask(zap(), authData, emailTaskInput({ idempotency_key: 'zap-run-stalled' })),
    );
    expect(failure.message).toMatch(/running the step again is safe, because its Idempotency Key/);
  });

  it('stops a poll whose answer starts and never ends', async () => {
    zap().emulator.injectFault({ kind: 'stall-body', match: 'GET /v1/automation/tasks', times: 1 });
    const failure = await failureOf(pollNewTasks());
    expect(failure.message).toBe(
      'CodeTether did not answer within 1 second while listing tasks. Check the Base URL of your connection; if it is right, try again in a few minutes.',
    );
  });

  it('stops the connection test in time', async () => {
    zap().emulator.injectFault({ kind: 'stall', match: 'GET /v1/', times: 1 });
    const failure = await failureOf(zap().apiKeyApp.run('authentication.test', { authData }));
    expect(failure.message).toMatch(/^CodeTether did not answer within 1 second while checking the connection\./);
  });
});

describe('a connection reset', () => {
  it('is retried once for a read, which then succeeds', async () => {
    zap().emulator.injectFault({ kind: 'reset', match: 'GET /v1/automation/tasks', times: 1 });
    await expect(pollNewTasks()).resolves.toMatchObject({ results: expect.any(Array) });
  });

  it('says what happened when it happens again', async () => {
    zap().emulator.injectFault({ kind: 'reset', match: 'GET /v1/automation/tasks', times: 2 });
    const failure = await failureOf(pollNewTasks());
    expect(failure.message).toMatch(
      /^CodeTether at 127\.0\.0\.1:\d+ closed the connection without answering while listing tasks \(ECONNRESET\)\./,
    );
  });
});

describe('error pages', () => {
  it('never shows a Python traceback, only what happened and what to do', async () => {
    expect(PYTHON_TRACEBACK).toMatch(/File "\/app\/api\/tasks\.py", line 212/);
    zap().emulator.injectFault({ kind: 'traceback', match: 'POST /v1/automation/tasks', times: 1 });
    const failure = await failureOf(flows.createTask(zap(), authData));
    expect(failure.message).toBe(
      'CodeTether had a problem (HTTP 500 Internal Server Error). Try again in a few minutes; if it keeps happening, contact CodeTether support.',
    );
    expectPlainSentences(failure.message);
  });

  it('never shows a proxy’s HTML', async () => {
    expect(PROXY_502_FRAGMENT).toMatch(/^<h1>/);
    zap().emulator.injectFault({ kind: 'html-502', match: 'GET /v1/automation/tasks', times: 1 });
    const failure = await failureOf(pollNewTasks());
    expect(failure.message).toBe(
      'CodeTether had a problem (HTTP 502 Bad Gateway). Try again in a few minutes; if it keeps happening, contact CodeTether support.',
    );
    expectPlainSentences(failure.message);
  });
});

describe('production’s timestamps', () => {
  it('come out of every step with an offset: naive ones as UTC, aware ones as written', async () => {
    const { task } = await flows.createTask(zap(), authData, emailTaskInput({ title: 'Timestamps' }));
    const answer = await fetch(`${zap().emulator.url}/v1/automation/tasks/${task.id}`, {
      headers: { Authorization: `Bearer ${authData.api_key}` },
    });
    const raw = (await answer.json()) as { created_at: string };
    // What production writes: datetime.utcnow().isoformat(), naive.
    expect(raw.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/);
    expect(task.created_at).toBe(`${raw.created_at}Z`);

    const { result } = await flows.runTaskAndWait(zap(), authData);
    const { found } = await flows.findTask(zap(), authData, { task_id: result.id }, result.id);
    expect(found[0]?.created_at).toMatch(/Z$/);
    expect(found[0]?.started_at).toMatch(/\+00:00$/);
    expect(found[0]?.completed_at).toMatch(/\+00:00$/);
  });
});
