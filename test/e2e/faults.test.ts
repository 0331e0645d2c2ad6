/**
 * What a user reads when the server misbehaves the way real ones do: the
 * emulator is told to stall, reset, answer a traceback or a proxy's page, and
 * writes timestamps as production does. A silent server is waited out on a
 * fake clock: the step must settle once its deadline has passed.
 */
import { PROXY_502_FRAGMENT, PYTHON_TRACEBACK } from '../../dev/emulator/faults';
import { emailTaskInput } from '../../dev/fixtures';
import * as flows from '../../dev/zap/flows';
import { type AuthData, failureOf } from '../../dev/zap/runtime';
import type { TaskOutput } from '../../lib/steps/task-output';
import { pastTheDeadline } from '../support/zapier';
import { useZap } from './zap';

const zap = useZap({ rateLimit: { limit: 10_000 } });
let authData: AuthData;
let host: string;
beforeAll(async () => {
  ({ authData } = await flows.connectWithApiKey(zap()));
  host = new URL(zap().emulator.url).host;
});

const pollNewTasks = () =>
  zap().apiKeyApp.run<TaskOutput[]>('triggers.new_task.operation.perform', { authData, meta: {} });

/** Every line of a message a user reads is one sentence or more, with nothing a server leaked into it. */
const expectPlainSentences = (message: string) => {
  expect(message).not.toMatch(/[<>\n]|Traceback|\/app\/|line \d+|TaskLimitError/);
  expect(message.length).toBeLessThan(500);
};

describe('a server that does not answer', () => {
  it('stops Create Task before Zapier would, saying the task may exist and how to find it', async () => {
    const stalled = zap().emulator.injectFault({ kind: 'stall', match: 'POST /v1/automation/tasks', times: 1 });
    const failure = await failureOf(
      pastTheDeadline(() => flows.createTask(zap(), authData, emailTaskInput({ title: 'Stalled' })), stalled),
    );
    expect(failure.name).toBe('AppError');
    expect(failure.message).toBe(
      `CodeTether at ${host} did not answer within 12 seconds while creating the task. The task may have been created all the same: before running the step again, look for it with a Find Task step (Title Contains “Stalled”), or set an Idempotency Key so that a repeat cannot create it twice.`,
    );
  });

  it('lets Zapier try again later when the create had an Idempotency Key, which makes a repeat safe', async () => {
    const stalled = zap().emulator.injectFault({ kind: 'stall', match: 'POST /v1/automation/tasks', times: 1 });
    const failure = await failureOf(
      pastTheDeadline(
        () => flows.createTask(zap(), authData, emailTaskInput({ idempotency_key: 'zap-run-stalled' })),
        stalled,
      ),
    );
    expect(failure.name).toBe('ThrottledError');
    expect(failure.message).toBe(
      `CodeTether at ${host} did not answer within 12 seconds while creating the task. Zapier will try again in 60 seconds.`,
    );
  });

  it('stops a poll whose answer starts and never ends, and lets Zapier poll again later', async () => {
    const stalled = zap().emulator.injectFault({ kind: 'stall-body', match: 'GET /v1/automation/tasks', times: 1 });
    const failure = await failureOf(pastTheDeadline(pollNewTasks, stalled));
    expect(failure.name).toBe('ThrottledError');
    expect(failure.message).toBe(
      `CodeTether at ${host} did not answer within 12 seconds while listing tasks. Zapier will try again in 60 seconds.`,
    );
  });

  it('stops the connection test in time', async () => {
    const stalled = zap().emulator.injectFault({ kind: 'stall', match: 'GET /v1/', times: 1 });
    const failure = await failureOf(
      pastTheDeadline(() => zap().apiKeyApp.run('authentication.test', { authData }), stalled),
    );
    expect(failure.message).toMatch(/did not answer within 12 seconds while checking the connection\./);
  });
});

describe('a connection reset', () => {
  it('lets Zapier try a read again later', async () => {
    void zap().emulator.injectFault({ kind: 'reset', match: 'GET /v1/automation/tasks', times: 1 });
    const failure = await failureOf(pollNewTasks());
    expect(failure.name).toBe('ThrottledError');
    expect(failure.message).toBe(
      `CodeTether at ${host} could not be reached, or closed the connection without answering, while listing tasks (ECONNRESET). Zapier will try again in 60 seconds.`,
    );
  });

  it('says what a reset may have done to a create without an Idempotency Key', async () => {
    void zap().emulator.injectFault({ kind: 'reset', match: 'POST /v1/automation/tasks', times: 1 });
    const failure = await failureOf(flows.createTask(zap(), authData, emailTaskInput({ title: 'Reset' })));
    expect(failure.name).toBe('AppError');
    expect(failure.message).toMatch(
      /closed the connection without answering, while creating the task \(ECONNRESET\)\. The task may have been created all the same: .*\(Title Contains “Reset”\)/,
    );
  });
});

describe('error pages', () => {
  it('never shows a Python traceback, only what happened and what to do', async () => {
    expect(PYTHON_TRACEBACK).toMatch(/File "\/app\/api\/tasks\.py", line 212/);
    void zap().emulator.injectFault({ kind: 'traceback', match: 'POST /v1/automation/tasks', times: 1 });
    const failure = await failureOf(flows.createTask(zap(), authData));
    expect(failure.message).toBe(
      'CodeTether had a problem while creating the task (HTTP 500 Internal Server Error). Try again in a few minutes; if it keeps happening, contact CodeTether support.',
    );
    expectPlainSentences(failure.message);
  });

  it('never shows a proxy’s HTML, and lets Zapier poll again later', async () => {
    expect(PROXY_502_FRAGMENT).toMatch(/^<h1>/);
    void zap().emulator.injectFault({ kind: 'html-502', match: 'GET /v1/automation/tasks', times: 1 });
    const failure = await failureOf(pollNewTasks());
    expect(failure.name).toBe('ThrottledError');
    expect(failure.message).toBe(
      'CodeTether was not available while listing tasks (HTTP 502 Bad Gateway). Zapier will try again in 60 seconds.',
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
    expect(task.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/);

    const { result } = await flows.runTaskAndWait(zap(), authData);
    const { found } = await flows.findTask(zap(), authData, { task_id: result.id }, result.id);
    expect(found[0]?.created_at).toMatch(/Z$/);
    expect(found[0]?.started_at).toMatch(/\+00:00$/);
    expect(found[0]?.completed_at).toMatch(/\+00:00$/);
  });
});
