import nock from 'nock';
import App from '../../index';
import { MODELS } from '../../lib/api/contract';
import listModels from '../../triggers/list_models';
import { API, dropdownChoices, failureOf, oauthAppTester, oauthAuth, useNock } from '../support/app';

useNock();

const listed = () => dropdownChoices<{ id: string; name: string }>(listModels);

const info = (models?: string[]) => ({ name: 'CodeTether Automation API', version: '1.4.0', models });

describe('the Model dropdown (list_models)', () => {
  it("offers the server's models from GET /v1/automation/, the server's default first", async () => {
    const scope = nock(API)
      .get('/')
      .reply(200, info(['claude-sonnet', 'gpt-4.1', 'default', 'o3-next']));
    const models = await listed();
    expect(scope.isDone()).toBe(true);
    expect(models).toEqual([
      { id: 'default', name: 'default (CodeTether picks the model)' },
      { id: 'claude-sonnet', name: 'claude-sonnet' },
      { id: 'gpt-4.1', name: 'gpt-4.1' },
      { id: 'o3-next', name: 'o3-next' },
    ]);
  });

  it.each([
    ['has no such route', () => nock(API).get('/').reply(404, { detail: 'Not Found' })],
    ['answers the route with 405', () => nock(API).get('/').reply(405, { detail: 'Method Not Allowed' })],
    ['lists no models', () => nock(API).get('/').reply(200, info())],
    ['lists an empty list of models', () => nock(API).get('/').reply(200, info([]))],
  ])("offers the contract's models when the server %s", async (_case, reply) => {
    reply();
    const models = await listed();
    expect(models.map((model) => model.id)).toEqual([...MODELS]);
  });

  it.each([
    [
      'a rate limit: Zapier waits and tries again',
      () => nock(API).get('/').reply(429, {}, { 'Retry-After': '5' }),
      'ThrottledError',
      /^CodeTether's rate limit was reached while listing models; Zapier will try again in 5 seconds\.$/,
    ],
    [
      'an outage: Zapier tries again later',
      () => nock(API).get('/').reply(503, { detail: 'Database not available' }),
      'ThrottledError',
      /^CodeTether was not available while listing models/,
    ],
    [
      'a server error',
      () => nock(API).get('/').reply(500, 'Internal Server Error'),
      'AppError',
      /^CodeTether had a problem while listing models \(HTTP 500 Internal Server Error\)\./,
    ],
    [
      'a redirect',
      () => nock(API).get('/').reply(307, '', { Location: 'https://elsewhere.example.com/' }),
      'AppError',
      /^While listing models, CodeTether answered with a redirect/,
    ],
    [
      'an answer that is not JSON',
      () => nock(API).get('/').reply(200, '<html>maintenance</html>'),
      'AppError',
      /^CodeTether sent an answer that is not JSON while listing models/,
    ],
  ])('says what went wrong, and hides no failure behind the built-in list: %s', async (_case, reply, name, message) => {
    reply();
    const failure = await failureOf(listed());
    expect(failure.name).toBe(name);
    expect(failure.message).toMatch(message);
  });

  it('lets Zapier renew an expired OAuth sign-in, instead of offering the built-in list', async () => {
    nock(API).get('/').reply(401, { detail: 'Authentication required' });
    const failure = await failureOf(
      oauthAppTester((listModels.operation as { perform: never }).perform, {
        authData: oauthAuth,
        meta: { isFillingDynamicDropdown: true },
      }),
    );
    expect(failure.name).toBe('RefreshAuthError');
  });

  it('is hidden, and fills the Model field of every step that asks for a model with its id, labelled by its name', () => {
    expect(listModels.display.hidden).toBe(true);
    const modelFields = [...Object.values(App.creates), ...Object.values(App.searches)]
      .flatMap((step) => step.operation.inputFields as unknown[])
      .filter((field): field is { key: string; dynamic?: string } => (field as { key?: string })?.key === 'model');
    expect(modelFields).not.toHaveLength(0);
    for (const field of modelFields) expect(field.dynamic).toBe('list_models.id.name');
    expect(listModels.operation.sample).toEqual({ id: expect.any(String), name: expect.any(String) });
  });
});
