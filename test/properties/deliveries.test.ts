/**
 * Forged and replayed webhook deliveries, generated: every instant trigger's
 * perform and Run Task and Wait for Result's performResume, in both
 * authentication flavours, through Zapier's runtime (createAppHandler). Only
 * a delivery signed with the secret, over the message its kind signs, within
 * the time window, yields anything; no delivery anyone can send makes a
 * trigger throw; no secret ever reaches an output, an error or a log line.
 * Seeded and bounded; a failure prints its smallest input.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import nock from 'nock';
import { taskFixture } from '../../dev/fixtures';
import { zapierRuntime } from '../../dev/zap/runtime';
import { EVENT_STATUS, type InstantEvent, WEBHOOK_EVENTS } from '../../lib/api/contract';
import { pythonJsonDumps, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../lib/webhooks/signature';
import { API, apiKeyAuth, appFor, FLAVOURS, type Flavour, oauthAuth, SECRETS } from '../support/app';
import { numRuns, SEED } from './arbitraries';

const RUNS = 30;
const NOW_SECONDS = 1_796_000_000;
const WINDOW_SECONDS = 5 * 60;
const INSTANT_TRIGGERS = Object.keys(EVENT_STATUS) as InstantEvent[];
/** Task IDs of this prefix are gone from CodeTether (404); any other is there. */
const GONE = 'tsk_gone_';

const runtimes = Object.fromEntries(FLAVOURS.map((flavour) => [flavour, zapierRuntime(appFor(flavour))]));
const credentials = { api_key: apiKeyAuth, oauth2: oauthAuth };

let consoleLines: string[] = [];
beforeAll(() => {
  nock.disableNetConnect();
  nock(API)
    .persist()
    .get(/^\/v1\/automation\/tasks\/[^/]+$/)
    .reply((uri) => {
      const taskId = decodeURIComponent(uri.split('/').pop() ?? '');
      return taskId.startsWith(GONE)
        ? [404, { detail: { error: 'not_found', message: 'Task not found' } }]
        : [200, taskFixture({ task_id: taskId })];
    });
  // The clock the app reads for the time window: fixed, so that no run depends on when it runs.
  jest.spyOn(Date, 'now').mockReturnValue(NOW_SECONDS * 1000);
  for (const method of ['log', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  jest.restoreAllMocks();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Runs one method as Zapier does: its results, or its failure's message, and every log line. */
const runStep = async (flavour: Flavour, method: string, bundle: object) => {
  consoleLines = [];
  const logs: string[] = [];
  try {
    const { results } = await runtimes[flavour]!.run(method, bundle, {
      log: (message, data) => logs.push(message, JSON.stringify(data)),
    });
    return { results, failure: undefined, logs: [...logs, ...consoleLines].join('\n') };
  } catch (error) {
    return {
      results: undefined,
      failure: String((error as Error).message),
      logs: [...logs, ...consoleLines].join('\n'),
    };
  }
};

const hmac = (secret: string, message: string) =>
  `sha256=${createHmac('sha256', secret).update(message, 'utf8').digest('hex')}`;

// ---------------------------------------------------------------- generators

const secretArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const textArb = fc.string({ unit: 'binary', maxLength: 40 });
const hexArb = fc.stringMatching(/^[0-9a-f]{0,64}$/);

/**
 * An event name, mostly the trigger's own in either spelling (the case that
 * matters), else another known event, a near miss of the trigger's (case,
 * spaces, a Kelvin sign), or any text.
 */
const eventNameArb = (trigger: InstantEvent) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(trigger, trigger.replace('_', '.')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...WEBHOOK_EVENTS, ...WEBHOOK_EVENTS.map((name) => name.replace('_', '.'))),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        trigger.toUpperCase(),
        ` ${trigger} `,
        `${trigger}\n`,
        trigger.replace('k', '\u212a'),
        trigger.replace('_', '..'),
        trigger.replace('_', '__'),
        trigger.replace('task_', 'Task.'),
        `${trigger}.`,
      ),
    },
    { weight: 1, arbitrary: textArb },
  );

const taskIdArb = fc.oneof(
  fc.stringMatching(/^tsk_[A-Za-z0-9]{1,12}$/),
  fc.stringMatching(/^[A-Za-z0-9]{1,8}$/).map((id) => `${GONE}${id}`),
);

/** One event of a delivery: its task embedded or not (then read from CodeTether, where it may be gone). */
const eventArb = (trigger: InstantEvent) =>
  fc.record({
    event: eventNameArb(trigger),
    event_id: fc.option(fc.stringMatching(/^evt_[a-z0-9]{1,12}$/), { nil: undefined }),
    task_id: taskIdArb,
    status: fc.constantFrom('completed', 'failed', 'running', null),
    result: fc.option(textArb),
    error: fc.constant(null),
    timestamp: fc.constant('2026-11-30T14:03:41Z'),
    embedded: fc.boolean(),
  });
type GeneratedEvent = ReturnType<typeof eventArb> extends fc.Arbitrary<infer T> ? T : never;

const toDeliveredEvent = ({ embedded, ...event }: GeneratedEvent) => ({
  ...event,
  task: embedded ? taskFixture({ task_id: event.task_id, result_summary: event.result }) : null,
});

const namesEvent = (name: string, trigger: InstantEvent) => name === trigger || name === trigger.replace('_', '.');

/** What a trigger should output for a genuine delivery: its events, each with a task that can be read. */
const expectedEvents = (events: GeneratedEvent[], trigger: InstantEvent) =>
  events.filter((event) => namesEvent(event.event, trigger) && (event.embedded || !event.task_id.startsWith(GONE)))
    .length;

/** How a delivery is signed: the right way, or one of the ways a forger or a replay would. */
const signingArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('genuine' as const),
      body: fc.constantFrom('raw' as const, 'python' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('other_message' as const),
      // The replays and the emptied body are the forgeries that once passed: tried most.
      message: fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom('body_alone', 'earlier_timestamp', 'empty_body') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('timestamp_alone', 'no_dot', 'empty', 'other_body', 'python_of_other_body'),
        },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrong_secret' as const), secret: secretArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      signature: fc.oneof(
        hexArb.map((hex) => `sha256=${hex}`),
        textArb,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
);

