/**
 * Every step ends in success or in one of the platform's own errors with a
 * sentence, and leaks nothing on the way. Two platform behaviours make this
 * necessary (zapier-platform-core 19, src/middleware.js and
 * src/tools/create-lambda-handler.js):
 *
 * - To the message of any error without `doNotContextify` (which only its
 *   AppError, ThrottledError and ResponseError set) it appends the step's
 *   bundle, subscribeData.secret included, and the step's console lines.
 *   That covers its own HaltedError, RefreshAuthError and ExpiredAuthError,
 *   and any TypeError of a bug.
 * - Its log scrubber percent-encodes every authData value, which throws on a
 *   lone surrogate; in the error path that leaves the step never settling.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';

type StepFunction = (z: ZObject, bundle: Bundle) => unknown;

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

/** An error as the platform should see it: its own class with a sentence and no context appended. */
const settledError = (z: ZObject, error: unknown): Error => {
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
  // A bug: its message may quote anything (a header with the key, the bundle), so only its kind is named.
  const kind = /^\w{1,40}$/.test(name) ? ` (${name})` : '';
  return new z.errors.Error(
    `The CodeTether integration ran into an unexpected problem${kind}. Try again; if it keeps happening, contact CodeTether support.`,
    'internal_error',
  );
};

const guardStep =
  (step: StepFunction): StepFunction =>
  async (z, bundle) => {
    // The bundle is the one the platform's logger reads.
    wellFormed(bundle?.authData);
    try {
      return await step(z, bundle);
    } catch (error) {
      throw settledError(z, error);
    }
  };

/**
 * The definition (triggers, creates, searches or an authentication) with
 * every function in it guarded. Only the objects on the way to a function
 * are copied: fields and samples stay the very objects the steps export,
 * which keeps a cold start from copying them once more.
 */
export const guardSteps = <T>(definition: T): T => {
  if (typeof definition === 'function') return guardStep(definition as StepFunction) as T;
  if (definition === null || typeof definition !== 'object') return definition;
  let guarded: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(definition)) {
    const guardedValue = guardSteps(value);
    if (guardedValue === value) continue;
    guarded ??= (Array.isArray(definition) ? [...definition] : { ...definition }) as Record<string, unknown>;
    guarded[key] = guardedValue;
  }
  return (guarded ?? definition) as T;
};
