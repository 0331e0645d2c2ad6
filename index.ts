/**
 * The CodeTether integration: the one app definition. Zapier's runtime loads
 * this module with `require` and uses `module.exports` as is.
 */
import { defineApp, version as platformVersion } from 'zapier-platform-core';
import { authenticationFor } from './authentication';
import { creates } from './creates';
import { addBearerToken } from './lib/api/client';
import { translateErrorResponse } from './lib/api/errors';
import { AUTH_FLAVOUR } from './lib/auth-flavour';
import { guardSteps } from './lib/steps/step-guard';
import { version } from './package.json';
import { searches, searchOrCreates } from './searches';
import { triggers } from './triggers';

const App = defineApp({
  version,
  platformVersion,
  authentication: authenticationFor(AUTH_FLAVOUR),
  beforeRequest: [addBearerToken],
  afterResponse: [translateErrorResponse],
  // Every request goes through z.request, which logs on its own; patching
  // Node's http module as well would only log the same calls twice.
  flags: { skipHttpPatch: true },
  // Every step settles in success or a platform error with a sentence, leaking nothing (see lib/steps/step-guard.ts).
  triggers: guardSteps(triggers),
  creates: guardSteps(creates),
  searches: guardSteps(searches),
  searchOrCreates,
});

export = App;
