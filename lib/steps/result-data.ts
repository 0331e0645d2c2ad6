/**
 * Result Fields: the agent's answer as data. A step names the fields it wants,
 * each with a type if it likes; the app adds a short, fixed instruction to
 * the prompt, and every output of the task reads the JSON object the answer
 * ends with into `result_data`, each value as its type says. Because the
 * instruction is fixed and comes last, the prompt of any task says exactly
 * which fields were asked, whichever step reads the task later.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { excerpt } from '../api/text';
import { withOffset } from '../api/timestamps';
import { lastJsonObject } from './result-json';

/** The types a field may name besides `text`, the default, which takes any JSON value as the agent gives it. */
export const RESULT_TYPES = ['number', 'integer', 'boolean', 'datetime', 'list'] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

/** A field as asked: no type for text; `one of` with its choices, as written. */
export type ResultField = { name: string; holds?: string } & (
  | { type?: ResultType }
  | { type: 'one of'; choices: string[] }
);
export type ResultData = { result_data: Record<string, unknown> | null; result_data_error: string | null };

const RESULT_FIELDS_KEY = 'result_fields';
const EXAMPLE = 'sentiment (one of positive, neutral, negative)';
/** Choices a `one of` field may list. */
const MAX_CHOICES = 50;

export const resultFieldsField = {
  key: RESULT_FIELDS_KEY,
  label: 'Result Fields',
  type: 'string',
  list: true,
  required: false,
  placeholder: EXAMPLE,
  helpText:
    'Optional: parts of the answer you want as separate fields, one per entry: a name (letters, digits and underscores), optionally a type in brackets, optionally what it holds after a colon. ' +
    'Types: `text`, the default (`reply_draft: a short reply`); `number` (`amount (number)`); `integer` (`score (integer): urgency from 1 to 10`); `boolean` (`urgent (boolean)`); `datetime` (`due (datetime)`); `list` of texts (`tags (list)`); `one of` (`sentiment (one of positive, neutral, negative)`). ' +
    'The agent is asked to end its answer with them as JSON; the finished task outputs each as **Result Data** (`result_data__score`) for later steps, empty when the agent gave nothing that fits its type.',
} as const;

/** Items joined into about `max` characters at most: as many as fit, the others counted (“and 3 more”). */
const listed = (items: readonly string[], max: number, separator = ', ', beforeLast = ' and '): string => {
  const shown: string[] = [];
  let length = 0;
  for (const item of items) {
    if (shown.length > 0 && length + separator.length + item.length > max) break;
    shown.push(item);
    length += separator.length + item.length;
  }
  const more = items.length - shown.length;
  const last = more > 0 ? `${more} more` : shown.pop();
  return shown.length > 0 ? `${shown.join(separator)}${beforeLast}${last}` : `${last}`;
};

const quoted = (text: string, max?: number) => `“${excerpt(text, max)}”`;
const normalised = (text: string) => text.replace(/\s+/g, ' ').trim();

// ---------------------------------------------------------------- the input

const NAME = /^[A-Za-z0-9_]+$/;
const ONE_OF = /^one of(?: |$)/i;

type Typed = { type?: ResultType } | { type: 'one of'; choices: string[] } | { wrong: string };

/** What the brackets of an entry hold: a type, or what is wrong with it. */
const readType = (inBrackets: string): Typed => {
  const text = normalised(inBrackets);
  const keyword = text.toLowerCase();
  if (keyword === 'text') return {};
  const type = RESULT_TYPES.find((known) => known === keyword);
  if (type) return { type };
  if (!ONE_OF.test(text)) {
    return {
      wrong: `has the type ${quoted(text, 20)}, which is none of text, number, integer, boolean, datetime, list or one of …`,
    };
  }
  const list = text.slice('one of'.length).trim();
  if (!list) return { wrong: 'lists no choices after “one of”' };
  const choices = list.split(',').map((choice) => choice.trim());
  if (choices.length > MAX_CHOICES) return { wrong: `lists ${choices.length} choices, more than ${MAX_CHOICES}` };
  if (choices.includes('')) return { wrong: 'has an empty choice' };
  const seen = new Set<string>();
  for (const choice of choices) {
    if (seen.has(choice.toLowerCase())) return { wrong: `lists the choice ${quoted(choice, 20)} twice` };
    seen.add(choice.toLowerCase());
  }
  return { type: 'one of', choices };
};

