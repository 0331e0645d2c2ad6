/**
 * Runs one method of the app through the Zap harness (dev/zap/runtime.ts),
 * capturing everything a secret could leak into: the step's error, the
 * platform's log lines (its customLogger) and what z.console printed. And a
 * stand-in for any server the app may call, which records every request.
 */
import type { Readable } from 'node:stream';
import nock from 'nock';
import { type Failure, failureFrom, type ZapierRuntime, zapierRuntime } from '../../dev/zap/runtime';
import { STEP_DEADLINE_MS } from '../../lib/api/http';
import { SECRETS } from './app';

export type ZapierRun = { results: unknown; failure?: Failure; logs: string };

/**
 * Runs a step against a server that has stopped answering, on a fake clock:
 * once `stalled` says the request that will never be answered has reached the
 * server, the clock jumps past the step's deadline, and the step must settle
 * with what a user reads. Nothing waits for, or measures, the machine's time.
 */
export const pastTheDeadline = async <T>(step: () => Promise<T>, stalled: Promise<unknown>): Promise<T> => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
  try {
    const settled = step().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await stalled;
    await jest.advanceTimersByTimeAsync(STEP_DEADLINE_MS);
    const outcome = await settled;
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  } finally {
    jest.useRealTimers();
  }
};

/** The error classes of the platform (z.errors): a step that fails must fail with one of them. */
export const PLATFORM_ERRORS = ['AppError', 'ThrottledError', 'HaltedError', 'RefreshAuthError', 'ExpiredAuthError'];

/** A step that has not settled by then never will (the platform's scrubber can throw inside its error path). */
const SETTLE_TIMEOUT_MS = 30_000;
/** The machine's own timer, also while a test runs on a fake clock: what never settles is caught either way. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

const runtimes = new WeakMap<object, ZapierRuntime>();
const runtimeFor = (app: object) => {
  const runtime = runtimes.get(app) ?? zapierRuntime(app);
  runtimes.set(app, runtime);
  return runtime;
};

export const runAsZapier = async (
  app: object,
  method: string,
  bundle: object,
  options: { callbackUrl?: string } = {},
): Promise<ZapierRun> => {
  const lines: string[] = [];
  // z.console also writes to the process console, before any scrubbing: the rawest log there is.
  const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = runtimeFor(app).run(method, bundle, {
      callbackUrl: options.callbackUrl ?? 'https://hooks.zapier.com/hooks/catch/1/callback-abc/',
      log: (message, data) => lines.push(message, JSON.stringify(data)),
    });
    const never = new Promise<never>((_, reject) => {
      timer = realSetTimeout(() => reject(new Error('NEVER SETTLED')), SETTLE_TIMEOUT_MS);
    });
    const { results } = await Promise.race([run, never]);
    return { results, logs: lines.join('\n') };
  } catch (error) {
    return { results: undefined, failure: failureFrom(error), logs: lines.join('\n') };
  } finally {
    realClearTimeout(timer);
    for (const spy of spies) spy.mockRestore();
  }
};

/** The secrets of the test connection and subscription, none of which may appear in anything a user or log sees. */
export const leakedSecrets = (text: string): string[] =>
  Object.values(SECRETS).filter((secret) => text.includes(secret) || text.includes(secret.slice(0, 16)));

export type Answer = { status: number; body?: string | object | Readable; headers?: Record<string, string> };
export type SeenRequest = { method: string; url: string };

/**
 * Answers every request to any host with `answer` (which may take its time),
 * and records it. Returns the requests seen and a stop that removes the stand-in.
 */
export const answerEveryRequest = (answer: (request: SeenRequest) => Answer | Promise<Answer>) => {
  const seen: SeenRequest[] = [];
  for (const method of ['GET', 'POST', 'DELETE', 'PUT', 'PATCH']) {
    nock(/.*/)
      .persist()
      .intercept(/.*/, method)
      .reply(async function () {
        // nock keeps where the request went in the options of its intercepted request.
        const { proto, hostname, port } = (this.req as unknown as { options: Record<string, string> }).options;
        const request = { method, url: new URL(this.req.path, `${proto}://${hostname}:${port}`).href };
        seen.push(request);
        const { status, body = '', headers = {} } = await answer(request);
        return [status, body, headers];
      });
  }
  return { seen, stop: () => nock.cleanAll() };
};

// ---------------------------------------------------------------- what always holds

/** A quote of a value in a message is a short excerpt (lib/api/text.ts). */
const QUOTE = /“([^”]*)”/g;
const MAX_QUOTE = 41;

/**
 * What every run must hold: it settled, in success or in one of the
 * platform's error classes with a short sentence on one line that quotes
 * nothing long and shows no markup, traceback or file path; no secret in its
 * message, logs or output; and every request went to `/v1/…` (or the OAuth
 * token endpoint) on the configured host.
 */
export const expectSettledSafely = (
  run: ZapierRun,
  requests: SeenRequest[],
  configuredOrigin: string,
  options: { outputMayHoldSecret?: boolean } = {},
) => {
  if (run.failure) {
    const { name, message } = run.failure;
    if (!PLATFORM_ERRORS.includes(name)) throw new Error(`A ${name} is not a platform error: ${message.slice(0, 300)}`);
    if (message.length === 0 || message.length > 600) throw new Error(`A message of ${message.length} characters`);
    // A user's own value may hold anything, quoted as an excerpt; the rest is the app's and the server's words.
    const unquoted = message.replace(QUOTE, '“”');
    if (
      /[\r\n]/.test(message) ||
      /[<>]|What happened|\[object Object\]|Traceback|\/app\/|undefined|NaN/.test(unquoted)
    ) {
      throw new Error(`The message shows what it should not: ${message.slice(0, 300)}`);
    }
    for (const [, quoted = ''] of message.matchAll(QUOTE)) {
      if (Array.from(quoted).length > MAX_QUOTE) throw new Error(`A long quote in: ${message.slice(0, 300)}`);
    }
  }
  const output = options.outputMayHoldSecret ? '' : JSON.stringify(run.results ?? null);
  const leaked = leakedSecrets(`${run.failure?.message ?? ''}\n${run.logs}\n${output}`);
  if (leaked.length) throw new Error(`Leaked ${leaked.join(', ')}`);
  for (const { url } of requests) {
    const target = new URL(url);
    const allowed = target.pathname.startsWith('/v1/') || target.pathname === '/oauth/token';
    if (target.origin !== configuredOrigin || !allowed) throw new Error(`A request off the API: ${url}`);
  }
};
