/**
 * Every function of the app ends in success or in one of the platform's own
 * errors with a sentence, and leaks nothing on the way. Two platform
 * behaviours make this necessary (zapier-platform-core 19, src/middleware.js
 * and src/tools/create-lambda-handler.js):
 *
 * - To the message of any error without `doNotContextify` (which only its
 *   AppError, ThrottledError and ResponseError set) it appends the step's
 *   bundle, subscribeData.secret included, and the step's console lines.
 *   That covers its own HaltedError, RefreshAuthError and ExpiredAuthError,
 *   and any TypeError of a bug.
 * - Its log scrubber percent-encodes every authData value, which throws on a
 *   lone surrogate; in the error path that leaves the step never settling.
 *
 * The functions are wrapped where they are, so the definition Zapier
 * resolves (`creates.create_task.operation.perform`) holds exactly the
 * function each step file exports.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { redactSecrets } from '../api/errors';

type StepFunction = ((z: ZObject, bundle: Bundle) => unknown) & { [GUARDED]?: true };

const GUARDED = Symbol('guarded');

/** The value with every lone surrogate replaced by U+FFFD, in place for objects and lists. */
const wellFormed = (value: unknown): unknown => {
  if (typeof value === 'string') return value.toWellFormed();
  if (value !== null && typeof value === 'object') {
    const entries = value as Record<string, unknown>;
    for (const key of Object.keys(entries)) entries[key] = wellFormed(entries[key]);
  }
  return value;
};

/** Names the platform uses for its own error classes (z.errors). */
const PLATFORM_ERRORS = new Set([
  'AppError',
  'ThrottledError',
  'ResponseError',
  'CheckError',
  'DehydrateError',
  'ExpiredAuthError',
  'HaltedError',
  'MethodDoesNotExist',
  'NotImplementedError',
  'RefreshAuthError',
  'RequireModuleError',
  'StashedBundleError',
  'StopRequestError',
]);

/** What a platform error without a message of its own means to a user. */
const DEFAULT_MESSAGES: Record<string, string> = {
  RefreshAuthError: 'The sign-in of your CodeTether connection has expired; Zapier renews it and tries again.',
};

/** The name of an error, also of one from another realm (Node's own, under a test runner), which is no `instanceof Error`. */
const nameOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as Error).name === 'string' ? (error as Error).name : '';

/**
 * An error as the platform should see it: its own class with a sentence and
 * no context appended. A bug is logged once, stack and all, with the
 * connection's and the subscription's secrets taken out, and the user reads
 * a sentence that names only its kind (its message may quote anything).
 */
const settledError = (z: ZObject, bundle: Bundle, error: unknown): Error => {
  const name = nameOf(error);
  if (PLATFORM_ERRORS.has(name)) {
    const platformError = error as Error & { doNotContextify?: boolean };
    platformError.doNotContextify = true;
    if (!platformError.message) {
      platformError.message =
        DEFAULT_MESSAGES[name] ?? 'The step stopped. Try again; if it keeps happening, contact CodeTether support.';
    }
    return platformError;
  }
  const described = (error as Error | undefined)?.stack ?? String(error);
  z.console.error(`Unexpected error: ${redactSecrets(described, bundle)}`);
  const kind = /^\w{1,40}$/.test(name) ? ` (${name})` : '';
  return new z.errors.Error(
    `The CodeTether integration ran into an unexpected problem${kind}. Try again; if it keeps happening, contact CodeTether support.`,
    'internal_error',
  );
};

const guard = (step: StepFunction): StepFunction => {
  if (step[GUARDED]) return step;
  const guarded: StepFunction = async (z, bundle) => {
    // The bundle is the one the platform's logger reads.
    wellFormed(bundle?.authData);
    try {
      return await step(z, bundle);
    } catch (error) {
      throw settledError(z, bundle, error);
    }
  };
  guarded[GUARDED] = true;
  return guarded;
};

/** Guards, in place, every function of a definition (a step, an authentication), nested ones included. */
const guardFunctions = (definition: object): void => {
  const entries = definition as Record<string, unknown>;
  for (const [key, value] of Object.entries(entries)) {
    if (typeof value === 'function') entries[key] = guard(value as StepFunction);
    else if (value !== null && typeof value === 'object') guardFunctions(value);
  }
};

/**
 * Guards every function of the app's authentication and steps where it is:
 * no copy, so what Zapier resolves is exactly what the step files export.
 */
export const guardSteps = <App extends object>(app: App): App => {
  for (const part of ['authentication', 'triggers', 'creates', 'searches'] as const) {
    const definition = (app as Record<string, unknown>)[part];
    if (definition !== null && typeof definition === 'object') guardFunctions(definition);
  }
  return app;
};
