// `npm run bench`: what speed means for a Zapier app, measured side by side
// in one run. Cold load (the app over bare zapier-platform-core), the size of
// build.zip, HTTP requests per step, hook throughput with signature checks,
// and the test suite's wall time. Prints a Markdown table; docs/PERFORMANCE.md
// records a run. Goals fail the run (exit 1) when missed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const require = createRequire(import.meta.url);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 31);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const quartiles = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
  return [at(0.25), at(0.75)];
};
const ms = (value) => `${value.toFixed(1)} ms`;

/** Time of `require(target)` in a fresh Node process, measured inside it, after `preload` if given. */
const loadTime = (target, preload) => {
  const before = preload ? `require(${JSON.stringify(preload)});` : '';
  const script = `${before}const t=process.hrtime.bigint();require(${JSON.stringify(target)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' }));
};

const rows = [];
const misses = [];
const record = (what, value, goal, met) => {
  rows.push({ what, value, goal: goal ?? '', verdict: goal ? (met ? 'met' : 'MISSED') : '' });
  if (goal && !met) misses.push(what);
};

// ---------------------------------------------------------------- cold load
const out = join(project, '.tmp', 'bench-app');
mkdirSync(join(project, '.tmp'), { recursive: true });
execFileSync(process.execPath, [join(project, 'dev', 'scripts', 'compile.mjs'), '--out', out], { stdio: 'ignore' });
const floorTimes = [];
const appTimes = [];
const ownTimes = [];
// Interleaved, so that the machine's drift touches both alike.
for (let run = 0; run < COLD_RUNS; run++) {
  floorTimes.push(loadTime('zapier-platform-core'));
  appTimes.push(loadTime(join(out, 'index.js')));
  ownTimes.push(loadTime(join(out, 'index.js'), 'zapier-platform-core'));
}
const floor = median(floorTimes);
const app = median(appTimes);
const [floorQ1, floorQ3] = quartiles(floorTimes);
const [appQ1, appQ3] = quartiles(appTimes);
record(
  `Cold load: bare zapier-platform-core (median of ${COLD_RUNS}, IQR)`,
  `${ms(floor)} (${ms(floorQ1)}–${ms(floorQ3)})`,
);
record(`Cold load: the app (median of ${COLD_RUNS}, IQR)`, `${ms(app)} (${ms(appQ1)}–${ms(appQ3)})`);
record(`Cold load: the app's own code, after core (median of ${COLD_RUNS})`, ms(median(ownTimes)));
const overhead = (app / floor - 1) * 100;
record(
  'Cold load: the app over the floor',
  `${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} %`,
  '≤ +5 %',
  overhead <= 5,
);

// ---------------------------------------------------------------- build.zip
execFileSync('npm', ['run', '--silent', 'build'], { cwd: project, stdio: 'ignore' });
const zipPath = join(project, 'build', 'build.zip');
const AdmZip = require('adm-zip');
const entries = new AdmZip(zipPath).getEntries().filter((entry) => !entry.isDirectory);
const zipBytes = statSync(zipPath).size;
record('build.zip size', `${(zipBytes / 1e6).toFixed(3)} MB`, '≤ 1.2 MB', zipBytes <= 1.2e6);
record('build.zip files', String(entries.length));

// ---------------------------------------------------------------- requests per step and hook throughput
const { measureSteps } = await import('./steps.mjs');
for (const row of await measureSteps({ app: join(out, 'index.js') })) record(row.what, row.value, row.goal, row.met);

// ---------------------------------------------------------------- test suite
if (!process.argv.includes('--no-tests')) {
  const started = process.hrtime.bigint();
  const tests = spawnSync(join(project, 'node_modules', '.bin', 'jest'), ['--silent'], {
    cwd: project,
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = `${tests.stdout}\n${tests.stderr}`.match(/^\d+ passed, \d+ failed$/m)?.[0] ?? 'no summary';
  record('Test suite wall time (jest, 2 workers)', `${seconds.toFixed(1)} s (${summary})`);
}

rmSync(out, { recursive: true, force: true });
console.log('| Measure | Value | Goal | |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(`| ${row.what} | ${row.value} | ${row.goal} | ${row.verdict} |`);
if (misses.length) {
  console.error(`\nMissed: ${misses.join('; ')}`);
  process.exitCode = 1;
}
