/**
 * A step's input, checked with zod before any request: a value that breaks a
 * rule stops the step with sentences that name each field by its label and
 * say what it must be, so nothing half-valid ever reaches CodeTether.
 */
import type { ZObject } from 'zapier-platform-core';
import type * as zod from 'zod/mini';

export type LabelledField = { key: string; label: string; type?: string };

/**
 * Zapier sends "" for a field left empty and may send a mapped number as
 * text: empty becomes absent, text is trimmed, digits in a number field
 * become a number.
 */
const cleanValue = (value: unknown, type: string | undefined): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return undefined;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
};

const FORMAT_RULES: Record<string, string> = {
  email: 'must be an email address, such as ada@example.com',
  url: 'must be a web address that starts with https:// (or http://)',
};

/** What a value of the wrong type must be instead; a step's number fields all hold whole numbers. */
const TYPE_RULES: Record<string, string> = {
  string: 'must be text',
  number: 'must be a whole number',
  int: 'must be a whole number',
};

const count = (n: number | bigint, unit: string) => `${n} ${unit}${Number(n) === 1 ? '' : 's'}`;

const ruleOf = (issue: zod.core.$ZodIssue, value: unknown): string => {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'is required';
      return TYPE_RULES[issue.expected] ?? issue.message;
    case 'too_small':
      return issue.origin === 'string'
        ? `must have at least ${count(issue.minimum, 'character')} (it has ${String(value).length})`
        : `must be ${issue.minimum} or more`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must have at most ${count(issue.maximum, 'character')} (it has ${String(value).length})`
        : `must be ${issue.maximum} or less`;
    case 'invalid_format':
      return FORMAT_RULES[issue.format] ?? `is not in the expected format (${issue.format})`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message;
  }
};

/** One sentence per broken rule; a rule about the whole input (no path) is its own sentence. */
const describeIssues = (
  issues: readonly zod.core.$ZodIssue[],
  input: Record<string, unknown>,
  labels: Map<string, string>,
) =>
  issues
    .map((issue) => {
      const key = issue.path[0];
      if (key === undefined) return issue.message;
      const label = labels.get(String(key)) ?? String(key);
      return `Check the “${label}” field: it ${ruleOf(issue, input[String(key)])}.`;
    })
    .join(' ');

export const parseStepInput = <S extends zod.ZodMiniType>(
  z: ZObject,
  schema: S,
  inputData: Record<string, unknown>,
  fields: readonly LabelledField[],
): zod.infer<S> => {
  const input = Object.fromEntries(fields.map((field) => [field.key, cleanValue(inputData[field.key], field.type)]));
  // Half of a character (a lone surrogate) cannot be sent or encoded in a URL.
  const broken = fields.find(
    (field) => typeof input[field.key] === 'string' && !(input[field.key] as string).isWellFormed(),
  );
  if (broken) {
    throw new z.errors.Error(
      `Check the “${broken.label}” field: it contains a broken character (half of an emoji or symbol). Map or type the value again.`,
      'invalid_input',
      400,
    );
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const labels = new Map(fields.map((field) => [field.key, field.label]));
  throw new z.errors.Error(describeIssues(result.error.issues, input, labels), 'invalid_input', 400);
};

/** The page a dropdown asks for ("Load more"): Zapier counts from 0 and sends a number; anything else is the first. */
export const requestedPage = (meta: { page?: unknown } | undefined): number => {
  const page = meta?.page;
  return typeof page === 'number' && Number.isSafeInteger(page) && page > 0 ? page : 0;
};
