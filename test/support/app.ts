/**
 * Test harness: the app as Zapier's runtime sees it, in either
 * authentication flavour, with real-looking secrets to prove none leaks.
 */
import nock from 'nock';
import { createAppTester } from 'zapier-platform-core';
import { authenticationFor } from '../../authentication';
import App from '../../index';
import type { Build } from '../../lib/build';
import { guardSteps } from '../../lib/steps/step-guard';

export const BASE = 'https://api.codetether.io';
export const API = `${BASE}/v1/automation`;

export const SECRETS = {
  apiKey: 'ct_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  accessToken: 'oat_3b9d1f7a5c2e8b4d6f0a1c3e5b7d9f2a',
  refreshToken: 'ort_8c6a4e2b0d9f7e5c3a1b8d6f4e2c0a9b',
  clientSecret: 'cs_e4f6a8c0b2d4e6f8a0c2b4d6e8f0a2c4',
  webhookSecret: 'whsec_5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b',
  /** The signing secret of an instant trigger's subscription, which Zapier keeps in subscribeData. */
  subscriptionSecret: 'whsec_sub_0e2c4a6b8d1f3e5a7c9b0d2f4a6c8e1b',
} as const;

// The OAuth client Zapier passes from the integration's environment. Set here, whatever .env or the
// shell says, so that no file or variable outside the tests changes what they find.
process.env.CLIENT_ID = 'codetether-zapier-test';
process.env.CLIENT_SECRET = SECRETS.clientSecret;

/** A build's one authentication scheme (lib/build.ts). */
export type Flavour = Build['auth'];
export const FLAVOURS: Flavour[] = ['api_key', 'oauth2'];

/** The app as a build of either scheme ships it; an OAuth2 build signs in with `server`, by default CodeTether's own. */
export const appFor = (flavour: Flavour, server: string = BASE) =>
  guardSteps({
    ...App,
    authentication: authenticationFor(flavour === 'oauth2' ? { auth: 'oauth2', server } : { auth: 'api_key' }),
  });
export const appTester = createAppTester(App);
export const oauthAppTester = createAppTester(appFor('oauth2'));

export const apiKeyAuth = { api_key: SECRETS.apiKey };
export const oauthAuth = { access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken };

/** What a hidden trigger gives its dynamic dropdown, asked as Zapier asks (`meta.page` counts from 0). */
export const dropdownChoices = <Choice>(trigger: { operation: object }, meta: Record<string, unknown> = {}) =>
  appTester((trigger.operation as { perform: never }).perform, {
    authData: apiKeyAuth,
    meta: { isFillingDynamicDropdown: true, ...meta },
  }) as Promise<Choice[]>;

/** Every test starts and ends with no pending or unexpected HTTP. */
export const useNock = () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length) throw new Error(`Requests that were expected but not made: ${pending.join(', ')}`);
  });
  afterAll(() => nock.enableNetConnect());
};

// A failed step as a user reads it, from the one harness that runs steps.
export { failureOf } from '../../dev/zap/runtime';

/**
 * The tests' clock: `Date` reads `now`, whatever the machine's clock says,
 * and only `Date` (timers run as usual). For steps that look at how old a
 * task or a delivery is.
 */
export const useClock = (now: string) => {
  beforeEach(() =>
    jest.useFakeTimers({
      now: new Date(now),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    }),
  );
  afterEach(() => jest.useRealTimers());
};
