import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nock from 'nock';
import { createAppHandler } from 'zapier-platform-core';
import { zapierRuntime } from '../dev/zap/runtime';
import { compile } from '../dev/zap/script';
import App from '../index';
import { BASE, FLAVOURS, type Flavour, SECRETS, useNock } from './support/app';
import { CHECKS, type Definition } from './support/definition-rules';

useNock();

const project = resolve(__dirname, '..');
const builds = join(project, '.tmp');
let out: string;
/** Each flavour's build, compiled as for `zapier push`: its index.js and the definition it exports. */
const built = {} as Record<Flavour, { entry: string; definition: Definition & Record<string, unknown> }>;

beforeAll(() => {
  mkdirSync(builds, { recursive: true });
  out = mkdtempSync(join(builds, 'entry-'));
  for (const flavour of FLAVOURS) {
    const entry = compile(project, join(out, flavour), flavour);
    // Exactly what zapierwrapper.js does: require(index.js) and use module.exports as is.
    built[flavour] = { entry, definition: require(entry) };
  }
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.each(FLAVOURS)('the %s build, checked as Zapier checks it', (flavour) => {
  it('Schema: passes zapier-platform validate', async () => {
    const answer = await createAppHandler(built[flavour].entry)({ command: 'validate' });
    expect(answer.results).toEqual([]);
  });

  it.each(CHECKS)('$id: $title', (check) => {
    expect(check.problems(built[flavour].definition)).toEqual([]);
  });

  it('House: no secret in any sample', () => {
    const { triggers, creates, searches } = built[flavour].definition;
    const samples = JSON.stringify([triggers, creates, searches]);
    for (const secret of Object.values(SECRETS)) expect(samples).not.toContain(secret);
  });
});

describe('the compiled entry, loaded as Zapier runtime loads it', () => {
  it.each([
    ['api_key', 'custom', { api_key: SECRETS.apiKey }, '/v1/users/me'],
    ['oauth2', 'oauth2', { access_token: SECRETS.accessToken }, '/v1/automation/me'],
  ] as const)(
    'exports the definition itself and runs the %s connection test',
    async (flavour, type, authData, path) => {
      const { entry, definition } = built[flavour];
      expect(definition.default).toBeUndefined();
      expect(definition.authentication?.type).toBe(type);

      nock(BASE)
        .get(path)
        .reply(200, { id: 'usr_1', email: 'ada@example.com', name: 'Ada', first_name: 'Ada', authenticated: true });
      const answer = await zapierRuntime(entry).run('authentication.test', { authData });
      expect(answer.results).toMatchObject({ id: 'usr_1', email: 'ada@example.com' });
    },
  );

  it('fixes an OAuth2 build to the one CodeTether instance it is built for', async () => {
    const entry = compile(project, join(out, 'oauth2-self-hosted'), 'oauth2', { server: 'https://ct.example.org/' });
    const definition = require(entry);
    expect(definition.authentication.oauth2Config.authorizeUrl.url).toBe('https://ct.example.org/oauth/authorize');
    expect(definition.authentication.fields.map((field: { key: string }) => field.key)).toEqual(['webhook_secret']);
    nock('https://ct.example.org').post('/oauth/token').reply(200, { access_token: SECRETS.accessToken });
    const answer = await zapierRuntime(entry).run('authentication.oauth2Config.getAccessToken', {
      inputData: { code: 'c0de', base_url: 'https://evil.example.net' },
    });
    expect(answer.results).toMatchObject({ base_url: 'https://ct.example.org' });
  });

  it.each(['http://ct.example.org', 'https://ct.example.org/api', 'ct.example.org'])(
    'refuses to build OAuth2 for %s: an instance is an https:// origin',
    (server) => {
      expect(() => compile(project, join(out, 'refused'), 'oauth2', { server })).toThrow(
        /CODETETHER_OAUTH_SERVER must be the https:\/\/ origin of a CodeTether instance/,
      );
    },
  );

  it('offers API key authentication when built without a choice, as in the tests', () => {
    expect(App.authentication?.type).toBe('custom');
  });
});

/** A copy of the definition with one value changed at a path; everything else is shared. */
const changed = (definition: unknown, path: (string | number)[], value: unknown): Definition => {
  const [head, ...rest] = path;
  if (head === undefined) return value as Definition;
  const node = definition as Record<string | number, unknown>;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as Record<string | number, unknown>;
  copy[head] = changed(node[head], rest, value);
  return copy as Definition;
};

const fieldIndex = (step: 'create_task', key: string) =>
  App.creates[step].operation.inputFields!.findIndex((field) => 'key' in field && field.key === key);
const codebasePath = ['creates', 'create_task', 'operation', 'inputFields', fieldIndex('create_task', 'codebase_id')];
const completed = App.triggers.task_completed;

describe('the checks catch what Zapier’s reference and guidelines show as wrong', () => {
  it.each([
    ['D001', changed(App, [...codebasePath, 'key'], 'api_key')],
    ['D004', changed(App, [...codebasePath, 'dynamic'], undefined)],
    ['D004', changed(App, [...codebasePath, 'label'], 'Codebase ID')],
    ['D005', changed(App, [...codebasePath, 'dynamic'], 'list_codebases.id.name')],
    ['D005', changed(App, [...codebasePath, 'dynamic'], 'list_workspaces.id.title')],
    ['D006', changed(App, ['triggers', 'task_completed', 'operation', 'performList'], undefined)],
    ['D007', changed(App, [...codebasePath, 'placeholder'], 'http://codetether.example.com')],
    ['D008', changed(App, [...codebasePath, 'helpText'], 'Leave empty to use https://api.codetether.io.')],
    ['D008', changed(App, [...codebasePath, 'helpText'], 'See [the docs(https://codetether.io/docs).')],
    ['D010', changed(App, ['triggers', 'new_task', 'operation', 'sample', 'id'], undefined)],
    ['D011', changed(App, [...codebasePath, 'helpText'], 'codebase')],
    ['D012', changed(App, ['searches', 'find_task', 'operation', 'sample'], undefined)],
    ['D013', changed(App, ['creates', 'cancel_task', 'operation', 'inputFields', 0, 'search'], 'no_such_search.id')],
    ['D015', changed(App, ['searchOrCreates', 'find_task', 'create'], 'make_task')],
    ['D017', changed(App, ['triggers', 'task_completed', 'operation', 'performSubscribe'], undefined)],
    ['D018', changed(App, ['creates', 'create_task', 'display', 'label'], 'Create task')],
    ['D021', changed(App, ['triggers', 'new_task', 'display', 'description'], 'Triggers whenever a task is created.')],
    ['D023', changed(App, ['searches', 'find_task', 'operation', 'sample', 'started_at'], '2026-11-30T14:02:13')],
    ['D024', changed(App, ['searches', 'find_task', 'operation', 'sample', 'runtime_seconds'], '87')],
    ['G01', changed(App, ['searches', 'find_task', 'display', 'description'], 'Searches for a task.')],
    ['G02', changed(App, ['creates', 'create_task', 'display', 'description'], 'Creates a CodeTether task.')],
    [
      'G02',
      changed(App, ['triggers', 'new_task', 'display', 'description'], `${completed.display.description} `.repeat(3)),
    ],
    ['G03', changed(App, ['triggers', 'new_task', 'display', 'description'], 'Triggers when a new Task is created.')],
    ['G04', changed(App, ['searchOrCreates'], { find_or_create_task: App.searchOrCreates!.find_task })],
    ['G05', changed(App, ['triggers', 'new_task', 'operation', 'outputFields', 0, 'label'], undefined)],
  ])('%s fails a definition that breaks it', (id, definition) => {
    const check = CHECKS.find((candidate) => candidate.id === id);
    expect(check?.problems(definition)).not.toEqual([]);
  });
});
