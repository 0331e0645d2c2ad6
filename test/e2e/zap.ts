/**
 * A Zap per test file: the emulator and the hook catcher on free loopback
 * ports, and the app's definition (both authentication flavours) in
 * Zapier's runtime; all stopped after the file.
 */

import type { EmulatorOverrides } from '../../dev/emulator/config';
import { type RunningZap, startZap } from '../../dev/zap/setup';
import App from '../../index';
import { appFor } from '../support/app';

export const useZap = (overrides: EmulatorOverrides = {}) => {
  let zap: RunningZap | undefined;
  beforeAll(async () => {
    zap = await startZap(
      (emulatorUrl) => ({ apiKey: App, oauth2: appFor('oauth2', emulatorUrl) }),
      // Quick, yet long enough for a step to cancel a task before it finishes.
      { tasks: { startDelayMs: 40, runDelayMs: 250 }, ...overrides },
    );
  });
  afterAll(async () => zap?.stop());
  return (): RunningZap => {
    if (!zap) throw new Error('The Zap has not started.');
    return zap;
  };
};
