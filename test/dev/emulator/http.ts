/**
 * Test helpers: an emulator per test file on a free loopback port and plain
 * HTTP calls to it. Webhooks are received by the Zap harness's hook catcher.
 */
import { DEMO_USER, type EmulatorOverrides } from '../../../dev/emulator/config';
import { type RunningEmulator, startEmulator } from '../../../dev/emulator/server';

export const API_KEY = DEMO_USER.apiKey;

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field in each test
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, instead of `body` as JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Answer>;

export const callerFor =
  (baseUrl: () => string): Call =>
  async (method, path, { token = API_KEY, body, rawBody, headers = {} } = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || rawBody !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

/** One emulator for the whole test file, stopped after it. */
export const useEmulator = (overrides: EmulatorOverrides = {}) => {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(overrides);
  });
  afterAll(async () => emulator?.close());
  const running = (): RunningEmulator => {
    if (!emulator) throw new Error('The emulator has not started.');
    return emulator;
  };
  return { emulator: running, call: callerFor(() => running().url) };
};

/** Polls until `check` returns something, or fails after `timeoutMs`. */
export const eventually = async <T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Nothing happened within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
