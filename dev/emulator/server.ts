/**
 * Starts the emulator on 127.0.0.1 (never another interface) and hands back
 * its URL, its options and a way to stop it with everything it scheduled.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEmulatorApp } from './app';
import { type EmulatorOptions, type EmulatorOverrides, resolveOptions } from './config';
import type { FaultRule } from './faults';
import type { DeliveryAttempt } from './webhooks';

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: the Base URL of a connection. */
  url: string;
  options: EmulatorOptions;
  /** Every webhook delivery attempt so far, in order. */
  deliveries: readonly DeliveryAttempt[];
  /** Resolves when no webhook delivery is in flight or waiting for a retry. */
  deliveriesSettled(): Promise<void>;
  /** OAuth2 tokens for the first user, as if they had just approved the client. */
  signInWithOAuth(): { access_token: string; refresh_token: string };
  /** Spoils the next matching requests (see faults.ts); settles once the first one has been spoiled. */
  injectFault(rule: FaultRule): Promise<void>;
  close(): Promise<void>;
}

export const startEmulator = async (overrides: EmulatorOverrides = {}): Promise<RunningEmulator> => {
  const options = resolveOptions(overrides);
  const { app, tasks, webhooks, oauth, faults } = createEmulatorApp(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port }, () => resolve(listening));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    options,
    deliveries: webhooks.attempts,
    deliveriesSettled: () => webhooks.settled(),
    signInWithOAuth: () => oauth.signIn(),
    injectFault: (rule) => faults.inject({ ...rule }),
    close: async () => {
      tasks.close();
      webhooks.close();
      faults.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
};
