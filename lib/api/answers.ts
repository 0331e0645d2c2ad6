/**
 * Reading a success answer: JSON text, then the contract schema that says
 * its shape. A mismatch names the field and what was wrong.
 */
import type { ZObject } from 'zapier-platform-core';
import type { z as zod } from 'zod';

/** JSON text parsed, or undefined when it is not JSON. */
export const parseJson = (content: string): unknown => {
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
};

/** Parses an answer with its contract schema; a mismatch names the field and what was wrong. */
export const parseAnswer = <S extends zod.ZodType>(
  z: ZObject,
  schema: S,
  data: unknown,
  what: string,
): zod.infer<S> => {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  // A failed parse has at least one issue.
  const [issue] = result.error.issues;
  const { path } = issue;
  const value = path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], data);
  const field = path.length ? `field “${path.join('.')}”` : 'the answer';
  const problem = path.length && value === undefined ? 'is missing' : `is not valid (${issue.message})`;
  throw new z.errors.Error(
    `CodeTether sent an unexpected answer to ${what}: ${field} ${problem}. If this keeps happening, contact CodeTether support.`,
    'unexpected_answer',
  );
};
