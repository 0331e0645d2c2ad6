/**
 * Everything a Zap needs around the integration: the emulator on a free
 * loopback port, the catcher for hook and callback URLs, and the app in
 * both authentication flavours in Zapier's runtime.
 */
import type { EmulatorOverrides } from '../emulator/config';
import { startEmulator } from '../emulator/server';
import type { Zap } from './flows';
import { startHookCatcher } from './hook-catcher';
import { zapierRuntime } from './runtime';

export interface AppSources {
  /** The app built with API key authentication: a path to its index.js, or the definition. */
  apiKey: string | object;
  /** The app built with OAuth2 authentication, signing in with the emulator (its one configured instance). */
  oauth2: string | object;
}

export type RunningZap = Zap & { stop(): Promise<void> };

/**
 * Starts the emulator, then the apps `appsFor` gives for its URL: an OAuth2
 * build is fixed to one instance. When any step fails (a build that does not
 * compile), what has started is closed before the error goes on.
 */
export const startZap = async (
  appsFor: (emulatorUrl: string) => AppSources | Promise<AppSources>,
  overrides: EmulatorOverrides = {},
): Promise<RunningZap> => {
  const started: { close(): Promise<void> }[] = [];
  const stop = async () => {
    await Promise.all(started.map((server) => server.close()));
  };
  try {
    const emulator = await startEmulator(overrides);
    started.push(emulator);
    const apps = await appsFor(emulator.url);
    const catcher = await startHookCatcher();
    started.push(catcher);
    // What Zapier passes from the integration's environment: the OAuth client registered with CodeTether.
    const environment = {
      CLIENT_ID: emulator.options.oauthClient.clientId,
      CLIENT_SECRET: emulator.options.oauthClient.clientSecret,
    };
    return {
      emulator,
      catcher,
      apiKeyApp: zapierRuntime(apps.apiKey, environment),
      oauthApp: zapierRuntime(apps.oauth2, environment),
      stop,
    };
  } catch (error) {
    // The first error is the one to report, whether or not closing goes well.
    await Promise.allSettled(started.map((server) => server.close()));
    throw error;
  }
};
