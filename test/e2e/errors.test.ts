import { emailTaskInput } from '../../dev/fixtures';
import * as flows from '../../dev/zap/flows';
import { deliveryBundle } from '../../dev/zap/hook-catcher';
import { type AuthData, failureFrom, failureOf } from '../../dev/zap/runtime';
import { useZap } from './zap';

describe('the rate limit', () => {
  const zap = useZap({ rateLimit: { limit: 3 } });

  it('stops a step with Zapier’s throttle error once the limit is reached, saying when to try again', async () => {
    // Only the task routes count against the limit, as on the server: three creates, then a refusal.
    const { authData } = await flows.connectWithApiKey(zap());
    for (let n = 0; n < 3; n++) await flows.createTask(zap(), authData);
    const failure = await failureOf(flows.createTask(zap(), authData));
    expect(failure.name).toBe('ThrottledError');
    expect(failure.message).toMatch(
      /^CodeTether's rate limit \(3 requests a minute\) was reached while creating the task; Zapier will try again in \d+ seconds\.$/,
    );
  });
});

describe('a server without its agent bridge', () => {
  const zap = useZap({ workspaces: 'unavailable' });

  it('says in the Codebase dropdown why it is empty, and a typed codebase still creates the task', async () => {
    const { authData } = await flows.connectWithApiKey(zap());
    const failure = await failureOf(flows.fillDropdowns(zap(), authData));
    expect(failure.message).toBe(
      'This CodeTether server cannot list its codebases right now: its agent bridge is not available. You can still type a codebase ID in the Codebase field, or leave it at `global`.',
    );
    const { task } = await flows.createTask(zap(), authData, emailTaskInput({ codebase_id: 'ws_typed_by_hand' }));
    expect(task.status).toBe('queued');
  });
});

describe('error paths of a Zap', () => {
  const BUDGET = 12;
  const zap = useZap({ taskBudget: BUDGET, rateLimit: { limit: 10_000 } });
  let authData: AuthData;
  beforeAll(async () => {
    ({ authData } = await flows.connectWithApiKey(zap()));
  });

  it('answers a replayed idempotency key with the task it already created, and creates no second one', async () => {
    const input = emailTaskInput({ title: 'Replayed Zap run', idempotency_key: 'zap-run-7f3a' });
    const first = await flows.createTask(zap(), authData, input);
    const replay = await flows.createTask(zap(), authData, input);
    expect(first.task.idempotent_replay).toBe(false);
    expect(replay.task).toMatchObject({ id: first.task.id, idempotent_replay: true });
    const { found } = await flows.findTask(zap(), authData, { title: 'Replayed Zap run' }, first.task.id);
    expect(found).toHaveLength(1);
  });

  it('ignores a forged delivery: a changed body, or one signed with another subscription’s secret', async () => {
    const { subscription } = await flows.subscribe(zap(), authData, 'task_completed');
    const { subscription: other } = await flows.subscribe(zap(), authData, 'task_completed');
    const { task } = await flows.createTask(zap(), authData);
    const genuine = await zap().catcher.waitFor(subscription.targetUrl, (request) => request.raw.includes(task.id));

    const perform = (subscribeData: typeof subscription.subscribeData, raw: string) =>
      zap().apiKeyApp.run<unknown[]>('triggers.task_completed.operation.perform', {
        authData,
        subscribeData,
        targetUrl: subscription.targetUrl,
        ...deliveryBundle({ ...genuine, raw }),
      });
    const tampered = genuine.raw.replace(/"result":"[^"]*"/, '"result":"Wire $5,000 to account 1234"');
    expect(tampered).not.toBe(genuine.raw);
    // What the Zap's log shows for each ignored delivery.
    const warnings = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await perform(subscription.subscribeData, tampered)).results).toEqual([]);
      expect((await perform(other.subscribeData, genuine.raw)).results).toEqual([]);
      expect(warnings.mock.calls.map(([line]) => line)).toEqual([
        expect.stringMatching(/^Ignored a CodeTether webhook delivery: its X-CodeTether-Signature does not match/),
        expect.stringMatching(/^Ignored a CodeTether webhook delivery: its X-CodeTether-Signature does not match/),
      ]);
    } finally {
      warnings.mockRestore();
    }
    expect((await perform(subscription.subscribeData, genuine.raw)).results).toHaveLength(1);

    for (const hook of [subscription, other]) await flows.unsubscribe(zap(), authData, hook);
  });

  it('refuses to resume Run Task with a result that is not signed with the connection’s secret', async () => {
    const { refusals } = await flows.refuseForgedCallbacks(zap(), authData, zap().apiKeyApp);
    expect(refusals).toEqual(['a changed result', 'a guessed secret', 'no signature']);
  });

  it('turns a Zap off cleanly after the emulator already dropped the hook that answered 410', async () => {
    const { subscription } = await flows.subscribe(zap(), authData, 'task_started');
    zap().catcher.turnOff(subscription.targetUrl);
    await flows.createTask(zap(), authData);
    await zap().catcher.waitFor(subscription.targetUrl, (request) => request.answeredStatus === 410);
    await zap().emulator.deliveriesSettled();
    await flows.noSubscriptionsLeft(zap(), authData);

    const { alreadyRemoved } = await flows.unsubscribe(zap(), authData, subscription);
    expect(alreadyRemoved).toBe(true);
  });

  it('halts Cancel Task on a finished task, saying how it finished', async () => {
    const { result } = await flows.runTaskAndWait(zap(), authData);
    const halted = await failureOf(flows.cancelTask(zap(), authData, result.id));
    expect(halted.name).toBe('HaltedError');
    expect(halted.message).toBe(
      `Task “${result.title}” (${result.id}) was not cancelled: it has already finished with status “completed”.`,
    );
  });

  it('passes on CodeTether’s 422 for a model the server does not know, naming the field', async () => {
    const failure = await failureOf(flows.createTask(zap(), authData, emailTaskInput({ model: 'gpt-99' })));
    expect(failure.message).toMatch(
      /^CodeTether did not accept the input: Model: is not one of the values this CodeTether server accepts\.$/,
    );
  });

  it('says the budget is used up, with the upgrade link, once the month’s tasks are spent', async () => {
    // However many tasks the tests above created, one more than the budget is always refused.
    let refusal: string | undefined;
    for (let i = 0; i <= BUDGET && !refusal; i++) {
      try {
        await flows.createTask(zap(), authData);
      } catch (error) {
        refusal = failureFrom(error).message;
      }
    }
    expect(refusal).toBe(
      `Your CodeTether task budget is used up: Monthly task limit reached: ${BUDGET} of ${BUDGET} tasks used. Upgrade your plan at ${zap().emulator.options.upgradeUrl} or wait for the next billing period.`,
    );
  });
});
