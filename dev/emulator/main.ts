/**
 * `npm run emulator`: the emulator on its own, for `zapier invoke` and for
 * trying the API by hand. Prints what a `.env` needs for either build (for
 * OAuth2, tokens of the demo user) and runs until Ctrl-C or SIGTERM.
 * EMULATOR_PORT picks the port (default 4010; 0 for any free one).
 */
import { startEmulator } from './server';

const main = async () => {
  const port = Number(process.env.EMULATOR_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`EMULATOR_PORT must be a port number, not “${process.env.EMULATOR_PORT}”.`);
    process.exit(1);
  }

  const emulator = await startEmulator({ port });
  const { users, oauthClient, taskWebhookSecret, tasks } = emulator.options;
  const tokens = emulator.signInWithOAuth();
  console.log(`CodeTether emulator listening on ${emulator.url}
  API:      ${emulator.url}/v1/automation    OpenAPI: ${emulator.url}/openapi.json
  Demo API key: ${users[0]?.apiKey}
  A description containing ${tasks.failMarker} fails the task; ${tasks.needsInputMarker} makes it ask for input.
  The agent ends with the JSON its Result Fields ask for; ${Object.values(tasks.answerMarkers).join(', ')} choose another ending.

For \`npm run invoke\` (the API key build), put this in .env:
  authData_api_key=${users[0]?.apiKey}
  authData_base_url=${emulator.url}
  authData_webhook_secret=${taskWebhookSecret ?? ''}

For the OAuth2 build, fixed to this emulator as its one instance
(\`CODETETHER_AUTH=oauth2 CODETETHER_OAUTH_SERVER=${emulator.url} npm run invoke -- …\`), put this in .env instead:
  authData_access_token=${tokens.access_token}
  authData_refresh_token=${tokens.refresh_token}
  authData_base_url=${emulator.url}
  authData_webhook_secret=${taskWebhookSecret ?? ''}
  CLIENT_ID=${oauthClient.clientId}
  CLIENT_SECRET=${oauthClient.clientSecret}
These are the demo user's tokens, as if they had just connected. The access token lasts
${emulator.options.accessTokenTtlSeconds / 60} minutes (\`auth refresh\` with the same two variables renews it with the client);
both end when this emulator stops.

Ctrl-C stops it.`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void emulator.close().then(() => process.exit(0));
    });
  }
};

main().catch((error: unknown) => {
  console.error('The emulator could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
