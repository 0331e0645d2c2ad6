import { emailTaskInput, RESULT_FIELDS } from '../../dev/fixtures';
import * as flows from '../../dev/zap/flows';
import type { AuthData } from '../../dev/zap/runtime';
import { MODELS } from '../../lib/api/contract';
import type { TaskOutput } from '../../lib/steps/task-output';
import { pythonJsonDumps, signatureOf } from '../../lib/webhooks/signature';
import { useZap } from './zap';

// The flows here make more than production's 60 requests a minute; errors.test.ts tests the limit.
const zap = useZap({ rateLimit: { limit: 10_000 } });
let authData: AuthData;
beforeAll(async () => {
  ({ authData } = await flows.connectWithApiKey(zap()));
});

describe('a Zap with instant triggers', () => {
  it('delivers a completed task to Task Completed and a failed one to Task Failed, then turns both off', async () => {
    const { subscription: completedHook } = await flows.subscribe(zap(), authData, 'task_completed');
    const { subscription: failedHook } = await flows.subscribe(zap(), authData, 'task_failed');

    const { task } = await flows.createTask(zap(), authData, emailTaskInput({ result_fields: RESULT_FIELDS }));
    const { task: failing } = await flows.createTask(
      zap(),
      authData,
      emailTaskInput({ title: 'Reconcile invoices', description: 'Match every invoice [fail]' }),
    );
    const completed = await flows.receiveDelivery(zap(), authData, completedHook, task.id, 'completed');
    const failed = await flows.receiveDelivery(zap(), authData, failedHook, failing.id, 'failed');

    expect(completed.events[0]).toMatchObject({
      task_id: task.id,
      event: 'task_completed',
      title: task.title,
      model: 'claude-sonnet',
      result_summary: expect.stringContaining(task.title),
      // Each Result Field as its type says, from a subscription delivery too.
      result_data: {
        sentiment: expect.stringMatching(/^(positive|neutral|negative)$/),
        urgency: expect.any(Number),
        refund_amount: expect.any(Number),
        needs_refund: expect.any(Boolean),
        reply_by: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/),
        topics: expect.arrayContaining([expect.any(String)]),
        reply_draft: expect.any(String),
      },
      result_data_error: null,
      error: null,
    });
    expect(completed.events[0]?.event_id).toMatch(/^evt_/);
    expect(failed.events[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('[fail]') });
    // Task Completed never heard of the failed task.
    expect(
      zap().catcher.caught.filter((request) => request.path === new URL(completedHook.targetUrl).pathname),
    ).toHaveLength(1);

    for (const hook of [completedHook, failedHook]) {
      expect((await flows.unsubscribe(zap(), authData, hook)).alreadyRemoved).toBe(false);
    }
    await flows.noSubscriptionsLeft(zap(), authData);
  });

  it.each(['task_started', 'task_needs_input', 'task_cancelled'] as const)(
    'delivers %s with the task as it was then',
    async (trigger) => {
      const { subscription } = await flows.subscribe(zap(), authData, trigger);
      const { task, status } = await flows.taskReaching(zap(), authData, trigger);
      const { events } = await flows.receiveDelivery(zap(), authData, subscription, task.id, status);
      expect(events[0]).toMatchObject({ event: trigger, status });
      await flows.unsubscribe(zap(), authData, subscription);
    },
  );
});

