/**
 * Typed Result Fields, wherever a task comes out: Find Task (by ID and by
 * title), Find or Create Task's search, New Task and Task Finished, the
 * instant triggers (the task embedded in the delivery, or read from
 * CodeTether) and their samples, and Run Task and Wait for Result's resume
 * (production's delivery, and a subscription's). Each reads the asked keys
 * and their types from the task's own prompt, so the same task gives the
 * same Result Data everywhere, in both authentication flavours: values of
 * their type, or null and a sentence naming each that does not fit.
 */
import nock from 'nock';
import { queuedOutput, taskFixture } from '../dev/fixtures';
import { type ZapierRuntime, zapierRuntime } from '../dev/zap/runtime';
import { askForResultFields, readResultFields } from '../lib/steps/result-data';
import { SIGNATURE_HEADER, signatureOf } from '../lib/webhooks/signature';
import { API, appFor, FLAVOURS, type Flavour, SECRETS, useClock, useNock } from './support/app';
import { CONNECTIONS, deliveryOf } from './support/steps';

useNock();
// An hour after the fixture's task finished, so that Task Finished still sees it.
useClock('2026-11-30T15:00:00Z');

const ENTRIES = [
  'sentiment (one of positive, neutral, negative): how the customer feels',
  'urgency (integer): from 1 to 9',
  'refund_amount (number)',
  'needs_refund (boolean)',
  'reply_by (datetime)',
  'topics (list)',
  'reply_draft',
];
const PROMPT = askForResultFields('Triage this customer email.', readResultFields(ENTRIES).fields);

/** An answer that ends with the JSON object, fenced, as an agent writes it. */
const answer = (values: Record<string, unknown>) =>
  `Triaged.\n\n\`\`\`json\n${JSON.stringify(values, null, 2)}\n\`\`\``;

const CASES = {
  'values of their types': {
    result: answer({
      sentiment: ' Negative ',
      urgency: '7',
      refund_amount: 249.5,
      needs_refund: 'yes',
      reply_by: '2026-12-02 17:00:00',
      topics: 'billing',
      reply_draft: 'We are sorry.',
    }),
    result_data: {
      sentiment: 'negative',
      urgency: 7,
      refund_amount: 249.5,
      needs_refund: true,
      reply_by: '2026-12-02T17:00:00Z',
      topics: ['billing'],
      reply_draft: 'We are sorry.',
    },
    result_data_error: null,
  },
  'values of other types': {
    result: answer({
      sentiment: 'furious',
      urgency: 'seven',
      refund_amount: '$249',
      needs_refund: 'maybe',
      reply_by: 'tomorrow-ish',
      topics: { billing: true },
      reply_draft: 12,
    }),
    result_data: {
      sentiment: null,
      urgency: null,
      refund_amount: null,
      needs_refund: null,
      reply_by: null,
      topics: null,
      reply_draft: 12,
    },
    result_data_error: expect.stringMatching(
      /^The agent's JSON object has values that do not fit: “sentiment” is “furious” instead of one of “positive”, “neutral” or “negative”; “urgency” is “seven” instead of a whole number; .*more\.$/,
    ),
  },
} as const;

/** Each flavour's app in Zapier's runtime, made once for every step of every case. */
const RUNTIMES = Object.fromEntries(FLAVOURS.map((flavour) => [flavour, zapierRuntime(appFor(flavour))])) as Record<
  Flavour,
  ZapierRuntime
>;

/** Every output of one task through one flavour of the app, as Zapier runs each step. */
const outputsOf = async (flavour: Flavour, result: string) => {
  const task = taskFixture({ description: PROMPT, result_summary: result, model: null });
  const authData = CONNECTIONS[flavour];
  const run = async (method: string, bundle: object) =>
    (await RUNTIMES[flavour].run<unknown>(method, { authData, ...bundle })).results;
  const list = (times: number) =>
    nock(API)
      .get('/tasks')
      .query(true)
      .times(times)
      .reply(200, { tasks: [task], total: 1, limit: 100, offset: 0 });

  nock(API).get(`/tasks/${task.task_id}`).times(2).reply(200, task);
  list(5);
  nock(API).get('/webhooks').reply(200, { webhooks: [] });
  const event = { event: 'task_completed', event_id: 'evt_1', task_id: task.task_id, status: 'completed' };
  const callback = (body: object) => ({
    inputData: {},
    outputData: { ...queuedOutput, description: PROMPT },
    cleanedRequest: body,
    rawRequest: {
      method: 'POST',
      content: JSON.stringify(body),
      headers: { [`Http-${SIGNATURE_HEADER}`]: signatureOf(SECRETS.webhookSecret, JSON.stringify(body)) },
    },
  });
  const first = (results: unknown) => (results as Record<string, unknown>[])[0];
  return {
    'Find Task by ID': first(
      await run('searches.find_task.operation.perform', { inputData: { task_id: task.task_id } }),
    ),
    'Find Task by title': first(await run('searches.find_task.operation.perform', { inputData: { title: 'Q3' } })),
    'New Task': first(await run('triggers.new_task.operation.perform', { meta: {} })),
    'Task Finished': first(await run('triggers.task_finished.operation.perform', { meta: {} })),
    'Task Completed, the task embedded': first(
      await run('triggers.task_completed.operation.perform', deliveryOf('task_completed', { ...event, task })),
    ),
    'Task Completed, the task read from CodeTether': first(
      await run('triggers.task_completed.operation.perform', deliveryOf('task_completed', event)),
    ),
    'Task Completed, its samples': first(
      await run('triggers.task_completed.operation.performList', { meta: { isLoadingSample: true } }),
    ),
    'Run Task and Wait for Result, production’s delivery': await run(
      'creates.run_task.operation.performResume',
      callback({ ...event, run_id: task.run_id, result, error: null, timestamp: '2026-11-30T14:03:40Z' }),
    ),
    'Run Task and Wait for Result, a subscription’s delivery': await run(
      'creates.run_task.operation.performResume',
      callback({ ...event, task }),
    ),
  };
};

describe.each(FLAVOURS)('typed Result Fields, %s flavour', (flavour) => {
  it.each(Object.entries(CASES))('give the same Result Data on every output of a task, for %s', async (_, expected) => {
    const outputs = await outputsOf(flavour, expected.result);
    expect(Object.keys(outputs)).toHaveLength(9);
    for (const [where, output] of Object.entries(outputs)) {
      expect({ where, ...(output as object) }).toMatchObject({
        where,
        result_data: expected.result_data,
        result_data_error: expected.result_data_error,
      });
    }
  });

  it('declares each field for later steps with Zapier’s type for it, before any run', async () => {
    const { results } = await RUNTIMES[flavour].run<{ key: string; type?: string; list?: boolean }[]>(
      'creates.run_task.operation.outputFields',
      { authData: CONNECTIONS[flavour], inputData: { result_fields: ENTRIES } },
    );
    const declared = results.filter((field) => field.key.startsWith('result_data__'));
    expect(declared.map(({ key, type, list }) => [key, type, list])).toEqual([
      ['result_data__sentiment', 'string', undefined],
      ['result_data__urgency', 'integer', undefined],
      ['result_data__refund_amount', 'number', undefined],
      ['result_data__needs_refund', 'boolean', undefined],
      ['result_data__reply_by', 'datetime', undefined],
      ['result_data__topics', 'string', true],
      ['result_data__reply_draft', undefined, undefined],
    ]);
  });
});
