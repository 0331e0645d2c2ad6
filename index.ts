/**
 * The CodeTether integration: the one app definition. Zapier's runtime loads
 * this module with `require` and uses `module.exports` as is.
 */
import { defineApp, version as platformVersion } from 'zapier-platform-core';
import { authenticationFor } from './authentication';
import { creates } from './creates';
import { prepareRequest, translateAnswer } from './lib/api/http';
import { BUILD } from './lib/build';
import { guardSteps } from './lib/steps/step-guard';
import { version } from './package.json';
import { searches, searchOrCreates } from './searches';
import { triggers } from './triggers';

const App = defineApp({
  version,
  platformVersion,
  authentication: authenticationFor(BUILD),
  beforeRequest: [prepareRequest],
  afterResponse: [translateAnswer],
  flags: {
    // Every request goes through z.request, which logs on its own; patching Node's http module would log twice.
    skipHttpPatch: true,
    // A 429 reaches translateAnswer, which bounds its Retry-After and says so in a sentence.
    throwForThrottlingEarly: false,
  },
  triggers,
  creates,
  searches,
  searchOrCreates,
});

// Every function of every step ends in success or a platform error with a sentence (lib/steps/step-guard.ts).
export = guardSteps(App);