describe('actions, searches and dropdowns', () => {
  it('fills the Model dropdown with the server’s models, Codebase with its workspaces and Task with the newest tasks', async () => {
    const { task } = await flows.createTask(zap(), authData, emailTaskInput({ title: 'Newest task for the list' }));
    const { models, codebases, tasks } = await flows.fillDropdowns(zap(), authData);
    expect(models.map((model) => model.id)).toEqual([...MODELS]);
    expect(codebases).toEqual([
      { id: 'global', name: 'global (no particular codebase)' },
      { id: 'ws_marketing_site', name: 'marketing-site' },
      { id: 'ws_billing_api', name: 'billing-api' },
    ]);
    expect(tasks[0]).toMatchObject({ id: task.id, title: 'Newest task for the list' });
  });

  it('finds a task by ID and by part of its title, in any case', async () => {
    const { task } = await flows.createTask(zap(), authData, emailTaskInput({ title: 'Quarterly Churn Report' }));
    const { found } = await flows.findTask(zap(), authData, { task_id: task.id }, task.id);
    expect(found).toHaveLength(1);
    await flows.findTask(zap(), authData, { title: 'churn report' }, task.id);
  });

  it('finds or creates: creates the task the first time, finds the same one the second time', async () => {
    const input = {
      search: { title: 'Onboard Acme Corp' },
      create: emailTaskInput({ title: 'Onboard Acme Corp' }),
    };
    const first = await flows.findOrCreateTask(zap(), authData, input);
    const second = await flows.findOrCreateTask(zap(), authData, input);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, task: { id: first.task.id } });
  });

  it('finds nothing, without an error, for an unknown task ID', async () => {
    const { results } = await zap().apiKeyApp.run('searches.find_task.operation.perform', {
      authData,
      inputData: { task_id: 'tsk_does_not_exist' },
    });
    expect(results).toEqual([]);
  });

  it('runs a task and waits through the callback URL until performResume has the result', async () => {
    const { queued, result } = await flows.runTaskAndWait(zap(), authData);
    expect(queued.status).toBe('queued');
    expect(result).toMatchObject({ id: queued.id, status: 'completed', error: null });
    expect(result.result_summary).toContain('Draft the weekly status update');
    // The callback came signed the way production signs: over Python's json.dumps, not over the bytes sent.
    const callback = zap().catcher.caught.find(
      (request) => request.path.startsWith('/callbacks/') && request.raw.includes(queued.id),
    );
    const secret = authData.webhook_secret ?? '';
    const signature = callback?.headers['x-codetether-signature'];
    expect(signature).not.toBe(signatureOf(secret, callback?.raw ?? ''));
    expect(signature).toBe(signatureOf(secret, pythonJsonDumps(JSON.parse(callback?.raw ?? '{}'))));
  });

  it('runs a task with Result Fields: declared before the run, answered, and mapped into a later step', async () => {
    const { result, mapped } = await flows.runTaskAndWait(
      zap(),
      authData,
      emailTaskInput({ title: 'Triage the email from Dana', result_fields: RESULT_FIELDS }),
    );
    expect(result).toMatchObject({ status: 'completed', result_data_error: null });
    expect(Object.keys(result.result_data ?? {})).toEqual([
      'sentiment',
      'urgency',
      'refund_amount',
      'needs_refund',
      'reply_by',
      'topics',
      'reply_draft',
    ]);
    // A Filter compares them as the types they are (it throws for a value of another type).
    expect(typeof flows.filterOnResultData(mapped).passes).toBe('boolean');
    const { task } = await flows.createTask(
      zap(),
      authData,
      emailTaskInput({ title: `Reply (urgency ${mapped.result_data__urgency})` }),
    );
    expect(task.title).toBe(`Reply (urgency ${result.result_data?.urgency})`);
  });

  it('keeps a result whose JSON is broken, with result_data null and the reason, without failing', async () => {
    const { result } = await flows.runTaskAndWait(
      zap(),
      authData,
      emailTaskInput({ description: 'Triage this email. [broken-json]', result_fields: RESULT_FIELDS }),
    );
    expect(result).toMatchObject({
      status: 'completed',
      result_summary: expect.stringContaining('```json'),
      result_data: null,
      result_data_error: 'The ```json block at the end of the result is not a valid JSON object.',
    });
  });

  it('outputs a failed run as a failed task, so later steps can act on it', async () => {
    const { result } = await flows.runTaskAndWait(
      zap(),
      authData,
      emailTaskInput({ title: 'Migrate the database', description: 'Run the migration [fail] now' }),
    );
    expect(result).toMatchObject({ status: 'failed', result_summary: null, error: expect.stringContaining('[fail]') });
  });

  it('cancels a queued task', async () => {
    const { task } = await flows.createTask(zap(), authData);
    const { cancelled } = await flows.cancelTask(zap(), authData, task.id);
    expect(cancelled).toEqual({ id: task.id, task_id: task.id, status: 'cancelled', message: 'Task cancelled' });
  });
});

describe('polling triggers', () => {
  it('New Task and Task Finished list the newest tasks, each finish once', async () => {
    const { task } = await flows.createTask(zap(), authData, emailTaskInput({ title: 'Polled task' }));
    const { results: newTasks } = await zap().apiKeyApp.run<TaskOutput[]>('triggers.new_task.operation.perform', {
      authData,
    });
    expect(newTasks[0]?.id).toBe(task.id);

    const finished = async () =>
      (await zap().apiKeyApp.run<TaskOutput[]>('triggers.task_finished.operation.perform', { authData })).results;
    let polled = await finished();
    for (let i = 0; i < 50 && !polled.some((item) => item.task_id === task.id); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      polled = await finished();
    }
    expect(polled.find((item) => item.task_id === task.id)).toMatchObject({
      id: `${task.id}-completed`,
      status: 'completed',
    });
  });
});

describe('a CodeTether server that writes events dotted (task.completed)', () => {
  const dotted = useZap({ dottedEventNames: true });

  it('still triggers Task Completed and resumes Run Task and Wait for Result', async () => {
    const { authData: dottedAuth } = await flows.connectWithApiKey(dotted());
    const { subscription } = await flows.subscribe(dotted(), dottedAuth, 'task_completed');
    const { task } = await flows.createTask(dotted(), dottedAuth);
    const { events } = await flows.receiveDelivery(dotted(), dottedAuth, subscription, task.id, 'completed');
    expect(events[0]?.event).toBe('task_completed');
    const delivered = dotted().catcher.caught.find((request) => request.raw.includes(task.id));
    expect(JSON.parse(delivered?.raw ?? '{}').event).toBe('task.completed');

    const { result } = await flows.runTaskAndWait(dotted(), dottedAuth);
    expect(result.status).toBe('completed');
    await flows.unsubscribe(dotted(), dottedAuth, subscription);
  });
});
