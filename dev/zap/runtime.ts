/**
 * The integration as Zapier's runtime runs it: `createAppHandler` (what
 * Zapier's zapierwrapper.js calls) on the app, one `execute` event per step.
 * Given a path, the app is loaded with `require`, exactly as the wrapper
 * loads the built index.js.
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
  run<T = unknown>(method: string, bundle: StepBundle, options?: RunOptions): Promise<StepResult<T>>;
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
    run: async <T>(method: string, bundle: StepBundle, options: RunOptions = {}) =>
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
