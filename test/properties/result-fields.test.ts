/**
 * Result Fields, property-based: hostile names, types, choice lists and
 * answers. Whatever the input, reading it gives fields or one short
 * sentence; whatever it accepts reads back exactly from the prompt; and no
 * answer makes reading Result Data throw.
 */
import fc from 'fast-check';
import {
  askedResultFields,
  askForResultFields,
  type ResultField,
  readResultFields,
  resultDataOf,
} from '../../lib/steps/result-data';
import { lastObjectSpan } from '../../lib/steps/result-json';
import { hostileText, hostileValue, numRuns, SEED } from './arbitraries';

/** Each run costs well under a millisecond but for the 100,000-character texts. */
const RUNS = 300;

const validName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '_', '0'),
);
const name = fc.oneof({ weight: 3, arbitrary: validName }, hostileText);
const choice = fc.oneof(
  fc.stringMatching(/^[a-z]{1,8}$/),
  fc.constantFrom('"quoted"', 'back\\slash', 'a: colon', '(open', ' spaced  out ', 'émoji 🎉', '\u0000', '\u2028'),
  hostileText,
);
const choiceList = fc
  .tuple(fc.array(choice, { maxLength: 60 }), fc.constantFrom(',', ', ', ' , ', ',\u00a0'))
  .map(([choices, separator]) => choices.join(separator));
const type = fc.oneof(
  fc.constantFrom('text', 'number', 'integer', 'boolean', 'datetime', 'list', 'TEXT', ' Integer ', 'one of', 'colour'),
  choiceList.map((choices) => `one of ${choices}`),
  hostileText,
);
const entry = fc
  .record({ name, type: fc.option(type), holds: fc.option(hostileText) })
  .map(({ name, type, holds }) => `${name}${type === null ? '' : ` (${type})`}${holds === null ? '' : `: ${holds}`}`);
/** What the Result Fields input may hold: a list of entries, a mapped text, anything else. */
const input = fc.oneof(
  fc.array(fc.oneof({ weight: 4, arbitrary: entry }, hostileValue), { maxLength: 8 }),
  fc.array(entry, { maxLength: 8 }).map((entries) => entries.join('\n')),
  hostileValue,
);

const fieldsOf = (value: unknown): ResultField[] => readResultFields(value).fields;

describe('reading the Result Fields input', () => {
  it('gives fields, or one short sentence on what is wrong, and never throws', () => {
    fc.assert(
      fc.property(input, (value) => {
        const { fields, problem } = readResultFields(value);
        if (problem !== null) {
          expect(problem.length).toBeLessThanOrEqual(260);
          expect(problem).not.toMatch(/[\r\n]/);
        }
        const names = fields.map((field) => field.name.toLowerCase());
        expect(new Set(names).size).toBe(names.length);
        for (const field of fields) {
          expect(field.name).toMatch(/^[A-Za-z0-9_]+$/);
          if (field.type === 'one of') {
            expect(field.choices.length).toBeGreaterThan(0);
            expect(field.choices.length).toBeLessThanOrEqual(50);
          }
        }
      }),
      { seed: SEED, numRuns: numRuns(RUNS) },
    );
  });

  it('reads back from the prompt exactly what it accepted, whatever the prompt says before', () => {
    const prompt = fc.oneof(
      hostileText,
      fc.tuple(hostileText, input).map(([text, value]) => askForResultFields(text, fieldsOf(value))),
    );
    fc.assert(
      fc.property(prompt, input, (text, value) => {
        const fields = fieldsOf(value);
        const sent = askForResultFields(text, fields);
        if (fields.length === 0) expect(sent).toBe(text);
        else expect(askedResultFields(sent)).toEqual(fields);
      }),
      { seed: SEED, numRuns: numRuns(RUNS) },
    );
  });
});

