import * as flows from '../../dev/zap/flows';
import { failureOf } from '../../dev/zap/runtime';
import { useZap } from './zap';

describe('connecting to the emulator', () => {
  const zap = useZap({ accessTokenTtlSeconds: 2 });

  it('connects with an API key at /v1/users/me, which takes ct_ keys, and labels the connection', async () => {
    const { label, authData } = await flows.connectWithApiKey(zap());
    expect(label).toBe(`Ada Lovelace (ada@example.com) @ ${new URL(zap().emulator.url).host}`);
    expect(authData.api_key).toMatch(/^ct_/);
  });

  it('tells the user why CodeTether may reject a ct_ key, and to create a new one', async () => {
    const failure = await failureOf(
      zap().apiKeyApp.run('authentication.test', { authData: { api_key: 'ct_revoked', base_url: zap().emulator.url } }),
    );
    expect(failure.message).toBe(
      `CodeTether rejected the API key: it may have been revoked or have expired, or it was made on another CodeTether instance than ${zap().emulator.url} (check the Base URL of your connection). Create a key in CodeTether under Settings → API Keys, then reconnect.`,
    );
  });

  it('connects with OAuth2: authorize with PKCE, exchange the code, refresh with rotation', async () => {
    const authorized = await flows.authorizeWithOAuth(zap());
    expect(authorized.authData.base_url).toBe(zap().emulator.url);
    const refreshed = await flows.refreshOAuth(zap(), authorized.authData);
    expect(refreshed.authData.refresh_token).not.toBe(authorized.authData.refresh_token);

    // The refresh token that was rotated away no longer works.
    const reused = await failureOf(
      zap().oauthApp.run('authentication.oauth2Config.refreshAccessToken', { authData: authorized.authData }),
    );
    expect(reused.message).toMatch(/^CodeTether did not accept the sign-in: .*\(invalid_grant\)\. Reconnect/);
  });

  it('asks Zapier to refresh once the access token expires, and works again after the refresh', async () => {
    const { authData } = await flows.authorizeWithOAuth(zap());
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await failureOf(zap().oauthApp.run('triggers.list_recent_tasks.operation.perform', { authData }));
    expect(expired.name).toBe('RefreshAuthError');
    const { authData: renewed } = await flows.refreshOAuth(zap(), authData);
    const tasks = await zap().oauthApp.run('triggers.list_recent_tasks.operation.perform', { authData: renewed });
    expect(tasks.results).toEqual(expect.any(Array));
  });
});
