/**
 * Result Fields: the agent's answer as data. A step names the fields it wants;
 * the app adds a short, fixed instruction to the prompt, and every output of
 * the task reads the JSON object the answer ends with into `result_data`.
 * Because the instruction is fixed and comes last, the prompt of any task
 * says exactly which fields were asked, whichever step reads the task later
 * (a trigger, a search).
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import * as zod from 'zod/mini';
import { excerpt } from '../api/text';
import { lastJsonObject } from './result-json';

export type ResultField = { name: string; holds?: string };
export type ResultData = { result_data: Record<string, unknown> | null; result_data_error: string | null };

const RESULT_FIELDS_KEY = 'result_fields';
const EXAMPLE = 'sentiment: positive, neutral or negative';

export const resultFieldsField = {
  key: RESULT_FIELDS_KEY,
  label: 'Result Fields',
  type: 'string',
  list: true,
  required: false,
  placeholder: EXAMPLE,
  helpText: `Optional: parts of the answer you want as separate fields, one per entry: a name (letters, digits and underscores), optionally followed by what it holds, such as \`${EXAMPLE}\`. The agent is asked to end its answer with them as JSON; the finished task outputs each as **Result Data** (\`result_data__sentiment\`) for later steps.`,
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

/** One entry: `name` or `name: what it holds`. */
const readEntry = (text: string): { field: ResultField } | { wrong: string } => {
  if (!text.isWellFormed()) return { wrong: 'has a broken character (half of an emoji or symbol)' };
  const nameEnd = text.indexOf(':');
  const name = (nameEnd < 0 ? text : text.slice(0, nameEnd)).trim();
  if (!name) return { wrong: 'has no name' };
  if (!NAME.test(name)) return { wrong: 'has a name that is not only letters, digits and underscores' };
  const holds = normalised(nameEnd < 0 ? '' : text.slice(nameEnd + 1));
  return { field: holds ? { name, holds } : { name } };
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
export const ResultFieldsInput = zod.pipe(
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
/** A key of the instruction: `- "name"`, then what it holds, if anything. */
const ASKED_FIELD = /^- "([A-Za-z0-9_]+)"(?:: (.+))?$/s;

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
        ...fields.map(({ name, holds }) => (holds ? `- "${name}": ${holds}` : `- "${name}"`)),
        INSTRUCTION_END,
      ].join('\n');

const askedField = (line: string): ResultField | undefined => {
  const match = ASKED_FIELD.exec(line);
  if (!match?.[1]) return undefined;
  const [, name, holds] = match;
  return holds ? { name, holds } : { name };
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

/** The longest list of missing keys a Result Data error names; it stays one sentence of at most 300 characters. */
const MAX_MISSING_LENGTH = 250;

/**
 * `result_data` of a task's result. Without asked fields, the object as
 * found, and never an error: nothing was asked. With them, exactly those
 * keys (null for one the agent left out), and `result_data_error` says
 * which; a result with no usable object keeps `result_data` null and says why.
 */
export const resultDataOf = (result: string | null | undefined, asked: readonly ResultField[] = []): ResultData => {
  if (!result) return { result_data: null, result_data_error: null };
  const found = lastJsonObject(result);
  if (asked.length === 0) return { result_data: 'object' in found ? found.object : null, result_data_error: null };
  if ('problem' in found) return { result_data: null, result_data_error: found.problem };
  const missing = asked.map(({ name }) => name).filter((name) => !Object.hasOwn(found.object, name));
  const names = missing.map((name) => quoted(name, 30));
  return {
    result_data: Object.fromEntries(
      asked.map(({ name }) => [name, Object.hasOwn(found.object, name) ? found.object[name] : null]),
    ),
    result_data_error: missing.length ? `The agent's JSON object has no ${listed(names, MAX_MISSING_LENGTH)}.` : null,
  };
};

// ---------------------------------------------------------------- the editor

const words = (name: string) => name.split('_').filter(Boolean);
const titleCase = (name: string) =>
  words(name)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ');

/** What a step shows in the editor for each asked field, before any live run. */
export const resultDataSample = (fields: readonly ResultField[]): Record<string, unknown> =>
  Object.fromEntries(fields.map(({ name, holds }) => [name, holds ?? `the agent's ${words(name).join(' ')}`]));

/**
 * Output fields computed from the step's own input: one per asked field,
 * keyed the way Zapier flattens nested objects (`result_data__sentiment`), so
 * later steps can map them before any live run. Wrong entries are left out
 * here; running the step says what is wrong with them.
 */
export const resultDataOutputFields = async (_z: ZObject, bundle: Bundle) =>
  readResultFields(bundle.inputData?.[RESULT_FIELDS_KEY]).fields.map(({ name }) => ({
    key: `result_data__${name}`,
    label: `Result Data ${titleCase(name) || name}`,
  }));
