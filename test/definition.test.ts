import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nock from 'nock';
import { createAppHandler } from 'zapier-platform-core';
import App from '../index';
import { API, appFor, SECRETS, useNock } from './support/app';
import { DESCRIPTION_PREFIX, isTitleCase, sampleProblems } from './support/definition-rules';

useNock();

type Operation = {
  key: string;
  noun: string;
  display: { label: string; description: string; hidden?: boolean };
  operation: { sample?: Record<string, unknown>; outputFields?: { key: string; type?: string }[] };
};

const visibleSteps = (): [string, Operation][] =>
  (Object.keys(DESCRIPTION_PREFIX) as (keyof typeof DESCRIPTION_PREFIX)[]).flatMap((kind) =>
    Object.values((App[kind] ?? {}) as Record<string, Operation>)
      .filter((step) => !step.display.hidden)
      .map((step): [string, Operation] => [`${kind}.${step.key}`, step]),
  );

describe('the app definition', () => {
  it.each(['api_key', 'oauth2'] as const)('passes Zapier schema validation with %s authentication', async (flavour) => {
    // The same check `zapier-platform validate` runs: zapier-platform-schema via core.
    const answer = await createAppHandler(appFor(flavour))({ command: 'validate' });
    expect(answer.results).toEqual([]);
  });

  it('offers API key authentication by default', () => {
    expect(App.authentication?.type).toBe('custom');
  });
});

const steps = visibleSteps();
// Until the first step exists there is nothing to check here.
(steps.length ? describe.each(steps) : describe.skip.each([['none', {} as Operation]]))(
  '%s in the Zap editor',
  (path, step) => {
    const kind = path.split('.')[0] as keyof typeof DESCRIPTION_PREFIX;

    it('has a title-case label and a description that says what it does', () => {
      expect(isTitleCase(step.display.label)).toBe(true);
      expect(step.display.description.startsWith(DESCRIPTION_PREFIX[kind])).toBe(true);
    });

    it('has a sample that matches its output fields', () => {
      const { sample, outputFields } = step.operation;
      expect(sample).toBeDefined();
      expect(outputFields?.length).toBeGreaterThan(0);
      expect(sampleProblems(sample!, outputFields!)).toEqual([]);
    });

    it('has no secret in its sample', () => {
      const text = JSON.stringify(step.operation.sample);
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    });
  },
);

describe('the compiled entry, loaded as Zapier runtime loads it', () => {
  const project = resolve(__dirname, '..');
  const builds = join(project, '.tmp');
  let out: string;

  beforeAll(() => {
    mkdirSync(builds, { recursive: true });
    out = mkdtempSync(join(builds, 'entry-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const compile = (flavour: string) => {
    const dir = join(out, flavour);
    execFileSync(process.execPath, [join(project, 'dev', 'scripts', 'compile.mjs'), '--out', dir], {
      env: { ...process.env, CODETETHER_AUTH: flavour },
      stdio: 'pipe',
    });
    return join(dir, 'index.js');
  };

  it.each([
    ['api_key', 'custom', { api_key: SECRETS.apiKey }],
    ['oauth2', 'oauth2', { access_token: SECRETS.accessToken }],
  ])(
    'exports the definition itself and runs the %s connection test',
    async (flavour, type, authData) => {
      const entry = compile(flavour);
      // Exactly what zapierwrapper.js does: require(index.js) and use module.exports as is.
      const definition = require(entry);
      expect(definition.default).toBeUndefined();
      expect(definition.authentication.type).toBe(type);

      nock(API).get('/me').reply(200, { id: 'usr_1', email: 'ada@example.com', name: 'Ada', authenticated: true });
      const handler = createAppHandler(entry);
      const answer = await handler({ command: 'execute', method: 'authentication.test', bundle: { authData } });
      expect(answer.results).toMatchObject({ id: 'usr_1', email: 'ada@example.com' });
    },
    60000,
  );
});
