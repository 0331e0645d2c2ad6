/**
 * The frame of the dev scripts that drive a Zap (`npm start`, `npm run
 * trigger`): the app compiled the way Zapier gets it, the emulator and the
 * hook catcher started, each step printed on its own line with a tick or a
 * cross, its time and what it did (or the message a user would read), and
 * everything stopped and removed afterwards, whatever happened.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Build } from '../../lib/build';
import type { Done } from './flows';
import { failureFrom } from './runtime';
import { type RunningZap, startZap } from './setup';

export type Step = <T extends Done>(title: string, run: () => Promise<T> | T) => Promise<T>;

export interface StepsRun {
  /** Steps run, the failed one included. */
  count: number;
  failed: boolean;
  ms: number;
}

const elapsed = (since: number) => `${Math.round(performance.now() - since)} ms`;

export interface CompileOptions {
  /** The one CodeTether instance an OAuth2 build is for; empty for compile.mjs's default, CodeTether's own. */
  server?: string;
  /** What compile.mjs's process sees besides the two variables that choose the build; by default this process's. */
  environment?: NodeJS.ProcessEnv;
}

/**
 * Compiles the app of `project` into `out` with dev/scripts/compile.mjs, as
 * `zapier push` would, and returns the path of its index.js. A build
 * compile.mjs refuses throws, with its sentence (its stderr) in the message.
 * `npm start`, `npm run trigger` and the tests all build the app with it.
 */
export const compile = (
  project: string,
  out: string,
  flavour: Build['auth'],
  { server = '', environment = process.env }: CompileOptions = {},
): string => {
  execFileSync(process.execPath, [join(project, 'dev', 'scripts', 'compile.mjs'), '--out', out], {
    env: { ...environment, CODETETHER_AUTH: flavour, CODETETHER_OAUTH_SERVER: server },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return join(out, 'index.js');
};

/**
 * Builds the app under .tmp/NAME-PID, starts the Zap (the first step),
 * then hands it to `run` with the function that runs and prints a step.
 */
export const runZapSteps = async (
  name: string,
  run: (zap: RunningZap, step: Step) => Promise<void>,
): Promise<StepsRun> => {
  const started = performance.now();
  // npm runs scripts from the project's root.
  const project = process.cwd();
  const buildDir = join(project, '.tmp', `${name}-${process.pid}`);
  let count = 0;
  let failed = false;
  let zap: RunningZap | undefined;

  const step: Step = async (title, perform) => {
    count += 1;
    const since = performance.now();
    const number = String(count).padStart(2, ' ');
    try {
      const done = await perform();
      console.log(`  ✔ ${number}. ${title} (${elapsed(since)})\n        ${done.summary}`);
      return done;
    } catch (error) {
      failed = true;
      console.log(`  ✘ ${number}. ${title} (${elapsed(since)})\n        ${failureFrom(error).message}`);
      throw error;
    }
  };

  try {
    const { running } = await step('Start the emulator, build the app for it as Zapier runs it', async () => {
      zap = await startZap((emulatorUrl) => ({
        apiKey: compile(project, join(buildDir, 'api_key'), 'api_key'),
        oauth2: compile(project, join(buildDir, 'oauth2'), 'oauth2', { server: emulatorUrl }),
      }));
      return {
        running: zap,
        summary: `emulator ${zap.emulator.url}; api_key and oauth2 builds in ${relative(project, buildDir)}/; Zapier's hook URLs ${zap.catcher.url}`,
      };
    });
    await run(running, step);
  } catch (error) {
    // A failed step has printed why; anything else is a fault of the script itself.
    if (!failed) console.error(error);
    failed = true;
  } finally {
    await zap?.stop();
    rmSync(buildDir, { recursive: true, force: true });
  }
  return { count, failed, ms: performance.now() - started };
};
