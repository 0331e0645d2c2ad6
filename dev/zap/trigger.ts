/**
 * `npm run trigger -- <key>`: one instant trigger working locally, as Zapier
 * runs it. Compiles the app, starts the emulator and the hook catcher,
 * connects, turns the trigger on (performSubscribe), makes a task reach the
 * trigger's event, hands the signed delivery that arrives to the trigger's
 * perform, prints what the trigger outputs, turns it off again and stops
 * everything it started. Exits 0 only when the trigger fired for that task.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STATUS, type InstantEvent } from '../../lib/api/contract';
import { buildApp } from './build';
import { stepConsole } from './console';
import * as flows from './flows';
import { type RunningZap, startZap } from './setup';

// npm runs scripts from the project's root.
const project = process.cwd();
const buildDir = join(project, '.tmp', `trigger-${process.pid}`);
// Every instant trigger is keyed by the event it waits for.
const INSTANT_TRIGGERS = Object.keys(EVENT_STATUS) as InstantEvent[];

const isInstantTrigger = (key: string | undefined): key is InstantEvent =>
  (INSTANT_TRIGGERS as (string | undefined)[]).includes(key);

const main = async (trigger: InstantEvent): Promise<boolean> => {
  const started = performance.now();
  console.log(`CodeTether for Zapier: the instant trigger ${trigger} against the local CodeTether emulator\n`);
  let zap: RunningZap | undefined;
  const steps = stepConsole();
  const { step } = steps;

  try {
    const { apps } = await step('Build the app as Zapier runs it', () => buildApp(project, buildDir));
    const { running } = await step('Start the emulator and the hook catcher', async () => {
      zap = await startZap(apps);
      return { running: zap, summary: `emulator ${zap.emulator.url}, Zapier's hook URLs ${zap.catcher.url}` };
    });
    const { authData } = await step('Connect with an API key', () => flows.connectWithApiKey(running));
    const { subscription } = await step(`Turn on a Zap with ${trigger} (performSubscribe)`, () =>
      flows.subscribe(running, authData, trigger),
    );
    const { task, status } = await step(`Make a task reach ${trigger}`, () =>
      flows.taskReaching(running, authData, trigger),
    );
    const { events } = await step(`Hand the signed delivery to ${trigger} (perform)`, () =>
      flows.receiveDelivery(running, authData, subscription, task.id, status),
    );
    console.log(
      `\nWhat ${trigger} outputs, for the next steps of the Zap to map:\n${JSON.stringify(events, null, 2)}\n`,
    );
    await step(`Turn the Zap off (performUnsubscribe)`, () => flows.unsubscribe(running, authData, subscription));
    await step('Check that no subscription is left behind', () => flows.noSubscriptionsLeft(running, authData));
  } catch {
    // The failed step has printed why; what it started is stopped below.
  } finally {
    await zap?.stop();
    rmSync(buildDir, { recursive: true, force: true });
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const outcome = steps.failed ? `step ${steps.count} failed` : `${trigger} fired and turned off`;
  console.log(
    `\n${steps.failed ? 'FAIL' : 'PASS'}: ${outcome} in ${seconds} s; emulator, hook catcher and build stopped.`,
  );
  return !steps.failed;
};

const [key] = process.argv.slice(2);
if (!isInstantTrigger(key)) {
  const usage = `Name an instant trigger: npm run trigger -- KEY, where KEY is one of ${INSTANT_TRIGGERS.join(', ')}.`;
  console.error(key ? `“${key}” is not an instant trigger. ${usage}` : usage);
  process.exit(1);
}
main(key).then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
