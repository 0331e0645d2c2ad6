/**
 * Reading a success answer: JSON text, then the contract schema that says
 * its shape. A mismatch names the field and what was wrong.
 */
import type { ZObject } from 'zapier-platform-core';
import type * as zod from 'zod/mini';

/** JSON text parsed, or undefined when it is not JSON. */
export const parseJson = (content: string): unknown => {
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
};

/** What a JSON value is, in the words of a type check: "text", "a list", "null"… */
const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
};

const EXPECTED: Record<string, string> = {
  string: 'text',
  object: 'an object',
  array: 'a list',
  int: 'a whole number',
};

/** What is wrong with a value, without zod's locale (zod/mini carries none). */
const problemOf = (issue: zod.core.$ZodIssue, value: unknown): string => {
  switch (issue.code) {
    case 'invalid_type':
      return `should be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}, not ${kindOf(value)}`;
    case 'invalid_value':
      return `should be ${issue.values.map((allowed) => JSON.stringify(allowed)).join(' or ')}`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array' ? 'is empty' : 'is out of range';
    default:
      return 'is not valid';
  }
};

/** Parses an answer with its contract schema; a mismatch names the field and what was wrong. */
export const parseAnswer = <S extends zod.ZodMiniType>(
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
  const problem = path.length && value === undefined ? 'is missing' : problemOf(issue, value);
  throw new z.errors.Error(
    `CodeTether sent an unexpected answer to ${what}: ${field} ${problem}. If this keeps happening, contact CodeTether support.`,
    'unexpected_answer',
  );
};
