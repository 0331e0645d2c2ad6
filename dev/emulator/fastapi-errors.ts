/**
 * Error answers exactly as production's FastAPI (pydantic v1) writes them:
 * there is no uniform envelope, so each kind has its own body.
 */
import type { z } from 'zod';
import type { ErrorBody } from '../../lib/api/contract';

type ValidationIssue = { loc: (string | number)[]; msg: string; type: string };

/** Where FastAPI says an input came from. */
export type InputSource = 'body' | 'query' | 'path' | 'header';

export const notFound = (message: string): ErrorBody => ({ detail: { error: 'not_found', message } });
export const conflict = (message: string): ErrorBody => ({ detail: { error: 'conflict', message } });
export const rateLimitExceeded = (message: string): ErrorBody => ({
  detail: { error: 'rate_limit_exceeded', message },
});
export const AUTHENTICATION_REQUIRED: ErrorBody = { detail: 'Authentication required' };

export const budgetExceeded = (used: number, limit: number, upgradeUrl: string): ErrorBody => ({
  detail: `Monthly task limit reached: ${used} of ${limit} tasks used`,
  error_code: 'BUDGET_EXCEEDED',
  upgrade_url: upgradeUrl,
});

const validationError = (issues: ValidationIssue[]): ErrorBody => ({ detail: issues });

const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    data,
  );

/** zod's expected type → pydantic v1's words. Every number in the contract is an integer. */
const PYDANTIC_TYPES: Record<string, [msg: string, type: string]> = {
  string: ['str type expected', 'type_error.str'],
  number: ['value is not a valid integer', 'type_error.integer'],
  array: ['value is not a valid list', 'type_error.list'],
  object: ['value is not a valid dict', 'type_error.dict'],
  boolean: ['value could not be parsed to a boolean', 'type_error.bool'],
};

/** One zod issue as pydantic v1 words it. */
const pydanticIssue = (issue: z.core.$ZodIssue, data: unknown): [msg: string, type: string] => {
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(data, issue.path) === undefined) return ['field required', 'value_error.missing'];
      return PYDANTIC_TYPES[issue.expected] ?? [issue.message, 'type_error'];
    case 'too_small':
      if (issue.origin === 'string') {
        return [`ensure this value has at least ${issue.minimum} characters`, 'value_error.any_str.min_length'];
      }
      if (issue.origin === 'array') {
        return [`ensure this value has at least ${issue.minimum} items`, 'value_error.list.min_items'];
      }
      return [`ensure this value is greater than or equal to ${issue.minimum}`, 'value_error.number.not_ge'];
    case 'too_big':
      if (issue.origin === 'string') {
        return [`ensure this value has at most ${issue.maximum} characters`, 'value_error.any_str.max_length'];
      }
      if (issue.origin === 'array') {
        return [`ensure this value has at most ${issue.maximum} items`, 'value_error.list.max_items'];
      }
      return [`ensure this value is less than or equal to ${issue.maximum}`, 'value_error.number.not_le'];
    case 'invalid_value':
      return [
        `value is not a valid enumeration member; permitted: ${issue.values.map((value) => `'${String(value)}'`).join(', ')}`,
        'type_error.enum',
      ];
    case 'invalid_format':
      if (issue.format === 'email') return ['value is not a valid email address', 'value_error.email'];
      if (issue.format === 'url') return ['invalid or missing URL scheme', 'value_error.url.scheme'];
      return [issue.message, 'value_error.str.regex'];
    default:
      return [issue.message, 'value_error'];
  }
};

/** A zod error as FastAPI's 422 list, each issue located in its input. */
export const fromZodError = (error: z.ZodError, data: unknown, source: InputSource): ErrorBody =>
  validationError(
    error.issues.map((issue) => {
      const [msg, type] = pydanticIssue(issue, data);
      return { loc: [source, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))], msg, type };
    }),
  );

/** FastAPI's answer to a body that is not JSON at all. */
export const jsonDecodeError = (text: string, error: unknown): ErrorBody => {
  const position = Number(/position (\d+)/.exec(String(error))?.[1] ?? 0);
  if (text.trim() === '')
    return validationError([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]);
  return validationError([
    {
      loc: ['body', position],
      msg: `Expecting value: invalid JSON at char ${position}`,
      type: 'value_error.jsondecode',
    },
  ]);
};
