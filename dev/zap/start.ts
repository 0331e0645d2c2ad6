/**
 * `npm start`: a whole Zap, end to end, against the local CodeTether
 * emulator. Builds the app the way Zapier gets it (compiled, loaded from its
 * index.js by Zapier's runtime), then connects, fills dropdowns, subscribes
 * instant triggers, creates, finds, runs, cancels and unsubscribes, printing
 * each step with its timing. Exits 0 only when every step did what it
 * should within the time budget; stops everything it started either way.
 */
import { randomBytes } from 'node:crypto';
import { emailTaskInput, RESULT_FIELDS } from '../fixtures';
import type { Subscription } from './flows';
import * as flows from './flows';
import { runZapSteps } from './script';

const TIME_BUDGET_MS = 30_000;

const main = async (): Promise<boolean> => {
  console.log('CodeTether for Zapier: a whole Zap against the local CodeTether emulator\n');
  const { count, failed, ms } = await runZapSteps('start', async (running, step) => {
    const { authData } = await step('Connect with an API key', () => flows.connectWithApiKey(running));
    const oauth = await step('Connect with OAuth2', () => flows.authorizeWithOAuth(running));
    const refreshed = await step('Refresh the OAuth2 token', () => flows.refreshOAuth(running, oauth.authData));
    await step('Fill the Model, Codebase and Task dropdowns', () => flows.fillDropdowns(running, authData));

    const subscriptions: Subscription[] = [];
    for (const trigger of ['task_completed', 'task_failed']) {
      const { subscription } = await step(`Turn on a Zap with ${trigger}`, () =>
        flows.subscribe(running, authData, trigger),
      );
      subscriptions.push(subscription);
    }
    const [completedHook, failedHook] = subscriptions as [Subscription, Subscription];

    const { task } = await step('Create Task with Result Fields', () =>
      flows.createTask(
        running,
        authData,
        emailTaskInput({ idempotency_key: randomBytes(8).toString('hex'), result_fields: RESULT_FIELDS }),
      ),
    );
    await step('Receive the signed Task Completed delivery', () =>
      flows.receiveDelivery(running, authData, completedHook, task.id, 'completed'),
    );
    const { task: failing } = await step('Create Task that fails', () =>
      flows.createTask(
        running,
        authData,
        emailTaskInput({ title: 'Reconcile the November invoices', description: 'Match every invoice [fail]' }),
      ),
    );
    await step('Receive the signed Task Failed delivery', () =>
      flows.receiveDelivery(running, authData, failedHook, failing.id, 'failed'),
    );
    await step('Find Task by ID', () => flows.findTask(running, authData, { task_id: task.id }, task.id));
    await step('Find Task by title', () => flows.findTask(running, authData, { title: 'dana whitfield' }, task.id));
    const { mapped } = await step('Run Task and Wait for Result, with Result Fields', () =>
      flows.runTaskAndWait(
        running,
        authData,
        emailTaskInput({ title: 'Triage the email from Dana Whitfield', result_fields: RESULT_FIELDS }),
      ),
    );
    const { passes } = await step('Filter on its typed Result Data: a number, a yes/no, a date', () =>
      flows.filterOnResultData(mapped),
    );
    // This email passes the Filter (its result is the same every run); were it not to, the Zap would stop here.
    if (passes)
      await step('Map its Result Data into a later Create Task', () =>
        flows.createTask(
          running,
          authData,
          emailTaskInput({
            title: `Reply to Dana Whitfield by ${mapped.result_data__reply_by} (urgency ${mapped.result_data__urgency}, ${mapped.result_data__sentiment})`,
            description: `Send this reply to Dana Whitfield: ${mapped.result_data__reply_draft}`,
          }),
        ),
      );
    await step('Run Task and Wait for Result, the agent answering the wrong types', () =>
      flows.runTaskAndWait(
        running,
        authData,
        emailTaskInput({
          title: 'Triage the email from Sam Okafor',
          description: `${emailTaskInput().description} [wrong-types]`,
          result_fields: RESULT_FIELDS,
        }),
      ),
    );
    await step('Run Task and Wait for Result over OAuth2: forged callbacks refused', () =>
      flows.refuseForgedCallbacks(running, refreshed.authData),
    );
    await step('Run Task, then Cancel Task: the waiting step hears nothing', () =>
      flows.cancelWhileWaiting(running, authData),
    );
    for (const subscription of subscriptions) {
      await step(`Turn off the Zap with ${subscription.trigger}`, () =>
        flows.unsubscribe(running, authData, subscription),
      );
    }
    await step('Check that no subscription is left behind', () => flows.noSubscriptionsLeft(running, authData));
  });

  const inTime = ms < TIME_BUDGET_MS;
  const outcome = failed ? `step ${count} failed` : `${count} steps did what they should`;
  console.log(
    `\n${!failed && inTime ? 'PASS' : 'FAIL'}: ${outcome} in ${(ms / 1000).toFixed(1)} s` +
      `${inTime ? '' : ` (over the ${TIME_BUDGET_MS / 1000} s budget)`}; emulator, hook catcher and build stopped.`,
  );
  return !failed && inTime;
};

void main().then((passed) => process.exit(passed ? 0 : 1));
