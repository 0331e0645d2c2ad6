// The part of `npm run bench` that runs steps: HTTP requests per step in its
// common case, counted from the platform's own HTTP log of each run against
// the local emulator, and the hook perform's throughput with signature checks.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const require = createRequire(import.meta.url);
const HOOK_EVENTS = Number(process.env.BENCH_HOOK_EVENTS ?? 2000);

/** Compiles the emulator (dev-only TypeScript), and with it the signing code it shares with the app. */
const loadEmulator = () => {
  const out = join(project, '.tmp', 'bench-run');
  execFileSync(join(project, 'node_modules', '.bin', 'tsc'), [
    '-p',
    join(project, 'dev', 'tsconfig.run.json'),
    '--outDir',
    out,
  ]);
  return {
    ...require(join(out, 'dev', 'emulator', 'server.js')),
    ...require(join(out, 'lib', 'webhooks', 'signature.js')),
  };
};

export const measureSteps = async ({ app }) => {
  const { createAppHandler } = require('zapier-platform-core');
  const { startEmulator, signatureOf, signedMessage, pythonJsonDumps, verifyDelivery } = loadEmulator();
  // Tasks stay queued through the run, so that Cancel Task has one to cancel.
  const emulator = await startEmulator({
    tasks: { startDelayMs: 600_000, runDelayMs: 600_000 },
    rateLimit: { limit: 100_000, windowMs: 60_000 },
  });
  const handler = createAppHandler(app);
  const user = emulator.options.users[0];
  const authData = { api_key: user.apiKey, base_url: emulator.url };

  /** Runs one method as Zapier does; answers its result and the HTTP requests it made. */
  const run = async (method, bundle = {}, extra = {}) => {
    let requests = 0;
    const customLogger = (_message, data) => {
      if (data?.log_type === 'http') requests++;
    };
    const answer = await handler({
      command: 'execute',
      method,
      bundle: { authData, meta: {}, ...bundle },
      customLogger,
      // As for `zapier invoke`: no per-run memory report on stdout.
      calledFromCli: true,
      ...extra,
    });
    return { results: answer.results, requests };
  };

  const rows = [];
  const closers = [() => emulator.close()];
  const count = (what, measured, goal) =>
    rows.push({
      what: `Requests: ${what}`,
      value: String(measured.requests),
      goal: goal === undefined ? undefined : `${goal}`,
      met: goal === undefined || measured.requests <= goal,
    });

  try {
    const taskInput = { title: 'Bench task', description: 'Summarise the benchmark in one sentence.' };
    count('connection test (API key; production needs its /v1/users/me fallback)', await run('authentication.test'));
    count('Model dropdown', await run('triggers.list_models.operation.perform'));
    count('Task dropdown, one page', await run('triggers.list_recent_tasks.operation.perform'));
    const created = await run('creates.create_task.operation.perform', { inputData: taskInput });
    count('Create Task', created, 1);
    const taskId = created.results.id;
    count('Find Task by ID', await run('searches.find_task.operation.perform', { inputData: { task_id: taskId } }), 1);
    count(
      'Find Task by title (match on the first page)',
      await run('searches.find_task.operation.perform', { inputData: { title: 'bench' } }),
    );
    count(
      'Run Task and Wait (perform; the resume makes none)',
      await run(
        'creates.run_task.operation.perform',
        { inputData: taskInput },
        { callback_url: `${emulator.url}/unused-callback` },
      ),
      1,
    );
    const toCancel = await run('creates.create_task.operation.perform', { inputData: taskInput });
    count(
      'Cancel Task',
      await run('creates.cancel_task.operation.perform', { inputData: { task_id: toCancel.results.id } }),
      1,
    );
    // Zapier's hook URL, stood in for on loopback: the emulator delivers there.
    const catcher = createServer((request, response) => request.resume().on('end', () => response.end('{}')));
    await new Promise((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => catcher.close(resolve)));
    const targetUrl = `http://127.0.0.1:${catcher.address().port}/hooks/standard/1/bench/`;
    const subscribed = await run('triggers.task_completed.operation.performSubscribe', { targetUrl });
    count('Task Completed: subscribe', subscribed, 1);
    count('Task Completed: performList', await run('triggers.task_completed.operation.performList'));
    count('Task Finished: one poll (completed and failed)', await run('triggers.task_finished.operation.perform'));
    count('New Task: one poll', await run('triggers.new_task.operation.perform'));

    // A delivery as the emulator sends it: the whole task embedded, signed over its timestamp and the raw body.
    const task = (await run('searches.find_task.operation.perform', { inputData: { task_id: taskId } })).results[0];
    const { secret } = subscribed.results;
    const delivery = (signedBody) => {
      const body = {
        event: 'task_completed',
        event_id: 'evt_bench_1',
        task_id: task.task_id,
        run_id: task.run_id,
        status: 'completed',
        result: 'Résumé: the benchmark ran — “fine”.',
        error: null,
        timestamp: new Date().toISOString(),
        task: { ...task, result_summary: 'Résumé: the benchmark ran — “fine”.' },
      };
      const content = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      return {
        subscribeData: subscribed.results,
        cleanedRequest: body,
        rawRequest: {
          method: 'POST',
          querystring: '',
          content,
          headers: {
            'Http-Content-Type': 'application/json',
            'Http-X-Codetether-Signature': signatureOf(secret, signedMessage(signedBody(body, content), timestamp)),
            'Http-X-Codetether-Timestamp': timestamp,
          },
        },
      };
    };
    const rawSigned = delivery((_body, content) => content);
    const pythonSigned = delivery((body) => pythonJsonDumps(body));
    const perform = 'triggers.task_completed.operation.perform';
    const delivered = await run(perform, rawSigned);
    if (delivered.results.length !== 1) throw new Error('The signed delivery was not accepted.');
    count('Task Completed: one delivered event, task embedded', delivered, 0);
    if ((await run(perform, pythonSigned)).results.length !== 1)
      throw new Error('The Python-style delivery was not accepted.');

    const throughput = async (bundle) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < HOOK_EVENTS; i++) await run(perform, bundle);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { perSecond: HOOK_EVENTS / seconds, microsEach: (seconds / HOOK_EVENTS) * 1e6 };
    };
    await throughput(rawSigned); // warm-up
    const raw = await throughput(rawSigned);
    const python = await throughput(pythonSigned);
    rows.push({
      what: `Hook perform, raw-body signature (${HOOK_EVENTS} events through Zapier's runtime)`,
      value: `${Math.round(raw.perSecond)} events/s`,
    });
    rows.push({
      what: 'Hook perform, Python-style signature (the fallback)',
      value: `${Math.round(python.perSecond)} events/s`,
    });
    // The runtime's own cost per event hides the fallback's; measured alone it shows.
    const verifyCost = (bundle) => {
      const options = {
        secret,
        signature: bundle.rawRequest.headers['Http-X-Codetether-Signature'],
        rawBody: bundle.rawRequest.content,
        timestamp: bundle.rawRequest.headers['Http-X-Codetether-Timestamp'],
        accepts: 'timestamped',
      };
      const rounds = HOOK_EVENTS * 10;
      const started = process.hrtime.bigint();
      for (let i = 0; i < rounds; i++) if (verifyDelivery(options) !== 'valid') throw new Error('not valid');
      return Number(process.hrtime.bigint() - started) / 1e3 / rounds;
    };
    verifyCost(rawSigned); // warm-up
    const rawVerify = verifyCost(rawSigned);
    const pythonVerify = verifyCost(pythonSigned);
    rows.push({
      what: 'Signature check alone: raw body / Python-style fallback',
      value: `${rawVerify.toFixed(1)} µs / ${pythonVerify.toFixed(1)} µs per event (fallback +${(pythonVerify - rawVerify).toFixed(1)} µs)`,
    });
    const unsubscribed = await run('triggers.task_completed.operation.performUnsubscribe', {
      subscribeData: subscribed.results,
    });
    count('Task Completed: unsubscribe', unsubscribed, 1);
  } finally {
    for (const close of closers) await close();
  }
  return rows;
};
