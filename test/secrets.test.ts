import nock from 'nock';
import { createAppHandler } from 'zapier-platform-core';
import App from '../index';
import { API, appFor, BASE, oauthAuth, SECRETS, useNock } from './support/app';

useNock();

/** Runs one method as Zapier does and returns everything the platform logged. */
const runAndCaptureLogs = async (app: object, method: string, bundle: object) => {
  const logs: string[] = [];
  const customLogger = (message: string, data: unknown) => logs.push(message, JSON.stringify(data));
  let failure = '';
  try {
    await createAppHandler(app)({ command: 'execute', method, bundle, customLogger });
  } catch (error) {
    failure = String((error as Error).message);
  }
  return { logs: logs.join('\n'), failure };
};

const expectNoSecret = (text: string) => {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
};

const withEverySecret = { api_key: SECRETS.apiKey, webhook_secret: SECRETS.webhookSecret };

describe('no secret in logs or errors', () => {
  it('a connection test through the key fallback logs its requests without the key', async () => {
    nock(API).get('/me').reply(401, { detail: 'Authentication required' });
    nock(BASE).get('/v1/users/me').reply(200, { id: 'usr_1', email: 'ada@example.com' });
    const { logs, failure } = await runAndCaptureLogs(App, 'authentication.test', { authData: withEverySecret });
    expect(failure).toBe('');
    expect(logs).toContain('/v1/users/me');
    expect(logs).toMatch(/Bearer|authorization/i);
    expectNoSecret(logs);
  });

  it('a rejected key and a server that echoes it leak nothing', async () => {
    nock(API)
      .get('/me')
      .reply(500, { detail: `bad key ${SECRETS.apiKey} / ${SECRETS.webhookSecret}` });
    const { logs, failure } = await runAndCaptureLogs(App, 'authentication.test', { authData: withEverySecret });
    expect(failure).toMatch(/CodeTether had a problem/);
    expectNoSecret(failure);
    expectNoSecret(logs);
  });

  it('an OAuth token exchange and refresh log neither tokens nor the client secret', async () => {
    const oauthApp = appFor('oauth2');
    nock(BASE)
      .post('/oauth/token')
      .times(2)
      .reply(200, { access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken, expires_in: 3600 });
    const exchange = await runAndCaptureLogs(oauthApp, 'authentication.oauth2Config.getAccessToken', {
      inputData: { code: 'c0de', redirect_uri: 'https://zapier.test/r', code_verifier: 'v'.repeat(43) },
    });
    const refresh = await runAndCaptureLogs(oauthApp, 'authentication.oauth2Config.refreshAccessToken', {
      authData: oauthAuth,
    });
    expect(exchange.failure + refresh.failure).toBe('');
    expect(exchange.logs).toContain('/oauth/token');
    expectNoSecret(exchange.logs);
    expectNoSecret(refresh.logs);
  });
});