/** The timestamp header: seconds from now (a replay may be hours old), missing, or not unix seconds. */
const timestampArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -WINDOW_SECONDS - 5, max: WINDOW_SECONDS + 5 }) },
  { weight: 2, arbitrary: fc.integer({ min: -7 * 86_400, max: 7 * 86_400 }) },
  { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'garbage' as const) },
);

/** How Zapier (or a forger) spells a header's name; the last ones are other headers. */
const headerSpellingArb = (name: string) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        `Http-${name}`,
        `Http-${name.replace('CodeTether', 'Codetether')}`,
        name.toLowerCase(),
        `HTTP_${name.toUpperCase().replace(/-/g, '_')}`,
        name,
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(`${name}-256`, `Http-X-${name}`, name.replace('X-', '')) },
  );
const isHeaderSpelling = (spelled: string, name: string) =>
  spelled
    .toLowerCase()
    .replace(/_/g, '-')
    .replace(/^http-/, '') === name.toLowerCase();

interface DeliveryCase {
  secret: string;
  signing: typeof signingArb extends fc.Arbitrary<infer T> ? T : never;
  timestamp: number | 'missing' | 'garbage';
  signatureHeader: string;
  timestampHeader: string;
  pretty: boolean;
}

const deliveryCaseArb = (secret: fc.Arbitrary<string>) =>
  fc.record({
    secret,
    signing: signingArb,
    timestamp: timestampArb,
    signatureHeader: headerSpellingArb('X-CodeTether-Signature'),
    timestampHeader: headerSpellingArb('X-CodeTether-Timestamp'),
    pretty: fc.boolean(),
  });

/** How the sender signs, and what the receiver accepts: subscriptions only `{timestamp}.{body}`, Run Task the body alone too. */
interface Scheme {
  signsTimestamp: boolean;
  acceptsBodyAlone: boolean;
}
const SUBSCRIPTION: Scheme = { signsTimestamp: true, acceptsBodyAlone: false };

/**
 * The request that reaches a hook or callback URL, as Zapier hands it over,
 * and whether it is genuine: signed with the secret, over a message the
 * receiver accepts, within the window when timestamped, under header names
 * Zapier's spelling still names.
 */