/** One entry: `name`, `name: what it holds`, `name (type)` or `name (type): what it holds`. */
const readEntry = (text: string): { field: ResultField } | { wrong: string } => {
  if (!text.isWellFormed()) return { wrong: 'has a broken character (half of an emoji or symbol)' };
  const nameEnd = text.search(/[(:]/);
  const name = (nameEnd < 0 ? text : text.slice(0, nameEnd)).trim();
  if (!name) return { wrong: 'has no name' };
  if (!NAME.test(name)) return { wrong: 'has a name that is not only letters, digits and underscores' };
  let rest = nameEnd < 0 ? '' : text.slice(nameEnd);
  let typed: Typed = {};
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    if (close < 0) return { wrong: 'does not close its “(”' };
    typed = readType(rest.slice(1, close));
    if ('wrong' in typed) return typed;
    rest = rest.slice(close + 1).trim();
    if (rest && !rest.startsWith(':')) return { wrong: 'has more after its type than “: what it holds”' };
  }
  const holds = normalised(rest.slice(1));
  return { field: { name, ...typed, ...(holds ? { holds } : {}) } };
};

/** The longest list of wrong entries a problem names; it stays one sentence of well under 300 characters. */
const MAX_WRONG_ENTRIES_LENGTH = 200;

/**
 * The fields an input asks for, and, when any entry is wrong, one short
 * sentence (to follow “it”) that names the first few. Zapier sends a list
 * field as an array; a mapped text gives one entry per line.
 */
export const readResultFields = (value: unknown): { fields: ResultField[]; problem: string | null } => {
  if (value === undefined || value === null) return { fields: [], problem: null };
  if (typeof value !== 'string' && !Array.isArray(value)) {
    return { fields: [], problem: `must be a list of result fields, such as ${EXAMPLE}` };
  }
  const entries = (Array.isArray(value) ? value : [value]).flatMap((entry: unknown) =>
    typeof entry === 'string' ? entry.split(/\r\n|\r|\n/) : [entry],
  );
  const fields: ResultField[] = [];
  const wrong: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const number = index + 1;
    if (typeof entry !== 'string') {
      wrong.push(`entry ${number} is not text`);
      return;
    }
    const text = entry.trim();
    if (!text) return;
    const read = readEntry(text);
    if ('wrong' in read) wrong.push(`${quoted(text)} (entry ${number}) ${read.wrong}`);
    else if (seen.has(read.field.name.toLowerCase())) {
      wrong.push(`${quoted(text)} (entry ${number}) repeats the name of an earlier entry`);
    } else {
      seen.add(read.field.name.toLowerCase());
      fields.push(read.field);
    }
  });
  if (wrong.length === 0) return { fields, problem: null };
  const problem =
    wrong.length === 1
      ? `has a wrong entry: ${wrong[0]}`
      : `has ${wrong.length} wrong entries: ${listed(wrong, MAX_WRONG_ENTRIES_LENGTH, '; ', '; and ')}`;
  return { fields, problem };
};

/** The Result Fields input, read before any request; wrong entries make one sentence. */
export const resultFieldsInput = () =>
  zod.pipe(
    zod.unknown(),
    zod.transform((value, ctx) => {
      const { fields, problem } = readResultFields(value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value });
      return fields;
    }),
  );

// ---------------------------------------------------------------- the prompt

const INSTRUCTION = 'End your answer with one JSON object, in a ```json code block, with exactly these keys:';
const INSTRUCTION_END = 'Use null for a value you cannot give.';
/** A JSON string with nothing JSON.parse could refuse in it. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: a JSON string holds no raw control character, which is the point.
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/g;
/**
 * A key of the instruction: `- "name"`, its type in brackets unless it is
 * text (choices as JSON strings), then what it holds. The previous version
 * wrote no types; its prompts read the same.
 */
const ASKED_FIELD = new RegExp(
  `^- "([A-Za-z0-9_]+)"(?: \\((${RESULT_TYPES.join('|')}|one of (${JSON_STRING.source}(?:, ${JSON_STRING.source})*))\\))?(?:: (.+))?$`,
  's',
);

