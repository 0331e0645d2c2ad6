/**
 * `npm run bench`: what speed means for a Zapier app, measured side by side
 * in one run, and the goals it must meet (exit 1 when one is missed or when
 * anything it measures fails, naming which):
 *
 * - cold start as Zapier pays it: a fresh Node process loads build.zip's app
 *   and runs one Create Task against a loopback server, against a floor in
 *   the same run (bare zapier-platform-core running a hand-written step that
 *   sends the same request, floor-app.js); the median of per-pair ratios over
 *   interleaved pairs, wall and CPU time; the load alone beside it;
 * - the same cold start counted in instructions under valgrind, the figure
 *   that does not move with the machine's load, and one hook event's process;
 * - signed hook events as Zapier's worker runs them, CPU time per event in
 *   fresh processes, against a hand-written hook floor (floor-hook-app.js)
 *   that applies the same signature rules;
 * - the definition Zapier's runtime copies, rebuilds and freezes twice on
 *   every invocation: its objects and its JSON, the app's and the floors';
 * - build.zip's size and files;
 * - HTTP requests per step and hook throughput in one process (steps.ts);
 * - the test suite's wall time, and that it passes.
 *
 * It builds into a temporary folder (never build/ or dist/), removes it on
 * every path, reports progress on stderr and prints a Markdown table on
 * stdout. `--zip FILE` measures only the cold start, size and definition of
 * that build.zip, another commit's (how docs/PERFORMANCE.md measured the one
 * before); `--no-tests` leaves out the test suite.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createdTask, taskFixture, taskInput } from '../fixtures';
import { startHookCatcher } from '../zap/hook-catcher';
import { type DeliveryOptions, signedDelivery } from './delivery';
import { measureResultData } from './result-data';
import { measureSteps, type Row } from './steps';

// npm runs scripts from the project's root.
const project = process.cwd();
const { values: args } = parseArgs({
  options: { zip: { type: 'string' }, 'no-tests': { type: 'boolean', default: false } },
});
const PAIRS = Number(process.env.BENCH_PAIRS ?? 31);
const HOOK_EVENTS = Number(process.env.BENCH_HOOK_EVENTS ?? 2000);
/** Events each hook process handles before its timed ones, so that V8 has compiled the hot paths. */
const HOOK_WARMUP = Math.ceil(HOOK_EVENTS / 4);
const COLD_START_GOAL = 5;
const HOOK_GOAL_RATIO = 2;
const ZIP_GOAL_BYTES = 900_000;
const API_KEY = 'ct_bench_3c5e7a9b1d2f4e6a';

const started = performance.now();
const progress = (message: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const percent = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const thousands = (count: number) => count.toLocaleString('en-US', { maximumFractionDigits: 0 });
const micros = (value: number) => `${thousands(value)} µs`;
const millions = (count: number) =>
  `${(count / 1e6).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} M`;
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

interface ProcessRun {
  code: number | null;
  wallMs: number;
  /** What it printed on stdout. */
  stdout: string;
  /** What it printed on stdout and stderr, as it came. */
  output: string;
}

/** A child process (Node unless `command` says otherwise), timed from spawn to exit, with what it printed. */
const runProcess = (args: string[], cwd?: string, command = process.execPath): Promise<ProcessRun> =>
  new Promise((resolvePromise, reject) => {
    const since = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    let wallMs = 0;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', () => {
      wallMs = performance.now() - since;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, wallMs, stdout, output }));
  });

/** A process that must succeed; fails with what it printed when it does not. */
const succeed = async (args: string[], cwd?: string, command?: string): Promise<ProcessRun> => {
  const run = await runProcess(args, cwd, command);
  if (run.code !== 0) {
    const what = [command, ...args].filter(Boolean).join(' ').slice(0, 300);
    throw new Error(`${what} exited with ${run.code}: ${run.output.trim().slice(-2000)}`);
  }
  return run;
};