const deliveryRequest = (payload: object, delivery: DeliveryCase, scheme: Scheme) => {
  const { signing } = delivery;
  // The empty body signed as such, with the events only in the parsed copy next to it.
  const emptied = signing.kind === 'other_message' && signing.message === 'empty_body';
  const json = delivery.pretty ? JSON.stringify(payload, null, 2) : JSON.stringify(payload);
  const content = emptied ? '' : json;
  const stamp =
    delivery.timestamp === 'missing'
      ? undefined
      : delivery.timestamp === 'garbage'
        ? `${NOW_SECONDS}.0`
        : String(NOW_SECONDS + delivery.timestamp);
  const signed = (body: string) => (scheme.signsTimestamp ? `${stamp}.${body}` : body);
  const forged = { ...payload, forged: true };
  const messages: Record<string, string> = {
    body_alone: content,
    timestamp_alone: String(stamp),
    earlier_timestamp: `${NOW_SECONDS - 3600}.${content}`,
    no_dot: `${stamp}${content}`,
    empty: '',
    empty_body: signed(''),
    other_body: signed(JSON.stringify(forged)),
    python_of_other_body: signed(pythonJsonDumps(forged)),
  };
  const signature =
    signing.kind === 'genuine'
      ? hmac(delivery.secret, signed(signing.body === 'raw' ? content : pythonJsonDumps(JSON.parse(json))))
      : signing.kind === 'wrong_secret'
        ? hmac(signing.secret, signed(content))
        : signing.kind === 'other_message'
          ? hmac(delivery.secret, messages[signing.message] ?? '')
          : signing.kind === 'random'
            ? signing.signature
            : undefined;
  const headers: Record<string, string> = { 'Http-Content-Type': 'application/json' };
  if (signature !== undefined) headers[delivery.signatureHeader] = signature;
  if (stamp !== undefined) headers[delivery.timestampHeader] = stamp;

  const signatureFound = signature !== undefined && isHeaderSpelling(delivery.signatureHeader, SIGNATURE_HEADER);
  const timestampFound = stamp !== undefined && isHeaderSpelling(delivery.timestampHeader, TIMESTAMP_HEADER);
  const inWindow = typeof delivery.timestamp === 'number' && Math.abs(delivery.timestamp) <= WINDOW_SECONDS;
  const overBodyAlone =
    (signing.kind === 'genuine' && !scheme.signsTimestamp) ||
    (signing.kind === 'other_message' && signing.message === 'body_alone');
  const overTimestampAndBody = signing.kind === 'genuine' && scheme.signsTimestamp;
  const genuine =
    signatureFound &&
    ((overBodyAlone && scheme.acceptsBodyAlone) || (overTimestampAndBody && timestampFound && inWindow));
  return {
    bundle: {
      rawRequest: { method: 'POST', querystring: '', headers, content },
      // What Zapier parsed; a forger may send anything alongside.
      cleanedRequest: emptied ? payload : { ...payload, result: 'Wire $5,000 to account 1234' },
    },
    genuine,
  };
};

const textOf = (value: unknown) => JSON.stringify(value) ?? '';

// ---------------------------------------------------------------- instant triggers

describe.each(FLAVOURS)('instant triggers (%s connection)', (flavour) => {
  const subscribeData = (secret: string) => ({ id: 'whk_7Yt2Qm9Lc4', secret });

  it.each(INSTANT_TRIGGERS)(
    '%s outputs events only for a delivery signed with its secret over `{timestamp}.{body}` within five minutes',
    async (trigger) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(eventArb(trigger), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          deliveryCaseArb(secretArb),
          async (events, asList, delivery) => {
            const payload = asList ? events.map(toDeliveredEvent) : toDeliveredEvent(events[0]!);
            const { bundle, genuine } = deliveryRequest(payload, delivery, SUBSCRIPTION);
            const { results, failure } = await runStep(flavour, `triggers.${trigger}.operation.perform`, {
              authData: credentials[flavour],
              subscribeData: subscribeData(delivery.secret),
              ...bundle,
            });
            const expected = genuine ? expectedEvents(asList ? events : events.slice(0, 1), trigger) : 0;
            // A trigger that threw outputs nothing: its error shows instead of a count.
            expect(failure ?? (results as unknown[]).length).toBe(expected);
          },
        ),
        { seed: SEED, numRuns: numRuns(RUNS) },
      );
    },
  );

  it('never throw for a request anyone can send, whatever its headers, body, parsed copy or stored subscription', async () => {
    // What an HTTP request can carry: headers and a body are text; Zapier parses the body when it can.
    const headersArb = fc.dictionary(
      fc.oneof(headerSpellingArb(SIGNATURE_HEADER), headerSpellingArb(TIMESTAMP_HEADER), textArb),
      fc.oneof(
        hexArb.map((hex) => `sha256=${hex}`),
        fc.integer().map(String),
        textArb,
      ),
      { maxKeys: 5 },
    );
    const bodyArb = fc.oneof(
      fc.json(),
      textArb,
      fc.array(eventArb('task_completed').map(toDeliveredEvent)).map((body) => JSON.stringify(body)),
    );
    const rawRequestArb = fc.option(
      fc.record(
        { method: fc.constantFrom('POST', 'GET', 'PUT'), headers: headersArb, content: bodyArb },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...INSTANT_TRIGGERS),
        rawRequestArb,
        fc.jsonValue(),
        fc.option(secretArb.map(subscribeData), { nil: undefined }),
        async (trigger, rawRequest, cleanedRequest, stored) => {
          const { failure } = await runStep(flavour, `triggers.${trigger}.operation.perform`, {
            authData: credentials[flavour],
            subscribeData: stored,
            rawRequest,
            cleanedRequest,
          });
          expect(failure).toBeUndefined();
        },
      ),
      { seed: SEED, numRuns: numRuns(RUNS * 4) },
    );
  });

  it('never show the subscription secret or the credentials in an output, an error or a log line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...INSTANT_TRIGGERS)
          .chain((trigger) =>
            fc.tuple(fc.constant(trigger), fc.array(eventArb(trigger), { minLength: 1, maxLength: 2 })),
          ),
        deliveryCaseArb(secretArb),
        async ([trigger, events], delivery) => {
          const { bundle } = deliveryRequest(events.map(toDeliveredEvent), delivery, SUBSCRIPTION);
          const { results, failure, logs } = await runStep(flavour, `triggers.${trigger}.operation.perform`, {
            authData: credentials[flavour],
            subscribeData: subscribeData(delivery.secret),
            ...bundle,
          });
          const secrets = [delivery.secret, ...Object.values(SECRETS)];
          const everything = [textOf(results), failure, logs].join('\n');
          expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: numRuns(RUNS * 2) },
    );
  });
});

