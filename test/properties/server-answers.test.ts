/**
 * Hostile server answers, property-based: every visible step (and the OAuth
 * token requests), both authentication flavours, any status, body and
 * headers, contract answers with odd timestamps or lists that ignore
 * `limit`, a server that never answers and one whose body stalls (waited out
 * on a fake clock). Whatever comes back, the step settles before its
 * deadline, as a success whose output is what Zapier wants or a platform
 * error with one short sentence, and leaks nothing.
 */
import fc from 'fast-check';
import { DEFAULT_BASE_URL } from '../../lib/api/contract';
import { appFor, FLAVOURS, SECRETS, useNock } from '../support/app';
import { CONNECTIONS, VISIBLE_STEPS } from '../support/steps';
import { answerEveryRequest, expectSettledSafely, pastTheDeadline, runAsZapier } from '../support/zapier';
import { answerOf, hostileServer, isStalled, numRuns, SEED, type Server } from './arbitraries';

useNock();

/**
 * Runs per flavour, a few tens of milliseconds each. The platform exits a process that has run a step
 * more than 250 times and uses much memory (src/tools/memory-checker.js): a test file stays below that.
 */
const RUNS = 120;
const OAUTH_STEPS = [
  {
    method: 'authentication.oauth2Config.getAccessToken',
    bundle: { inputData: { code: 'c0de', redirect_uri: 'https://zapier.test/r', code_verifier: 'v'.repeat(43) } },
  },
  { method: 'authentication.oauth2Config.refreshAccessToken', bundle: {} },
];
const STEPS = { api_key: VISIBLE_STEPS, oauth2: [...VISIBLE_STEPS, ...OAUTH_STEPS] };

/** ISO-8601 with an offset, what Zapier wants of every datetime. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATETIME_KEYS = ['created_at', 'started_at', 'completed_at', 'delivered_at'];
/** The most a step lists: one page of GET /tasks; Task Finished reads up to five pages of each outcome. */
const maxItems = (method: string) => (method.includes('task_finished') ? 1000 : 100);

/** What a successful step outputs: no more items than it asked for, every datetime with an offset or null. */
const expectZapierOutput = (method: string, results: unknown) => {
  const items = Array.isArray(results) ? results : [results];
  if (items.length > maxItems(method)) throw new Error(`${method} output ${items.length} items`);
  for (const item of items) {
    for (const key of DATETIME_KEYS) {
      const value = (item as Record<string, unknown> | null)?.[key];
      if (value !== undefined && value !== null && !(typeof value === 'string' && WITH_OFFSET.test(value))) {
        throw new Error(`${method} output ${key} ${JSON.stringify(value)}`);
      }
    }
  }
};

/** What each status must become, whichever step met it. */
const expectStatusRule = (
  flavour: string,
  method: string,
  server: Server,
  failure?: { name: string; delay?: unknown },
) => {
  if (server.kind !== 'answers' || !failure) return;
  if (server.status === 429) {
    const { delay } = failure;
    if (failure.name !== 'ThrottledError' || typeof delay !== 'number' || delay < 1 || delay > 3600) {
      throw new Error(`A 429 became a ${failure.name} with delay ${String(delay)}`);
    }
  }
  const refreshing = method.endsWith('refreshAccessToken') || method.endsWith('getAccessToken');
  if (server.status === 401 && flavour === 'oauth2' && !refreshing && failure.name !== 'RefreshAuthError') {
    throw new Error(`An OAuth 401 became a ${failure.name}, not a refresh`);
  }
  const invalidGrant =
    typeof server.body === 'object' && (server.body as { error?: unknown }).error === 'invalid_grant';
  if (
    method.endsWith('refreshAccessToken') &&
    server.status === 400 &&
    invalidGrant &&
    failure.name !== 'ExpiredAuthError'
  ) {
    throw new Error(`A refused refresh became a ${failure.name}, not an ExpiredAuthError`);
  }
};

describe.each(FLAVOURS)('any server answer, %s flavour', (flavour) => {
  const app = appFor(flavour);
  const authData = CONNECTIONS[flavour];
  // What a server can know and echo: the connection's secrets and the OAuth client's.
  const echo = [...Object.values(authData), SECRETS.clientSecret].join(' / ');

  it('settles in time, as Zapier wants it or with a platform error and one short sentence; leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STEPS[flavour]), hostileServer(echo), async (step, server) => {
        let stalling = () => {};
        const stalled = new Promise<void>((resolve) => {
          stalling = resolve;
        });
        const stand_in = answerEveryRequest((request) => {
          stalling();
          return answerOf(server, request);
        });
        const runStep = () => runAsZapier(app, step.method, { ...step.bundle, authData });
        // A server that stops answering is waited out on a fake clock, past the step's deadline.
        const run = isStalled(server) ? await pastTheDeadline(runStep, stalled) : await runStep();
        stand_in.stop();
        expectSettledSafely(run, stand_in.seen, DEFAULT_BASE_URL, {
          outputMayHoldSecret: step.method.endsWith('performSubscribe') || step.method.includes('oauth2Config'),
        });
        if (run.failure) expectStatusRule(flavour, step.method, server, run.failure);
        else if (!step.method.includes('oauth2Config')) expectZapierOutput(step.method, run.results);
      }),
      { seed: SEED, numRuns: numRuns(RUNS) },
    );
  }, 120_000);
});
