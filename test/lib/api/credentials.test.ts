/**
 * A credential that cannot go into an HTTP header stops every step before
 * any request, with a sentence that names the field and quotes none of it.
 */
import { DEFAULT_BASE_URL } from '../../../lib/api/contract';
import { appFor, SECRETS, useNock } from '../../support/app';
import { contractAnswer, VISIBLE_STEPS } from '../../support/steps';
import { answerEveryRequest, expectSettledSafely, runAsZapier } from '../../support/zapier';

useNock();

describe('credentials that cannot be sent', () => {
  it.each([
    ['a zero-width space', `${SECRETS.apiKey.slice(0, 20)}\u200b${SECRETS.apiKey.slice(20)}`],
    ['a lone surrogate', `ct_live_\udfff${SECRETS.apiKey.slice(8)}`],
    ['a line break', `${SECRETS.apiKey}\r\nX-Injected: 1`],
  ])('a key with %s settles every step, quoting none of it, and sends nothing', async (_, apiKey) => {
    const stand_in = answerEveryRequest(contractAnswer);
    for (const step of VISIBLE_STEPS) {
      const run = await runAsZapier(appFor('api_key'), step.method, { ...step.bundle, authData: { api_key: apiKey } });
      expectSettledSafely(run, [], DEFAULT_BASE_URL);
      expect(`${run.failure?.message} ${run.logs}`).not.toContain(apiKey.slice(8, 20));
    }
    stand_in.stop();
    expect(stand_in.seen).toEqual([]);
  });
});