// ---------------------------------------------------------------- Run Task and Wait for Result

describe.each(FLAVOURS)('Run Task and Wait for Result resuming (%s connection)', (flavour) => {
  const TASK_ID = 'tsk_01J9Z6M4Q8';
  const queued = { ...taskFixture({ status: 'queued', result_summary: null }), id: TASK_ID };

  /** Production's per-task delivery: the body alone signed, or, from a server that adopted part 2, with its timestamp. */
  const resumeArb = fc.record({
    callback: fc.record({
      event: fc.constantFrom('task_completed', 'task.failed'),
      run_id: fc.constant('run_01J9Z6M4R2'),
      task_id: fc.oneof({ weight: 5, arbitrary: fc.constant(TASK_ID) }, { weight: 1, arbitrary: taskIdArb }),
      status: fc.constantFrom('completed', 'failed'),
      result: fc.option(textArb),
      error: fc.constant(null),
      timestamp: fc.constant('2026-11-30T14:03:41Z'),
    }),
    timestampedServer: fc.boolean(),
    delivery: deliveryCaseArb(secretArb),
  });

  const resume = (callback: object, delivery: DeliveryCase, timestampedServer: boolean) => {
    const scheme = { signsTimestamp: timestampedServer, acceptsBodyAlone: true };
    const { bundle, genuine } = deliveryRequest(callback, delivery, scheme);
    const authData = { ...credentials[flavour], webhook_secret: delivery.secret };
    const step = runStep(flavour, 'creates.run_task.operation.performResume', {
      authData,
      outputData: queued,
      ...bundle,
    });
    return { step, genuine };
  };

  it('resumes only with a callback signed with the connection’s secret over the body (or `{timestamp}.{body}` within five minutes), for its own task', async () => {
    await fc.assert(
      fc.asyncProperty(resumeArb, async ({ callback, timestampedServer, delivery }) => {
        const { step, genuine } = resume(callback, delivery, timestampedServer);
        const { results } = await step;
        const resumed = (results as { task_id?: string; result_summary?: unknown } | undefined) ?? null;
        const expected = genuine && callback.task_id === TASK_ID ? { task_id: TASK_ID, result: callback.result } : null;
        expect(resumed && { task_id: resumed.task_id, result: resumed.result_summary }).toEqual(expected);
      }),
      { seed: SEED, numRuns: numRuns(RUNS * 4) },
    );
  });

  it('never shows the connection’s secrets, resumed or refused', async () => {
    await fc.assert(
      fc.asyncProperty(resumeArb, async ({ callback, timestampedServer, delivery }) => {
        const { results, failure, logs } = await resume(callback, delivery, timestampedServer).step;
        const secrets = [delivery.secret, ...Object.values(SECRETS)];
        const everything = [textOf(results), failure, logs].join('\n');
        expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
      }),
      { seed: SEED, numRuns: numRuns(RUNS * 2) },
    );
  });
});
