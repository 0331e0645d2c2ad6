/**
 * The one way to run a step as Zapier's runtime runs it: `createAppHandler`
 * (what Zapier's zapierwrapper.js calls) on the app, one `execute` event per
 * step. Given a path, the app is loaded with `require`, exactly as the
 * wrapper loads the built index.js. `npm start`, `npm run trigger`, the
 * bench and the tests all run steps through it, and read a failed step with
 * `failureOf`.
 */
import { createAppHandler } from 'zapier-platform-core';

export type AuthData = Record<string, string>;

export interface StepBundle {
  authData?: AuthData;
  inputData?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  targetUrl?: string;
  subscribeData?: Record<string, unknown>;
  outputData?: unknown;
  cleanedRequest?: unknown;
  rawRequest?: { method: string; querystring: string; headers: Record<string, string>; content: string };
}

export interface StepResult<T> {
  results: T;
  /** "CALLBACK" when the step asked Zapier to wait for its callback URL. */
  status?: string;
}

/** What the platform logs during a step (`log_type` "http" for each request), as its customLogger gets it. */
export type StepLogger = (message: string, data: Record<string, unknown>) => void;

export interface RunOptions {
  /** Zapier's own URL for this step's run; without one, generateCallbackUrl() gives nothing. */
  callbackUrl?: string;
  log?: StepLogger;
}

export interface ZapierRuntime {
  /** Runs one method of the app, such as `creates.create_task.operation.perform`. */
  run<T = unknown>(method: string, bundle: StepBundle | object, options?: RunOptions): Promise<StepResult<T>>;
}

/**
 * `environment` is what Zapier passes from the integration's environment
 * variables (CLIENT_ID, CLIENT_SECRET); the runtime copies it into process.env.
 */
export const zapierRuntime = (
  appRawOrPath: string | object,
  environment: Record<string, string> = {},
): ZapierRuntime => {
  const handler = createAppHandler(appRawOrPath);
  return {
    run: async <T>(method: string, bundle: StepBundle | object, options: RunOptions = {}) =>
      (await handler({
        command: 'execute',
        method,
        bundle,
        environment,
        // As for `zapier invoke`: Zapier's output checks throw instead of only logging.
        calledFromCli: true,
        callback_url: options.callbackUrl,
        customLogger: options.log,
      })) as StepResult<T>,
  };
};

/** A failed step: the error class Zapier sees, what a user reads, a ThrottledError's delay, and the error itself. */
export interface Failure {
  name: string;
  message: string;
  delay?: unknown;
  raw: Error;
}

/**
 * What a user reads of an error: the platform wraps app errors as JSON
 * (with a ThrottledError's delay) and appends, for developers, a
 * "What happened:" trace to the others.
 */
export const failureFrom = (error: unknown): Failure => {
  const raw = error instanceof Error ? error : new Error(String(error));
  let wrapped: { message?: unknown; delay?: unknown } | undefined;
  try {
    wrapped = JSON.parse(raw.message);
  } catch {
    // a plain message
  }
  const message = typeof wrapped?.message === 'string' ? wrapped.message : raw.message;
  return { name: raw.name, message: message.split('\nWhat happened:')[0] ?? '', delay: wrapped?.delay, raw };
};

/** The failure of a step that must fail. */
export const failureOf = async (step: Promise<unknown>): Promise<Failure> => {
  try {
    await step;
  } catch (error) {
    return failureFrom(error);
  }
  throw new Error('Expected the step to fail, but it succeeded.');
};
