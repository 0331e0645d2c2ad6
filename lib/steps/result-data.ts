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

// ---------------------------------------------------------------- the input

const ENTRY = /^([A-Za-z0-9_]+)[^\S\n]*(?::([\s\S]*))?$/;

/**
 * The fields an input asks for, and a sentence for each entry that is wrong.
 * Zapier sends a list field as an array; a mapped text gives one entry per line.
 */
export const readResultFields = (value: unknown): { fields: ResultField[]; problems: string[] } => {
  const fields: ResultField[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { fields, problems };
  const entries = typeof value === 'string' ? value.split('\n') : Array.isArray(value) ? value : undefined;
  if (!entries) return { fields, problems: [`must be a list of field names, such as ${EXAMPLE}`] };
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const number = index + 1;
    if (typeof entry !== 'string') {
      problems.push(`has an entry (number ${number}) that is not text; each entry is a field name, such as ${EXAMPLE}`);
      return;
    }
    const text = entry.trim();
    if (text === '') return;
    const match = ENTRY.exec(text);
    if (!match?.[1]) {
      problems.push(
        `has the entry “${excerpt(text)}” (number ${number}), which is not a name of letters, digits and underscores, optionally followed by “: what it holds”, such as ${EXAMPLE}`,
      );
      return;
    }
    const name = match[1];
    if (seen.has(name.toLowerCase())) {
      problems.push(`names “${excerpt(name)}” twice (entry number ${number}); give each result field its own name`);
      return;
    }
    seen.add(name.toLowerCase());
    const holds = match[2]?.replace(/\s+/g, ' ').trim();
    fields.push(holds ? { name, holds } : { name });
  });
  return { fields, problems };
};

/** The Result Fields input, read before any request; each wrong entry is one sentence naming it. */
export const ResultFieldsInput = zod.pipe(
  zod.unknown(),
  zod.transform((value, ctx) => {
    const { fields, problems } = readResultFields(value);
    for (const message of problems) ctx.issues.push({ code: 'custom', message, input: value });
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

const listOf = (names: string[]): string =>
  names.length === 1
    ? `“${names[0]}”`
    : `${names
        .slice(0, -1)
        .map((name) => `“${name}”`)
        .join(', ')} and “${names.at(-1)}”`;

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
  return {
    result_data: Object.fromEntries(
      asked.map(({ name }) => [name, Object.hasOwn(found.object, name) ? found.object[name] : null]),
    ),
    result_data_error: missing.length ? `The agent's JSON object has no ${listOf(missing)}.` : null,
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
