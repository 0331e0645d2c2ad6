/**
 * `npm run trigger -- <key>`: one instant trigger working locally, as Zapier
 * runs it. Compiles the app, starts the emulator and the hook catcher,
 * connects, turns the trigger on (performSubscribe), makes a task reach the
 * trigger's event, hands the signed delivery that arrives to the trigger's
 * perform, prints what the trigger outputs, turns it off again and stops
 * everything it started. Exits 0 only when the trigger fired for that task.
 */
import { EVENT_STATUS, type InstantEvent } from '../../lib/api/contract';
import { excerpt } from '../../lib/api/text';
import * as flows from './flows';
import { runZapSteps } from './script';

// Every instant trigger is keyed by the event it waits for.
const INSTANT_TRIGGERS = Object.keys(EVENT_STATUS) as InstantEvent[];

const isInstantTrigger = (key: string | undefined): key is InstantEvent =>
  (INSTANT_TRIGGERS as (string | undefined)[]).includes(key);

const main = async (trigger: InstantEvent): Promise<boolean> => {
  console.log(`CodeTether for Zapier: the instant trigger ${trigger} against the local CodeTether emulator\n`);
  const { count, failed, ms } = await runZapSteps('trigger', async (running, step) => {
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
    await step('Turn the Zap off (performUnsubscribe)', () => flows.unsubscribe(running, authData, subscription));
    await step('Check that no subscription is left behind', () => flows.noSubscriptionsLeft(running, authData));
  });

  const outcome = failed ? `step ${count} failed` : `${trigger} fired and turned off`;
  console.log(
    `\n${failed ? 'FAIL' : 'PASS'}: ${outcome} in ${(ms / 1000).toFixed(1)} s; emulator, hook catcher and build stopped.`,
  );
  return !failed;
};

const [key] = process.argv.slice(2);
if (!isInstantTrigger(key)) {
  const usage = `Name an instant trigger: npm run trigger -- KEY, where KEY is one of ${INSTANT_TRIGGERS.join(', ')}.`;
  // The name is quoted as a short printable excerpt: control characters never reach the terminal.
  console.error(key ? `“${excerpt(key)}” is not an instant trigger. ${usage}` : usage);
  process.exit(1);
}
void main(key).then((passed) => process.exit(passed ? 0 : 1));
