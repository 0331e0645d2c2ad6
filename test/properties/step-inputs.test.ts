/**
 * Hostile step input, property-based: every visible step, both
 * authentication flavours, any type or content in every input field, in the
 * credentials, the Base URL, Zapier's meta and hook data, against a server
 * that answers as the contract says. Whatever comes in, the step succeeds or
 * says in one short sentence which field is wrong, before any request.
 */
import fc from 'fast-check';
import { parseBaseUrl } from '../../lib/api/base-url';
import { appFor, BASE, FLAVOURS, SECRETS, useNock } from '../support/app';
import { CONNECTIONS, contractAnswer, SUBSCRIBE_DATA, TARGET_URL, VISIBLE_STEPS } from '../support/steps';
import { answerEveryRequest, expectSettledSafely, runAsZapier } from '../support/zapier';
import { hostileValue, maybeHostile, numRuns, SEED } from './arbitraries';

useNock();

/**
 * Runs per flavour, a few tens of milliseconds each. The platform exits a process that has run a step
 * more than 250 times and uses much memory (src/tools/memory-checker.js): a test file stays below that.
 */
const RUNS = 120;

/** The sentences that refuse input before any request (or, for a subscription, Zapier's own data). */
const REFUSAL =
  /^(Check the “[^”]+” field|The API Key of your connection|Your CodeTether connection has no API key|The sign-in of your CodeTether connection|The CodeTether Base URL|CodeTether could not find it: “|Fill in at least one of|Zapier gave no (valid|web) address|The webhook subscription this Zap kept has no valid ID)/;

const OAUTH_STEPS = [
  {
    method: 'authentication.oauth2Config.getAccessToken',
    bundle: { inputData: { code: 'c0de', redirect_uri: 'https://zapier.test/r', code_verifier: 'v'.repeat(43) } },
    inputKeys: ['code', 'redirect_uri', 'code_verifier', 'base_url'],
  },
  { method: 'authentication.oauth2Config.refreshAccessToken', bundle: {}, inputKeys: [] },
];

const STEPS = { api_key: VISIBLE_STEPS, oauth2: [...VISIBLE_STEPS, ...OAUTH_STEPS] };

const baseUrl = fc.oneof(fc.constant(undefined), fc.constant('https://codetether.example.com'), hostileValue);

/** A connection of the flavour with each of its fields valid, missing or hostile. */
const hostileConnection = (flavour: keyof typeof CONNECTIONS) =>
  fc.record(
    Object.fromEntries([
      ...Object.entries(CONNECTIONS[flavour]).map(([key, value]) => [key, maybeHostile(value)]),
      ['base_url', baseUrl],
    ]),
  );

/** A step with its input fields, Zapier's meta and hook data each valid, missing or hostile. */
const hostileRun = (flavour: keyof typeof CONNECTIONS) =>
  fc.constantFrom(...STEPS[flavour]).chain((step) =>
    fc.record({
      method: fc.constant(step.method),
      authData: hostileConnection(flavour),
      inputData: fc.record(
        Object.fromEntries(
          step.inputKeys.map((key) => [key, maybeHostile((step.bundle.inputData as Record<string, unknown>)?.[key])]),
        ),
      ),
      meta: fc.record({ page: maybeHostile(1), isLoadingSample: maybeHostile(false) }),
      targetUrl: maybeHostile(TARGET_URL),
      subscribeData: maybeHostile(SUBSCRIBE_DATA),
      rest: fc.constant(step.bundle),
    }),
  );

/** The instance the step may call: the connection's, or, while signing in, the OAuth2 build's own, whatever was typed. */
const configuredOrigin = (method: string, bundle: { authData: Record<string, unknown> }) => {
  if (method.startsWith('authentication.oauth2Config')) return BASE;
  try {
    return parseBaseUrl(bundle.authData.base_url);
  } catch {
    return undefined;
  }
};

describe.each(FLAVOURS)('any step input, %s flavour', (flavour) => {
  const app = appFor(flavour);

  it('succeeds, or names the wrong field in one short sentence before any request; leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileRun(flavour),
        async ({ method, authData, inputData, meta, targetUrl, subscribeData, rest }) => {
          const stand_in = answerEveryRequest(contractAnswer);
          const bundle = { ...rest, authData, inputData: { ...inputData }, meta, targetUrl, subscribeData };
          // Hook steps read their own data; the others ignore it, so only theirs varies.
          if (!('targetUrl' in rest)) delete (bundle as Record<string, unknown>).targetUrl;
          if (!('subscribeData' in rest)) delete (bundle as Record<string, unknown>).subscribeData;
          const run = await runAsZapier(app, method, bundle);
          stand_in.stop();
          const origin = configuredOrigin(method, bundle);
          expectSettledSafely(run, stand_in.seen, origin ?? 'no request may be made', {
            outputMayHoldSecret:
              method.endsWith('performSubscribe') || method.startsWith('authentication.oauth2Config'),
          });
          if (run.failure) {
            if (!REFUSAL.test(run.failure.message)) {
              throw new Error(`Not a refusal of input (${run.failure.name}): ${run.failure.message.slice(0, 300)}`);
            }
            if (stand_in.seen.length)
              throw new Error(`Refused input, yet ${stand_in.seen.length} request(s) were sent`);
          }
        },
      ),
      { seed: SEED, numRuns: numRuns(RUNS) },
    );
  }, 120_000);
});

describe('step input the suite found wrong, kept as examples', () => {
  it('a secret that is a number or list in authData is refused without a request and without echo', async () => {
    const stand_in = answerEveryRequest(contractAnswer);
    const run = await runAsZapier(appFor('api_key'), 'authentication.test', {
      authData: { api_key: [SECRETS.apiKey] },
    });
    stand_in.stop();
    expect(run.failure?.message).toMatch(/^The API Key of your connection is not text\./);
    expect(stand_in.seen).toEqual([]);
  });
});
