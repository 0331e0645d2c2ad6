/**
 * Signed hook events in a fresh Node process started by the bench: what
 * Zapier's worker does with deliveries to an instant trigger
 * (createAppHandler on the app's file, with the zapier-platform-core
 * shipped beside it, one `execute` of `triggers.task_completed.operation.perform`
 * per event), WARMUP events first, then EVENTS events timed by the process's
 * own CPU clock. Prints the CPU time per timed event, the whole process's CPU
 * time and what the last event answered as one line of JSON, then exits.
 *
 * With EVENTS 1 and WARMUP 0 it is one hook event's cold start, which the
 * bench counts in instructions. Like cold-start.js it stays outside the Zap
 * harness, so that the process holds only the app and its own core.
 *
 * Usage: node hook-events.js APP_FILE EVENTS WARMUP BUNDLE_JSON
 */
import { createRequire } from 'node:module';

const [appFile = '', events = '1', warmup = '0', bundle = '{}'] = process.argv.slice(2);

const fail = (error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
};

const main = async () => {
  const { createAppHandler } = createRequire(appFile)('zapier-platform-core');
  const handler = createAppHandler(appFile);
  const event = { command: 'execute', method: 'triggers.task_completed.operation.perform', bundle: JSON.parse(bundle) };
  let answer: unknown;
  for (let i = 0; i < Number(warmup); i++) ({ results: answer } = await handler(event));
  const before = process.cpuUsage();
  for (let i = 0; i < Number(events); i++) ({ results: answer } = await handler(event));
  const { user, system } = process.cpuUsage(before);
  process.stdout.write(`${JSON.stringify({ eventCpuUs: (user + system) / Number(events), answer })}\n`);
  process.exit(0);
};

main().catch(fail);
