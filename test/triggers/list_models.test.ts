import nock from 'nock';
import App from '../../index';
import { MODELS } from '../../lib/api/contract';
import listModels from '../../triggers/list_models';
import { API, dropdownChoices, useNock } from '../support/app';

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
    ['the server fails', () => nock(API).get('/').reply(500, 'Internal Server Error')],
    ['the server redirects', () => nock(API).get('/').reply(307, '', { Location: 'https://elsewhere.example.com/' })],
    ['the answer is not JSON', () => nock(API).get('/').reply(200, '<html>maintenance</html>')],
    ['the answer lists no models', () => nock(API).get('/').reply(200, info())],
    ['the server is rate limited', () => nock(API).get('/').reply(429, {}, { 'Retry-After': '5' })],
  ])("falls back to the contract's list when %s", async (_case, reply) => {
    reply();
    const models = await listed();
    expect(models.map((model) => model.id)).toEqual([...MODELS]);
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