const typeInPrompt = (field: ResultField): string => {
  if (field.type === 'one of') return ` (one of ${field.choices.map((choice) => JSON.stringify(choice)).join(', ')})`;
  return field.type ? ` (${field.type})` : '';
};

/**
 * The prompt as sent: the user's, then the fixed instruction when fields
 * are asked, a line per key. The caller checks that the whole fits the API's limit.
 */
export const askForResultFields = (prompt: string, fields: readonly ResultField[]): string =>
  fields.length === 0
    ? prompt
    : [
        prompt,
        '',
        INSTRUCTION,
        ...fields.map((field) => `- "${field.name}"${typeInPrompt(field)}${field.holds ? `: ${field.holds}` : ''}`),
        INSTRUCTION_END,
      ].join('\n');

const askedField = (line: string): ResultField | undefined => {
  const match = ASKED_FIELD.exec(line);
  if (!match?.[1]) return undefined;
  const [, name, type, choices, holds] = match;
  const described = holds ? { name, holds } : { name };
  if (choices) {
    return { ...described, type: 'one of', choices: [...choices.matchAll(JSON_STRING)].map(([c]) => JSON.parse(c)) };
  }
  return type ? { ...described, type: type as ResultType } : described;
};

/**
 * The fields a task's prompt asked for, read back from the instruction at
 * its end, line by line from the last: what a field holds has no line
 * break, so nothing it says can pass for another key. None when the prompt
 * does not end with the instruction.
 */
export const askedResultFields = (prompt: string | null | undefined): ResultField[] => {
  const lines = prompt?.trimEnd().split(/\r\n|\r|\n/) ?? [];
  if (lines.pop() !== INSTRUCTION_END) return [];
  const fields: ResultField[] = [];
  for (let line = lines.pop(); line !== undefined; line = lines.pop()) {
    if (line === INSTRUCTION) return fields.reverse();
    const field = askedField(line);
    if (!field) return [];
    fields.push(field);
  }
  return [];
};

// ---------------------------------------------------------------- the answer

/** Says that a value does not fit its field's type. */
const MISFIT = Symbol('misfit');

const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const YES_NO = new Map([
  ['true', true],
  ['yes', true],
  ['false', false],
  ['no', false],
]);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const asText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

const asNumber = (value: unknown): number | typeof MISFIT => {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(number) ? number : MISFIT;
};