interface ColdStart {
  wallMs: number;
  cpuMs: number;
  answer: unknown;
}

const COLD_START = join(__dirname, 'cold-start.js');
const HOOK_EVENTS_SCRIPT = join(__dirname, 'hook-events.js');

/** One cold-start.js process: its wall time, and the CPU time and answer it reported. */
const coldStart = async (args: string[]): Promise<ColdStart> => {
  const { wallMs, stdout } = await succeed([COLD_START, ...args]);
  const { cpuMs, answer } = JSON.parse(lastLine(stdout));
  return { wallMs, cpuMs, answer };
};

interface HookRun {
  /** CPU time per timed event, in µs. */
  eventCpuUs: number;
  answer: unknown;
}

/** One hook-events.js process: `events` signed events after `warmup`, the same bundle each time. */
const hookEvents = async (appFile: string, events: number, warmup: number, bundle: string): Promise<HookRun> => {
  const { stdout } = await succeed([HOOK_EVENTS_SCRIPT, appFile, String(events), String(warmup), bundle]);
  const { eventCpuUs, answer } = JSON.parse(lastLine(stdout));
  return { eventCpuUs, answer };
};

const NO_VALGRIND = 'not measured: valgrind is not installed';

/** valgrind's version, or undefined when it is not installed. */
const valgrindVersion = async (): Promise<string | undefined> => {
  try {
    const run = await runProcess(['--version'], undefined, 'valgrind');
    return run.code === 0 ? run.output.trim() : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The instructions one Node process executes, counted by valgrind with V8 on
 * one thread and deterministic; with what the script answered.
 */
const instructions = async (script: string, args: string[]): Promise<{ count: number; answer: unknown }> => {
  const run = await succeed(
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/dev/null',
      process.execPath,
      '--single-threaded',
      '--predictable',
      script,
      ...args,
    ],
    undefined,
    'valgrind',
  );
  const count = Number(/I\s+refs:\s+([\d,]+)/.exec(run.output)?.[1]?.replace(/,/g, ''));
  if (!count) throw new Error(`valgrind printed no instruction count: ${run.output.trim().slice(-500)}`);
  return { count, answer: JSON.parse(lastLine(run.stdout)).answer };
};

const rows: Row[] = [];
const failures: string[] = [];
const record = (row: Row) => {
  rows.push(row);
  if (row.goal && !row.met) failures.push(`${row.what}: ${row.value}, goal ${row.goal}`);
};

/** One measure: when it fails, the table says so in its row and the run fails, and the next measure still runs. */
const attempt = async (what: string, measure: () => Promise<void>) => {
  try {
    await measure();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    rows.push({ what, value: `FAILED: ${message.split('\n')[0]}` });
    failures.push(`${what} failed: ${message}`);
  }
};

/** The bench's own build.zip, in `dir`, built the way `npm run build` builds it. */
const buildZip = async (dir: string): Promise<string> => {
  progress('building build.zip in a temporary folder (about 20 s)');
  await succeed([join(project, 'dev', 'scripts', 'build-zip.mjs'), '--out', dir], project);
  return join(dir, 'build.zip');
};

interface Pair<T> {
  floor: T;
  app: T;
}

/**
 * PAIRS pairs of runs, the floor first in every other pair, so that the
 * machine's drift and the order touch both alike; `ratio` of each pair shows
 * the progress every ten pairs.
 */
const inPairs = async <T>(
  what: string,
  floor: (pair: number) => Promise<T>,
  app: (pair: number) => Promise<T>,
  show: (pairs: Pair<T>[]) => string,
): Promise<Pair<T>[]> => {
  const pairs: Pair<T>[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const order = pair % 2 ? ([app, floor] as const) : ([floor, app] as const);
    const [first, second] = [await order[0](pair), await order[1](pair)];
    pairs.push(pair % 2 ? { floor: second, app: first } : { floor: first, app: second });
    if ((pair + 1) % 10 === 0 || pair + 1 === PAIRS) progress(`${what}: ${pair + 1}/${PAIRS} pairs, ${show(pairs)}`);
  }
  return pairs;
};

/** Fresh cold-start.js processes in interleaved pairs: median wall and CPU times, and the medians of their ratios. */
const coldStarts = async (what: string, floor: string[], app: string[], check: (answer: unknown) => void) => {
  const pairs = await inPairs(
    what,
    () => coldStart(floor),
    async () => {
      const run = await coldStart(app);
      check(run.answer);
      return run;
    },
    (sofar) => `app ${percent(median(sofar.map((p) => p.app.wallMs / p.floor.wallMs)))} wall so far`,
  );
  const ratio = (key: 'wallMs' | 'cpuMs') => median(pairs.map((p) => p.app[key] / p.floor[key]));
  const of = (side: 'floor' | 'app', key: 'wallMs' | 'cpuMs') => median(pairs.map((p) => p[side][key]));
  return {
    wall: { floor: of('floor', 'wallMs'), app: of('app', 'wallMs'), ratio: ratio('wallMs') },
    cpu: { floor: of('floor', 'cpuMs'), app: of('app', 'cpuMs'), ratio: ratio('cpuMs') },
  };
};

/**
 * A definition's size as Zapier's runtime pays for it on every invocation,
 * twice (compileApp in create-app.js and again in create-lambda-handler.js):
 * lodash's deep copy copies each distinct object once; the rebuild
 * (recurseReplace) and the deep freeze that follow visit an object once for
 * every reference to it. Functions count as nothing, as in its JSON.
 */
const definitionSize = (definition: unknown) => {
  const distinct = new Set<object>();
  let referenced = 0;
  const visit = (value: unknown, within: object[]) => {
    if (value === null || typeof value !== 'object') return;
    if (within.includes(value)) throw new Error('The definition contains itself.');
    referenced++;
    distinct.add(value);
    for (const item of Object.values(value)) visit(item, [...within, value]);
  };
  visit(definition, []);
  const jsonBytes = Buffer.byteLength(JSON.stringify(definition));
  return `${thousands(distinct.size)} distinct, ${thousands(referenced)} counted per reference; ${thousands(jsonBytes)} bytes of JSON`;
};

/** Both the app's and the floor's instruction counts, as a row's value. */
const instructionRatio = (floor: number, app: number) =>
  `${percent(app / floor)} (${millions(app)} against ${millions(floor)})`;

const measure = async (workDir: string) => {
  const zip = args.zip ? resolve(args.zip) : await buildZip(join(workDir, 'build'));
  const unzipped = join(workDir, 'app');
  progress(`unzipping ${args.zip ? zip : 'build.zip'} as Zapier's worker does`);
  const decompress = require('zapier-platform-cli/src/utils/decompress.js');
  const files: { type: string }[] = await decompress(zip, unzipped);
  const zipBytes = statSync(zip).size;
  record({
    what: 'build.zip size',
    value: `${(zipBytes / 1e6).toFixed(3)} MB (${zipBytes} bytes)`,
    goal: '≤ 0.9 MB',
    met: zipBytes <= ZIP_GOAL_BYTES,
  });
  record({ what: 'build.zip files', value: String(files.filter((file) => file.type === 'file').length) });

  const appFile = join(unzipped, 'index.js');
  const floorFile = join(unzipped, 'floor-app.js');
  const floorHookFile = join(unzipped, 'floor-hook-app.js');
  copyFileSync(join(project, 'dev', 'bench', 'floor-app.js'), floorFile);
  copyFileSync(join(project, 'dev', 'bench', 'floor-hook-app.js'), floorHookFile);

  await attempt('Definition size', async () => {
    for (const [what, file] of [
      ['the app', appFile],
      ['the Create Task floor', floorFile],
      ['the hook floor', floorHookFile],
    ] as const) {
      record({
        what: `Definition the runtime copies twice per call, ${what}: objects, JSON`,
        value: definitionSize(require(file)),
      });
    }
  });

  const valgrind = await valgrindVersion();
  if (valgrind) progress(`${valgrind} is installed: instructions will be counted`);

  await attempt('Cold start', async () => {
    // CodeTether on loopback: answers every Create Task as production does, and keeps the requests.
    const server = await startHookCatcher(() => ({ status: 201, body: createdTask({ model: 'default' }) }));
    const expectTask = (answer: unknown) => {
      const task = answer as { task_id?: string; status?: string } | null;
      if (task?.task_id !== createdTask().task_id || task.status !== 'queued')
        throw new Error(`Create Task answered ${JSON.stringify(answer)} instead of the queued task.`);
    };
    try {
      // The app's request, once; the floor sends the same body, and every later pair is checked against it.
      const step = (file: string, input: unknown) => ['step', file, server.url, API_KEY, JSON.stringify(input)];
      expectTask((await coldStart(step(appFile, taskInput()))).answer);
      const [appRequest] = server.caught;
      if (!appRequest) throw new Error('The app’s Create Task sent no request.');
      const appBody = JSON.parse(appRequest.raw);
      expectTask((await coldStart(step(floorFile, appBody))).answer);
      const floorRequest = server.caught.at(-1);
      if (floorRequest?.raw !== appRequest.raw || floorRequest.headers.authorization !== `Bearer ${API_KEY}`)
        throw new Error(`The floor sent ${floorRequest?.raw}, not the app's request ${appRequest.raw}.`);

      progress(`cold start (load and one Create Task): ${PAIRS} interleaved pairs of fresh processes`);
      const sentBefore = server.caught.length;
      const steps = await coldStarts('cold start', step(floorFile, appBody), step(appFile, taskInput()), expectTask);
      const sent = server.caught.length - sentBefore;
      if (sent !== 2 * PAIRS) throw new Error(`The cold starts sent ${sent} requests, not ${2 * PAIRS}.`);
      record({
        what: 'Cold start, floor: bare core, one hand-written step (median wall / CPU)',
        value: `${ms(steps.wall.floor)} / ${ms(steps.cpu.floor)}`,
      });
      record({
        what: 'Cold start, the app: load and one Create Task (median wall / CPU)',
        value: `${ms(steps.wall.app)} / ${ms(steps.cpu.app)}`,
      });
      record({
        what: `Cold start over the floor, wall (median of ${PAIRS} per-pair ratios)`,
        value: percent(steps.wall.ratio),
        goal: `≤ +${COLD_START_GOAL} %`,
        met: steps.wall.ratio <= 1 + COLD_START_GOAL / 100,
      });
      record({
        what: `Cold start over the floor, CPU (median of ${PAIRS} per-pair ratios)`,
        value: percent(steps.cpu.ratio),
        goal: `≤ +${COLD_START_GOAL} %`,
        met: steps.cpu.ratio <= 1 + COLD_START_GOAL / 100,
      });

      const what = 'Cold start over the floor, instructions (valgrind, one process each)';
      if (!valgrind) record({ what, value: NO_VALGRIND });
      else {
        await attempt(what, async () => {
          progress('cold start in instructions: one process of each under valgrind, side by side (about a minute)');
          const [floor, app] = await Promise.all([
            instructions(COLD_START, step(floorFile, appBody)),
            instructions(COLD_START, step(appFile, taskInput())),
          ]);
          expectTask(floor.answer);
          expectTask(app.answer);
          record({
            what,
            value: instructionRatio(floor.count, app.count),
            goal: `≤ +${COLD_START_GOAL} %`,
            met: app.count / floor.count <= 1 + COLD_START_GOAL / 100,
          });
        });
      }
    } finally {
      await server.close();
    }
  });

  await attempt('Load only', async () => {
    progress(`load only (require, no step): ${PAIRS} interleaved pairs`);
    const core = join(unzipped, 'node_modules', 'zapier-platform-core');
    const loads = await coldStarts('load only', ['load', core], ['load', appFile], () => {});
    record({
      what: `Load only: the app over bare core, wall / CPU (median of ${PAIRS} per-pair ratios)`,
      value: `${percent(loads.wall.ratio)} / ${percent(loads.cpu.ratio)} (${ms(loads.wall.app)} against ${ms(loads.wall.floor)})`,
    });
  });

  // Steps, hooks and tests belong to this checkout, not to another commit's zip.
  if (args.zip) return;
  await attempt('Hook events', () => measureHookEvents(appFile, floorHookFile, valgrind !== undefined));

  await attempt('Requests per step, the signature check and Result Data', async () => {
    progress('requests per step and the signature check, against the emulator');
    for (const row of await measureSteps(appFile)) record(row);
    progress('reading Result Data from hostile answers, 10 KB to 1 MB');
    for (const row of measureResultData()) record(row);
  });

  if (!args['no-tests']) {
    progress('the test suite (jest, 2 workers)');
    const since = performance.now();
    const tests = await runProcess([require.resolve('jest/bin/jest'), '--silent', '--maxWorkers=2'], project);
    const seconds = (performance.now() - since) / 1000;
    const summary = tests.output.match(/^(\d+) passed, (\d+) failed$/m);
    record({
      what: 'Test suite wall time (jest, 2 workers)',
      value: `${seconds.toFixed(1)} s (${summary?.[0] ?? 'no summary'})`,
      goal: 'all pass',
      met: tests.code === 0 && summary?.[2] === '0',
    });
  }
};

/**
 * Task Completed's perform on signed deliveries, the app against the hook
 * floor: first the same verdict on every kind of delivery, one process each;
 * then CPU time per event in fresh processes, in interleaved pairs with the
 * same bundle, freshly signed for each pair (a signed timestamp is good for
 * 5 minutes); then, when valgrind is installed, one event's process
 * counted in instructions.
 */
const measureHookEvents = async (appFile: string, floorFile: string, countInstructions: boolean) => {
  const subscribeData = { id: 'wh_bench_7f3a9c2e51', secret: randomBytes(32).toString('hex') };
  const bundle = (options: Partial<DeliveryOptions> = {}) =>
    JSON.stringify(signedDelivery({ task: taskFixture(), subscribeData, ...options }));
  /** Whether `answer` is the one event of the delivery, with its id and its task. */
  const delivered = (answer: unknown) => {
    const [event, ...more]: { id?: unknown; task_id?: unknown }[] = Array.isArray(answer) ? answer : [];
    return more.length === 0 && event?.id === 'evt_bench_1' && event.task_id === taskFixture().task_id;
  };
  const kinds: [string, Partial<DeliveryOptions>, boolean][] = [
    ['signed over the raw body', {}, true],
    ['signed over its Python json.dumps form', { signs: 'python' }, true],
    ['without a signature', { without: 'signature' }, false],
    ['without a timestamp', { without: 'timestamp' }, false],
    ['signed with another secret', { signedWith: randomBytes(32).toString('hex') }, false],
    ['signed 10 minutes ago', { timestamp: Math.floor(Date.now() / 1000) - 600 }, false],
  ];
  progress('hook events: the app and its floor on every kind of delivery, one process each');
  for (const [kind, options, accepted] of kinds) {
    const delivery = bundle(options);
    for (const [who, file] of [
      ['the app', appFile],
      ['the hook floor', floorFile],
    ] as const) {
      const { answer } = await hookEvents(file, 1, 0, delivery);
      const verdict = delivered(answer) ? true : Array.isArray(answer) && answer.length === 0 ? false : undefined;
      if (verdict !== accepted)
        throw new Error(
          `${who} ${verdict === undefined ? `answered ${JSON.stringify(answer)} to` : verdict ? 'accepted' : 'refused'} a delivery ${kind}.`,
        );
    }
  }

  progress(
    `hook events: ${PAIRS} interleaved pairs of fresh processes, ${HOOK_EVENTS} events each after ${HOOK_WARMUP}`,
  );
  const bundles: string[] = [];
  const bundleOf = (pair: number) => {
    bundles[pair] ??= bundle();
    return bundles[pair];
  };
  const run = (file: string) => async (pair: number) => {
    const result = await hookEvents(file, HOOK_EVENTS, HOOK_WARMUP, bundleOf(pair));
    if (!delivered(result.answer))
      throw new Error(`${file} did not deliver the event: ${JSON.stringify(result.answer)}`);
    return result;
  };
  const pairs = await inPairs(
    'hook events',
    run(floorFile),
    run(appFile),
    (sofar) => `app ${median(sofar.map((p) => p.app.eventCpuUs / p.floor.eventCpuUs)).toFixed(2)} × the floor so far`,
  );
  const ratio = median(pairs.map((p) => p.app.eventCpuUs / p.floor.eventCpuUs));
  record({
    what: `Hook events, floor: bare core, a hand-written signed hook (median CPU per event of ${HOOK_EVENTS})`,
    value: micros(median(pairs.map((p) => p.floor.eventCpuUs))),
  });
  record({
    what: 'Hook events, the app: Task Completed’s perform (median CPU per event)',
    value: micros(median(pairs.map((p) => p.app.eventCpuUs))),
  });
  record({
    what: `Hook events over the floor, CPU per event (median of ${PAIRS} per-pair ratios)`,
    value: `${ratio.toFixed(2)} ×`,
    goal: `≤ ${HOOK_GOAL_RATIO} × the floor`,
    met: ratio <= HOOK_GOAL_RATIO,
  });

  const what = 'One hook event’s process over the floor, instructions (valgrind, one process each)';
  if (!countInstructions) {
    record({ what, value: NO_VALGRIND });
    return;
  }
  progress('one hook event’s process in instructions: one of each under valgrind, side by side (about 30 s)');
  const delivery = bundle();
  const [floor, app] = await Promise.all([
    instructions(HOOK_EVENTS_SCRIPT, [floorFile, '1', '0', delivery]),
    instructions(HOOK_EVENTS_SCRIPT, [appFile, '1', '0', delivery]),
  ]);
  if (!delivered(floor.answer) || !delivered(app.answer)) throw new Error('A hook event under valgrind was refused.');
  record({ what, value: instructionRatio(floor.count, app.count) });
};

const main = async () => {
  if (!Number.isInteger(PAIRS) || PAIRS < 21) {
    console.error(`BENCH_PAIRS must be a whole number of at least 21, not “${process.env.BENCH_PAIRS}”.`);
    process.exit(1);
  }
  if (!Number.isInteger(HOOK_EVENTS) || HOOK_EVENTS < 1) {
    console.error(`BENCH_HOOK_EVENTS must be a whole number of at least 1, not “${process.env.BENCH_HOOK_EVENTS}”.`);
    process.exit(1);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'codetether-bench-'));
  const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  try {
    await measure(workDir);
  } catch (error) {
    failures.push(`the bench stopped: ${error instanceof Error ? error.message : error}`);
  } finally {
    cleanUp();
  }
  console.log('| Measure | Value | Goal | |');
  console.log('|---|---|---|---|');
  for (const row of rows) {
    const verdict = row.goal ? (row.met ? 'met' : 'MISSED') : '';
    console.log(`| ${row.what} | ${row.value} | ${row.goal ?? ''} | ${verdict} |`);
  }
  progress(failures.length ? `FAIL:\n  ${failures.join('\n  ')}` : 'PASS: every goal met');
  process.exitCode = failures.length ? 1 : 0;
};

void main();
