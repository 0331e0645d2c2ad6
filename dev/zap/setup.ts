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
  oauth2: string | object;
}

export type RunningZap = Zap & { stop(): Promise<void> };

export const startZap = async (apps: AppSources, overrides: EmulatorOverrides = {}): Promise<RunningZap> => {
  const emulator = await startEmulator(overrides);
  const catcher = await startHookCatcher();
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
    stop: async () => {
      await Promise.all([emulator.close(), catcher.close()]);
    },
  };
};