/** JSON text with a few characters put in or taken out: mostly almost JSON. */
const almostJson = fc
  .tuple(
    fc.json({ maxDepth: 4 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\n', '1', '-', 'e', 't')), {
      maxLength: 3,
    }),
    fc.array(fc.nat(), { maxLength: 2 }),
  )
  .map(([json, insertions, deletions]) => {
    let text = json;
    for (const [at, character] of insertions) {
      const index = at % (text.length + 1);
      text = `${text.slice(0, index)}${character}${text.slice(index)}`;
    }
    for (const at of deletions) {
      const index = at % Math.max(text.length, 1);
      text = `${text.slice(0, index)}${text.slice(index + 1)}`;
    }
    return text;
  });

const isJsonObject = (text: string) => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

describe('reading Result Data from an answer', () => {
  const answer = fc.oneof(
    hostileText,
    almostJson,
    fc.tuple(hostileText, almostJson, hostileText).map(([before, json, after]) => `${before}${json}${after}`),
    almostJson.map((json) => `Done.\n\`\`\`json\n${json}\n\`\`\``),
    fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', '`', 'a', '1', ' ', '\n') }),
  );

  it('never throws, holds exactly the asked keys, and says what is wrong in one short sentence', () => {
    fc.assert(
      fc.property(answer, input, (text, value) => {
        const asked = fieldsOf(value);
        const { result_data, result_data_error } = resultDataOf(text, asked);
        if (asked.length === 0) expect(result_data_error).toBeNull();
        // Key order is JavaScript's (names like "1" come first); the keys are exactly the asked ones.
        else if (result_data !== null)
          expect(Object.keys(result_data).sort()).toEqual(asked.map((field) => field.name).sort());
        if (result_data_error !== null) {
          expect(result_data_error.length).toBeLessThanOrEqual(300);
          expect(result_data_error).not.toMatch(/[\r\n]/);
        }
      }),
      { seed: SEED, numRuns: numRuns(RUNS) },
    );
  });

  it('finds an object exactly where JSON.parse reads one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), almostJson), (text) => {
        const span = lastObjectSpan(text);
        const spaceOnly = (part: string) => /^[ \t\n\r]*$/.test(part);
        const whole = span !== undefined && spaceOnly(text.slice(0, span.start)) && spaceOnly(text.slice(span.end));
        expect(whole).toBe(isJsonObject(text));
        if (span) expect(isJsonObject(text.slice(span.start, span.end))).toBe(true);
      }),
      { seed: SEED, numRuns: numRuns(RUNS * 10) },
    );
  });

  it('reads every value that fits its type without an error', () => {
    const fitting = fc.oneof(
      fc.record({
        field: fc.constant({ type: 'number' as const }),
        value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      }),
      fc.record({
        field: fc.constant({ type: 'integer' as const }),
        value: fc.oneof(fc.integer(), fc.integer().map(String)),
      }),
      fc.record({
        field: fc.constant({ type: 'boolean' as const }),
        value: fc.constantFrom(true, false, 'Yes', 'no', 'TRUE'),
      }),
      fc.record({
        field: fc.constant({ type: 'datetime' as const }),
        value: fc
          .date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true })
          .map((date) => date.toISOString()),
      }),
      fc.record({
        field: fc.constant({ type: 'list' as const }),
        value: fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean())),
      }),
      fc.record({ field: fc.constant({}), value: fc.jsonValue({ maxDepth: 3 }) }),
      fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 5 }).chain((choices) =>
        fc.record({
          field: fc.constant({ type: 'one of' as const, choices }),
          value: fc.constantFrom(...choices).map((choice) => ` ${choice.toUpperCase()} `),
        }),
      ),
    );
    fc.assert(
      fc.property(fc.array(fitting, { minLength: 1, maxLength: 6 }), (pairs) => {
        const asked = pairs.map(({ field }, index) => ({ name: `k${index}`, ...field }) as ResultField);
        const object = Object.fromEntries(pairs.map(({ value }, index) => [`k${index}`, value]));
        const { result_data, result_data_error } = resultDataOf(`\`\`\`json\n${JSON.stringify(object)}\n\`\`\``, asked);
        expect(result_data_error).toBeNull();
        expect(Object.keys(result_data ?? {})).toEqual(asked.map((field) => field.name));
      }),
      { seed: SEED, numRuns: numRuns(RUNS) },
    );
  });
});