/** A value as its field's type wants it; MISFIT when it cannot be. Null, “cannot give”, fits every type. */
const fitted = (field: ResultField, value: unknown): unknown => {
  if (value === null || !field.type) return value;
  switch (field.type) {
    case 'number':
      return asNumber(value);
    case 'integer': {
      const number = asNumber(value);
      return number !== MISFIT && Number.isInteger(number) ? number : MISFIT;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : (YES_NO.get(normalised(asText(value) ?? '').toLowerCase()) ?? MISFIT);
    case 'datetime': {
      // A bare date is read as midnight UTC.
      const text = typeof value === 'string' ? value.trim() : '';
      return withOffset(DATE_ONLY.test(text) ? `${text}T00:00:00` : text) ?? MISFIT;
    }
    case 'list': {
      const items = (Array.isArray(value) ? value : [value]).map(asText);
      return items.every((item) => item !== undefined) ? items : MISFIT;
    }
    case 'one of': {
      const text = asText(value);
      const wanted = text === undefined ? undefined : normalised(text).toLowerCase();
      return field.choices.find((choice) => choice.toLowerCase() === wanted) ?? MISFIT;
    }
  }
};

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object');

/** What the agent gave, as a message quotes it. */
const quotedValue = (value: unknown): string => {
  if (typeof value === 'string') return quoted(value, 20);
  const text = asText(value);
  if (text !== undefined) return text;
  const odd = Array.isArray(value) ? value.find((item) => asText(item) === undefined) : undefined;
  return odd === undefined ? kindOf(value) : `a list holding ${kindOf(odd)}`;
};

const EXPECTED: Record<ResultType, string> = {
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  datetime: 'a date and time',
  list: 'a list of texts',
};

/** What a field's type wants, as a message says it; only a field with a type can be given a value that does not fit. */
const expected = (field: ResultField): string =>
  field.type === 'one of'
    ? `one of ${listed(
        field.choices.map((choice) => quoted(choice, 16)),
        50,
        ', ',
        ' or ',
      )}`
    : EXPECTED[field.type as ResultType];

/** One sentence of at most 300 characters on the keys the agent left out and the values that do not fit. */
const dataError = (missing: readonly string[], misfits: readonly string[]): string | null => {
  const both = missing.length > 0 && misfits.length > 0;
  const clauses: string[] = [];
  if (missing.length > 0) clauses.push(`has no ${listed(missing, both ? 60 : 250)}`);
  if (misfits.length > 0) {
    const values = listed(misfits, both ? 140 : 230, '; ', '; and ');
    clauses.push(`has ${misfits.length === 1 ? 'a value that does' : 'values that do'} not fit: ${values}`);
  }
  return clauses.length > 0 ? `The agent's JSON object ${clauses.join('; it ')}.` : null;
};

/**
 * `result_data` of a task's result. Without asked fields, the object as
 * found, and never an error: nothing was asked. With them, exactly those
 * keys, each as its type wants it; a key left out or a value that does not
 * fit is null, and `result_data_error` says which. A result with no usable
 * object keeps `result_data` null and says why.
 */
export const resultDataOf = (result: string | null | undefined, asked: readonly ResultField[] = []): ResultData => {
  if (!result) return { result_data: null, result_data_error: null };
  const found = lastJsonObject(result);
  if (asked.length === 0) return { result_data: 'object' in found ? found.object : null, result_data_error: null };
  if ('problem' in found) return { result_data: null, result_data_error: found.problem };
  const missing: string[] = [];
  const misfits: string[] = [];
  const data = Object.fromEntries(
    asked.map((field) => {
      if (!Object.hasOwn(found.object, field.name)) {
        missing.push(quoted(field.name, 30));
        return [field.name, null];
      }
      const given = found.object[field.name];
      const value = fitted(field, given);
      if (value !== MISFIT) return [field.name, value];
      misfits.push(`${quoted(field.name, 30)} is ${quotedValue(given)} instead of ${expected(field)}`);
      return [field.name, null];
    }),
  );
  return { result_data: data, result_data_error: dataError(missing, misfits) };
};

// ---------------------------------------------------------------- the editor

const words = (name: string) => name.split('_').filter(Boolean);
const titleCase = (name: string) =>
  words(name)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ');

const SAMPLES: Record<ResultType, unknown> = {
  number: 249.5,
  integer: 7,
  boolean: true,
  datetime: '2026-12-04T17:00:00Z',
  list: ['refund', 'invoice #4821'],
};

/** What a step shows in the editor for each asked field, before any live run: a realistic value of its type. */
export const resultDataSample = (fields: readonly ResultField[]): Record<string, unknown> =>
  Object.fromEntries(
    fields.map((field) => [
      field.name,
      field.type === 'one of'
        ? field.choices[0]
        : field.type
          ? SAMPLES[field.type]
          : (field.holds ?? `the agent's ${words(field.name).join(' ')}`),
    ]),
  );

/** A field's output declaration: Zapier's type, and for choices, the choices in the label (output fields have no help text). */
const outputField = (field: ResultField) => {
  const key = `result_data__${field.name}`;
  const label = `Result Data ${titleCase(field.name) || field.name}`;
  switch (field.type) {
    case undefined:
      return { key, label };
    case 'one of':
      return {
        key,
        label: `${label} (${listed(
          field.choices.map((choice) => excerpt(choice, 20)),
          80,
          ', ',
          ' or ',
        )})`,
        type: 'string',
      };
    case 'list':
      return { key, label, type: 'string', list: true };
    default:
      return { key, label, type: field.type };
  }
};

/**
 * Output fields computed from the step's own input: one per asked field,
 * keyed the way Zapier flattens nested objects (`result_data__sentiment`)
 * and typed as the field asks, so later steps can map them before any live
 * run. Wrong entries are left out here; running the step says what is wrong with them.
 */
export const resultDataOutputFields = async (_z: ZObject, bundle: Bundle) =>
  readResultFields(bundle.inputData?.[RESULT_FIELDS_KEY]).fields.map(outputField);
