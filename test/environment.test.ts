/**
 * What a developer's `.env` and shell may hold changes nothing the app does
 * or a build is: the emulator's `.env` lines and wrong values for every
 * variable the app, its builds or the dev scripts read. (CI used to run the
 * whole suite a second time for this; these tests say it directly.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zapierRuntime } from '../dev/zap/runtime';
import { compile } from '../dev/zap/script';
import App from '../index';
import { appFor, FLAVOURS, type Flavour, SECRETS, useNock } from './support/app';
import { CONNECTIONS, contractAnswer, VISIBLE_STEPS } from './support/steps';
import { answerEveryRequest } from './support/zapier';

useNock();

const project = resolve(__dirname, '..');

/** What `npm run emulator` tells a newcomer to put in `.env`, then wrong values on top. */
const HOSTILE_ENV = {
  authData_api_key: 'ct_emulator_demo_4f7a1c9e2b8d6053',
  authData_base_url: 'http://127.0.0.1:9',
  authData_webhook_secret: 'wrong-secret',
  authData_access_token: 'oat_not_a_token',
  authData_refresh_token: 'ort_not_a_token',
  CLIENT_ID: 'wrong-client',
  CLIENT_SECRET: 'wrong-secret',
  CODETETHER_AUTH: 'bogus',
  CODETETHER_OAUTH_SERVER: 'https://evil.example.net',
  EMULATOR_PORT: '1',
};
const DOT_ENV = Object.entries(HOSTILE_ENV)
  .map(([name, value]) => `${name}=${value}`)
  .join('\n');

/** Runs `body` with the hostile variables in the environment and a hostile `.env` in the working folder. */
const inHostileSurroundings = async <T>(body: () => Promise<T>): Promise<T> => {
  const saved = { ...process.env };
  const cwd = process.cwd();
  const folder = mkdtempSync(join(tmpdir(), 'hostile-env-'));
  writeFileSync(join(folder, '.env'), DOT_ENV);
  Object.assign(process.env, HOSTILE_ENV);
  process.chdir(folder);
  try {
    return await body();
  } finally {
    process.chdir(cwd);
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    rmSync(folder, { recursive: true, force: true });
  }
};

/** Every visible step in both flavours against the contract's answers, as Zapier runs them: what each sent and gave. */
const runEveryStep = async () => {
  const outcomes: unknown[] = [];
  for (const [flavour, authData] of Object.entries(CONNECTIONS)) {
    // Zapier passes the integration's environment (the OAuth client) with every call.
    const runtime = zapierRuntime(flavour === 'oauth2' ? appFor('oauth2') : App, {
      CLIENT_ID: 'codetether-zapier-test',
      CLIENT_SECRET: SECRETS.clientSecret,
    });
    for (const step of VISIBLE_STEPS) {
      const stand_in = answerEveryRequest(contractAnswer);
      const outcome = await runtime.run(step.method, { ...step.bundle, authData }).then(
        ({ results }) => ({ results }),
        (error: Error) => ({ failure: error.message }),
      );
      stand_in.stop();
      outcomes.push({ flavour, method: step.method, sent: stand_in.seen, ...outcome });
    }
  }
  // Event ids and secrets made fresh for each subscription differ from run to run, whatever the environment.
  return JSON.parse(JSON.stringify(outcomes).replace(/"secret":"[0-9a-f]{64}"/g, '"secret":"…"'));
};

describe('a hostile .env and environment', () => {
  it('change nothing any step sends or gives, in either flavour', async () => {
    const clean = await runEveryStep();
    const hostile = await inHostileSurroundings(runEveryStep);
    expect(hostile).toEqual(clean);
  });

  it('change nothing a build is: each flavour compiles to the same bundle', () => {
    mkdirSync(join(project, '.tmp'), { recursive: true });
    const out = mkdtempSync(join(project, '.tmp', 'env-build-'));
    const bundleOf = (flavour: Flavour, env: Record<string, string>) => {
      const dir = join(out, `${flavour}-${Object.keys(env).length}`);
      // The variables that choose the build are the caller's (compile sets them); nothing else may change it.
      return readFileSync(
        compile(project, dir, flavour, { environment: { PATH: process.env.PATH ?? '', ...env } }),
        'utf8',
      );
    };
    try {
      for (const flavour of FLAVOURS) {
        expect(bundleOf(flavour, HOSTILE_ENV)).toBe(bundleOf(flavour, {}));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
