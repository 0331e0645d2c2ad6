/**
 * The part of `npm run bench` that runs steps: HTTP requests per step in its
 * common case, counted from the platform's own HTTP log of each run against
 * the emulator, and what a delivery's signature check costs alone.
 */
import { verifyDelivery } from '../../lib/webhooks/signature';
import { startEmulator } from '../emulator/server';
import { taskInput } from '../fixtures';
import { startHookCatcher } from '../zap/hook-catcher';
import { type StepBundle, zapierRuntime } from '../zap/runtime';
import { signedDelivery } from './delivery';

/** Enough signature checks for a steady µs figure; hook events through the runtime are bench.ts's to time. */
const VERIFY_ROUNDS = 20_000;

export interface Row {
  what: string;
  value: string;
  goal?: string;
  met?: boolean;
}

type Answer = Record<string, unknown>;

/** Runs every step of the app at `appFile` once, and times the signature check of a delivery. */
export const measureSteps = async (appFile: string): Promise<Row[]> => {
  // Tasks stay queued through the run, so that Cancel Task has one to cancel.
  const emulator = await startEmulator({
    tasks: { startDelayMs: 600_000, runDelayMs: 600_000 },
    rateLimit: { limit: 100_000, windowMs: 60_000 },
  });
  // Zapier's hook URL, stood in for on loopback: the emulator delivers there.
  const catcher = await startHookCatcher();
  const app = zapierRuntime(appFile);
  const authData = { api_key: emulator.options.users[0]?.apiKey ?? '', base_url: emulator.url };

  /** Runs one method as Zapier does; answers its results and the HTTP requests it made. */
  const run = async <T = Answer>(method: string, bundle: StepBundle = {}, callbackUrl?: string) => {
    let requests = 0;
    const { results } = await app.run<T>(
      method,
      { authData, meta: {}, ...bundle },
      {
        callbackUrl,
        log: (_message, data) => {
          if (data.log_type === 'http') requests++;
        },
      },
    );
    return { results, requests };
  };

  const rows: Row[] = [];
  const count = (what: string, measured: { requests: number }, goal?: number) =>
    rows.push({
      what: `Requests: ${what}`,
      value: String(measured.requests),
      goal: goal === undefined ? undefined : `${goal}`,
      met: goal === undefined || measured.requests <= goal,
    });

  try {
    count('connection test (API key: GET /v1/users/me)', await run('authentication.test'), 1);
    count('Model dropdown', await run('triggers.list_models.operation.perform'));
    count('Task dropdown, one page', await run('triggers.list_recent_tasks.operation.perform'));
    const created = await run('creates.create_task.operation.perform', { inputData: taskInput() });
    count('Create Task', created, 1);
    const taskId = String(created.results.id);
    count('Find Task by ID', await run('searches.find_task.operation.perform', { inputData: { task_id: taskId } }), 1);
    count(
      'Find Task by title (match on the first page)',
      await run('searches.find_task.operation.perform', { inputData: { title: 'sales call' } }),
    );
    count(
      'Run Task and Wait (perform; the resume makes none)',
      await run('creates.run_task.operation.perform', { inputData: taskInput() }, catcher.callbackUrl('bench')),
      1,
    );
    const toCancel = await run('creates.create_task.operation.perform', { inputData: taskInput() });
    count(
      'Cancel Task',
      await run('creates.cancel_task.operation.perform', { inputData: { task_id: toCancel.results.id } }),
      1,
    );
    const subscribed = await run<{ id: string; secret: string }>('triggers.task_completed.operation.performSubscribe', {
      targetUrl: catcher.hookUrl('bench'),
    });
    count('Task Completed: subscribe', subscribed, 1);
    count(
      'Task Completed: performList (GET /webhooks, whether the server offers subscriptions, then the tasks)',
      await run('triggers.task_completed.operation.performList'),
    );
    count('Task Finished: one poll (completed and failed)', await run('triggers.task_finished.operation.perform'));
    count('New Task: one poll', await run('triggers.new_task.operation.perform'));

    // A delivery as the emulator sends it: the whole task embedded, signed over its timestamp and the raw body.
    const [task] = (await run<Answer[]>('searches.find_task.operation.perform', { inputData: { task_id: taskId } }))
      .results;
    if (!task) throw new Error(`Find Task found no task ${taskId}.`);
    const { secret } = subscribed.results;
    const rawSigned = signedDelivery({ task, subscribeData: subscribed.results });
    const pythonSigned = signedDelivery({ task, subscribeData: subscribed.results, signs: 'python' });
    const perform = 'triggers.task_completed.operation.perform';
    const delivered = await run<Answer[]>(perform, rawSigned);
    if (delivered.results.length !== 1) throw new Error('The signed delivery was not accepted.');
    count('Task Completed: one delivered event, task embedded', delivered, 0);
    if ((await run<Answer[]>(perform, pythonSigned)).results.length !== 1)
      throw new Error('The Python-style delivery was not accepted.');

    // The runtime's own cost per event hides the fallback's; measured alone it shows.
    const verifyCost = (bundle: typeof rawSigned) => {
      const options = {
        secret,
        signature: bundle.rawRequest.headers['Http-X-Codetether-Signature'],
        rawBody: bundle.rawRequest.content,
        timestamp: bundle.rawRequest.headers['Http-X-Codetether-Timestamp'],
        accepts: 'timestamped' as const,
      };
      const started = performance.now();
      for (let i = 0; i < VERIFY_ROUNDS; i++) if (verifyDelivery(options) !== 'valid') throw new Error('not valid');
      return ((performance.now() - started) * 1000) / VERIFY_ROUNDS;
    };
    verifyCost(rawSigned); // warm-up
    const rawVerify = verifyCost(rawSigned);
    const pythonVerify = verifyCost(pythonSigned);
    rows.push({
      what: 'Signature check alone: raw body / Python-style fallback',
      value: `${rawVerify.toFixed(1)} µs / ${pythonVerify.toFixed(1)} µs per event (fallback +${(pythonVerify - rawVerify).toFixed(1)} µs)`,
    });
    count(
      'Task Completed: unsubscribe',
      await run('triggers.task_completed.operation.performUnsubscribe', { subscribeData: subscribed.results }),
      1,
    );
  } finally {
    await Promise.all([emulator.close(), catcher.close()]);
  }
  return rows;
};
