import * as zod from 'zod/mini';
import { excerpt } from '../../../lib/api/text';
import {
  askedResultFields,
  askForResultFields,
  ResultFieldsInput,
  readResultFields,
  resultDataOf,
  resultDataOutputFields,
  resultDataSample,
} from '../../../lib/steps/result-data';
import { MAX_DEPTH, MAX_LENGTH } from '../../../lib/steps/result-json';
import { completedTaskSample } from '../../../lib/steps/task-samples';

const SENTIMENT = { name: 'sentiment', holds: 'positive, neutral or negative' };
const PRIORITY = { name: 'priority' };
const fenced = (object: unknown) => `Done.\n\`\`\`json\n${JSON.stringify(object)}\n\`\`\``;

describe('reading the Result Fields input', () => {
  it('reads names, with what each holds, and skips empty rows', () => {
    expect(
      readResultFields(['sentiment: positive, neutral or negative', '', '  priority ', 'due_date :  a   date']),
    ).toEqual({
      fields: [SENTIMENT, PRIORITY, { name: 'due_date', holds: 'a date' }],
      problem: null,
    });
  });

  it('takes a mapped text as one entry per line, and nothing as no fields', () => {
    expect(readResultFields('sentiment\r\npriority\n').fields).toEqual([{ name: 'sentiment' }, PRIORITY]);
    expect(readResultFields(['sentiment\npriority']).fields).toEqual([{ name: 'sentiment' }, PRIORITY]);
    expect(readResultFields(undefined)).toEqual({ fields: [], problem: null });
    expect(readResultFields(null)).toEqual({ fields: [], problem: null });
    expect(readResultFields([])).toEqual({ fields: [], problem: null });
  });

  it.each([
    ['due date: when it is due', 'has a name that is not only letters, digits and underscores'],
    [': a score', 'has no name'],
    ['mood\ud800', 'has a broken character (half of an emoji or symbol)'],
  ])('names the wrong entry %j and what is wrong with it, before any request', (entry, wrong) => {
    const { fields, problem } = readResultFields(['sentiment', entry]);
    expect(fields).toEqual([{ name: 'sentiment' }]);
    expect(problem).toBe(`has a wrong entry: “${excerpt(entry)}” (entry 2) ${wrong}`);
  });

  it('takes names in any case but once', () => {
    expect(readResultFields(['Sentiment', 'sentiment: again', 42])).toEqual({
      fields: [{ name: 'Sentiment' }],
      problem:
        'has 2 wrong entries: “sentiment: again” (entry 2) repeats the name of an earlier entry; and entry 3 is not text',
    });
  });

  it('quotes a wrong entry as a short printable excerpt', () => {
    expect(readResultFields([`bad\u0000${'x'.repeat(100)}`]).problem).toBe(
      `has a wrong entry: “bad ${'x'.repeat(35)}…” (entry 1) has a name that is not only letters, digits and underscores`,
    );
  });

  it('makes many wrong entries one short sentence: the first few, and how many more', () => {
    const wrong = Array.from({ length: 1000 }, (_, n) => `field ${n}: ${'x'.repeat(10_000)}`);
    const { problem } = readResultFields(['ok', ...wrong]);
    expect(problem).toMatch(
      /^has 1000 wrong entries: “field 0: x+…” \(entry 2\) has a name that is not only .+; and 99\d more$/,
    );
    expect(problem?.length).toBeLessThanOrEqual(260);
    expect(readResultFields(Array.from({ length: 1000 }, () => 42)).problem).toBe(
      'has 1000 wrong entries: entry 1 is not text; entry 2 is not text; entry 3 is not text; entry 4 is not text; entry 5 is not text; entry 6 is not text; entry 7 is not text; entry 8 is not text; entry 9 is not text; and 991 more',
    );
  });

  it('refuses a value that is no list', () => {
    expect(readResultFields({ sentiment: true }).problem).toBe(
      'must be a list of result fields, such as sentiment: positive, neutral or negative',
    );
  });

  it('as a step input, gives the fields, or one issue with that sentence', () => {
    expect(zod.parse(ResultFieldsInput, ['urgent: yes or no'])).toEqual([{ name: 'urgent', holds: 'yes or no' }]);
    const result = zod.safeParse(ResultFieldsInput, ['a b', 'c d']);
    expect(result.error?.issues.map(({ message }) => message)).toEqual([
      'has 2 wrong entries: “a b” (entry 1) has a name that is not only letters, digits and underscores; and “c d” (entry 2) has a name that is not only letters, digits and underscores',
    ]);
  });
});

describe('the instruction added to the prompt', () => {
  it('is added only when fields are asked, and says which keys the JSON object must have', () => {
    expect(askForResultFields('Summarise this email.', [])).toBe('Summarise this email.');
    expect(askForResultFields('Summarise this email.', [SENTIMENT, PRIORITY])).toBe(
      'Summarise this email.\n\nEnd your answer with one JSON object, in a ```json code block, with exactly these keys:\n' +
        '- "sentiment": positive, neutral or negative\n- "priority"\nUse null for a value you cannot give.',
    );
  });

  it('is read back from any task’s prompt, as sent or as the server stored it', () => {
    const prompt = askForResultFields('Summarise this email.', [SENTIMENT, PRIORITY]);
    expect(askedResultFields(prompt)).toEqual([SENTIMENT, PRIORITY]);
    expect(askedResultFields(`${prompt.replace(/\n/g, '\r\n')}\r\n`)).toEqual([SENTIMENT, PRIORITY]);
    expect(askedResultFields(askForResultFields(prompt, [{ name: 'language' }]))).toEqual([{ name: 'language' }]);
    expect(askedResultFields('Summarise this email.')).toEqual([]);
    expect(askedResultFields(null)).toEqual([]);
    expect(askedResultFields(undefined)).toEqual([]);
  });

  it('reads back exactly what each field holds, whatever it says: the instruction itself, quotes, other keys', () => {
    const { fields } = readResultFields([
      'first: End your answer with one JSON object, in a ```json code block, with exactly these keys:',
      'second: Use null for a value you cannot give. - "third": not a key',
      'fourth: pick "one" émoji 🎉',
      'fifth: \u202eright-to-left\u200b and \u2028 a line separator',
    ]);
    expect(fields).toHaveLength(4);
    const prompt = askForResultFields(
      `A prompt that quotes an earlier one:\n${askForResultFields('x', [SENTIMENT, PRIORITY])}`,
      fields,
    );
    expect(askedResultFields(prompt)).toEqual(fields);
  });

  it('reads nothing from a prompt that does not end with the instruction', () => {
    const prompt = askForResultFields('Summarise this email.', [SENTIMENT, PRIORITY]);
    expect(askedResultFields(`${prompt}\nThanks!`)).toEqual([]);
    expect(askedResultFields(prompt.replace('- "priority"', 'priority'))).toEqual([]);
    expect(askedResultFields(prompt.replace(/^End your answer.*$/m, ''))).toEqual([]);
    expect(askedResultFields('- "a"\nUse null for a value you cannot give.')).toEqual([]);
  });
});

describe('result_data of a result', () => {
  const prose = 'Dana was charged twice for invoice #4821; refund {her} by Friday.';

  it('is the last ```json block', () => {
    const result = `${prose}\n\`\`\`json\n{"sentiment": "neutral"}\n\`\`\`\nThen:\n\`\`\`JSON\n{"sentiment": "negative", "priority": 2}\n\`\`\`\nDone {"x": 1}`;
    expect(resultDataOf(result)).toEqual({
      result_data: { sentiment: 'negative', priority: 2 },
      result_data_error: null,
    });
  });

  it('is otherwise the last balanced {…} that is a JSON object, nested values and all', () => {
    const result = `${prose} He wrote "see {the attachment}.\nSummary: {"sentiment": "negative", "tags": ["refund", "billing"], "customer": {"name": "Dana {W.}"}} [1, 2]`;
    expect(resultDataOf(result).result_data).toEqual({
      sentiment: 'negative',
      tags: ['refund', 'billing'],
      customer: { name: 'Dana {W.}' },
    });
  });

  it('finds an object after a brace that never closes, one that never opened, or a broken object', () => {
    expect(resultDataOf('Note { unfinished.\n{"priority": "high"}').result_data).toEqual({ priority: 'high' });
    expect(resultDataOf('Smile :} then {"priority": "low"}').result_data).toEqual({ priority: 'low' });
    expect(resultDataOf('{"a": "line\nbreak"} {"priority": "low"}').result_data).toEqual({ priority: 'low' });
    expect(resultDataOf('{"a": tru} {"b": "\\x"} {"priority": 1.5e3}').result_data).toEqual({ priority: 1500 });
  });

  it('is an object inside a broken one when nothing follows', () => {
    expect(resultDataOf('{"draft": {"priority": "low"}, oops').result_data).toEqual({ priority: 'low' });
  });

  it('reads quotes, escapes and braces inside its strings', () => {
    const result = 'Draft: {"reply": "She said \\"fine }\\" and left \\u00e9\\n", "priority": "low"}';
    expect(resultDataOf(result).result_data).toEqual({ reply: 'She said "fine }" and left é\n', priority: 'low' });
  });

  it('falls back to a bare object when the ```json block is broken or holds more than one object', () => {
    const result = '{"priority": "low"}\n```json\n{"priority": high}\n```';
    expect(resultDataOf(result)).toEqual({ result_data: { priority: 'low' }, result_data_error: null });
    expect(resultDataOf('```json\n{"a": 1} {"b": 2}\n```').result_data).toEqual({ b: 2 });
  });

  it('is null, with the reason, when fields were asked and the result holds no usable object', () => {
    expect(resultDataOf(prose, [PRIORITY])).toEqual({
      result_data: null,
      result_data_error: 'The result holds no JSON object.',
    });
    expect(resultDataOf('Tags: ["refund", "billing"]', [PRIORITY]).result_data).toBeNull();
    expect(resultDataOf('```json\n["refund", "billing"]\n```', [PRIORITY]).result_data_error).toBe(
      'The ```json block at the end of the result is not a valid JSON object.',
    );
    expect(resultDataOf('```json\n{"priority": high,}\n```', [PRIORITY])).toEqual({
      result_data: null,
      result_data_error: 'The ```json block at the end of the result is not a valid JSON object.',
    });
  });

  it('is null without any error when no fields were asked: nothing is missing', () => {
    for (const result of [prose, '```json\n{"priority": high}\n```', `{"a": ${'['.repeat(40)}${']'.repeat(40)}}`]) {
      expect(resultDataOf(result)).toEqual({ result_data: null, result_data_error: null });
    }
  });

  it('is in the finished task sample what the app reads from its result', () => {
    const { result_data, result_data_error } = completedTaskSample;
    expect({ result_data, result_data_error }).toEqual(resultDataOf(completedTaskSample.result_summary));
  });

  it('is null, with no reason, when there is no result yet', () => {
    expect(resultDataOf(null)).toEqual({ result_data: null, result_data_error: null });
    expect(resultDataOf('', [SENTIMENT])).toEqual({ result_data: null, result_data_error: null });
  });

  it('holds exactly the asked keys, null for one the agent left out, and says which', () => {
    const result = '```json\n{"sentiment": "negative", "summary": "Refund asked", "__proto__": 1}\n```';
    expect(resultDataOf(result, [SENTIMENT])).toEqual({
      result_data: { sentiment: 'negative' },
      result_data_error: null,
    });
    expect(resultDataOf(result, [SENTIMENT, PRIORITY, { name: 'due_date' }, { name: 'owner' }])).toEqual({
      result_data: { sentiment: 'negative', priority: null, due_date: null, owner: null },
      result_data_error: "The agent's JSON object has no “priority”, “due_date” and “owner”.",
    });
    expect(resultDataOf(result, [PRIORITY]).result_data_error).toBe("The agent's JSON object has no “priority”.");
    expect(resultDataOf(result, [{ name: 'constructor' }, { name: '__proto__' }]).result_data).toEqual(
      Object.fromEntries([
        ['constructor', null],
        ['__proto__', 1],
      ]),
    );
  });

  it('names the first few missing keys of 1,000, in about 300 characters', () => {
    const asked = Array.from({ length: 1000 }, (_, n) => ({ name: `k${n}${'x'.repeat(30)}` }));
    const { result_data_error } = resultDataOf(fenced({}), asked);
    expect(result_data_error).toMatch(/^The agent's JSON object has no “k0x+…”, .+ and 99\d more\.$/);
    expect(result_data_error?.length).toBeLessThanOrEqual(300);
  });

  it('passes any value through for a field without a type', () => {
    const values = { a: 'text', b: 7.5, c: false, d: ['x', { y: 1 }], e: { nested: [null] }, f: null };
    const asked = Object.keys(values).map((name) => ({ name }));
    expect(resultDataOf(fenced(values), asked)).toEqual({ result_data: values, result_data_error: null });
  });

  describe('bounds what it reads', () => {
    const nested = (levels: number) => `${'{"a": '.repeat(levels)}1${'}'.repeat(levels)}`;

    it(`reads an object of ${MAX_DEPTH} levels, and refuses a deeper one`, () => {
      expect(resultDataOf(nested(MAX_DEPTH), [{ name: 'a' }]).result_data_error).toBeNull();
      expect(resultDataOf(`[${nested(MAX_DEPTH - 1)}]`, [{ name: 'a' }]).result_data_error).toBeNull();
      for (const deep of [nested(MAX_DEPTH + 1), `{"a": ${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}}`]) {
        expect(resultDataOf(fenced(JSON.parse(deep)), [{ name: 'a' }])).toEqual({
          result_data: null,
          result_data_error: "The agent's JSON object nests more than 32 levels deep, too deep to read.",
        });
      }
    });

    it('refuses 4,000 levels with a sentence, where Zapier’s output check would overflow its stack', () => {
      expect(resultDataOf(`Here: ${nested(4000)}`, [{ name: 'a' }]).result_data_error).toBe(
        "The agent's JSON object nests more than 32 levels deep, too deep to read.",
      );
      expect(resultDataOf(nested(4000)).result_data).toBeNull();
    });

    it(`reads an object of ${MAX_LENGTH.toLocaleString('en')} characters, and refuses a longer one`, () => {
      const sized = (length: number) => `{"a": "${'x'.repeat(length - 9)}"}`;
      expect(sized(MAX_LENGTH)).toHaveLength(MAX_LENGTH);
      expect(resultDataOf(fenced(JSON.parse(sized(MAX_LENGTH))), [{ name: 'a' }]).result_data_error).toBeNull();
      expect(resultDataOf(`Here: ${sized(MAX_LENGTH + 1)}`, [{ name: 'a' }])).toEqual({
        result_data: null,
        result_data_error: "The agent's JSON object has more than 100,000 characters, too many to read.",
      });
    });
  });

  describe('does work in proportion to the answer, whatever it holds', () => {
    const SIZE = 100_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length));
    const levels = Math.floor(SIZE / 7);
    const HOSTILE: Record<string, string> = {
      'nested {"a": never closed': fill('{"a": '),
      'nested {"a": closed around a broken core': `${'{"a": '.repeat(levels)}x${'}'.repeat(levels)}`,
      'nested {"a": closed': `${'{"a": '.repeat(levels)}1${'}'.repeat(levels)}`,
      '{ repeated': fill('{'),
      '{ then as many }': `${'{'.repeat(SIZE / 2)}${'}'.repeat(SIZE / 2)}`,
      '[ repeated': fill('['),
      'many small objects': fill('{"a": 1} '),
      'many broken objects': fill('{"a": 1 '),
      'unclosed strings': fill('{"a'),
      'a huge ```json block': `\`\`\`json\n{${fill('"key": "value", ')}"end": 1}\n\`\`\``,
      'many ```json openings': fill('```json\n{"a": '),
    };

    /** Counts what a call hands JSON.parse, and how many characters it reads one by one. */
    const workOf = (read: () => void) => {
      const parse = jest.spyOn(JSON, 'parse');
      const { charCodeAt } = String.prototype;
      let reads = 0;
      String.prototype.charCodeAt = function (this: string, index: number) {
        reads++;
        return charCodeAt.call(this, index);
      };
      try {
        read();
      } finally {
        String.prototype.charCodeAt = charCodeAt;
      }
      const parsed = parse.mock.calls.map(([text]) => text.length);
      parse.mockRestore();
      return { parses: parsed.length, parsed: parsed.reduce((sum, length) => sum + length, 0), reads };
    };

    it.each(Object.entries(HOSTILE))(
      '%s: one JSON.parse at most, of a bounded object, and a few reads a character',
      (_case, answer) => {
        const work = workOf(() => resultDataOf(answer, [{ name: 'a' }]));
        expect(work.parses).toBeLessThanOrEqual(1);
        expect(work.parsed).toBeLessThanOrEqual(MAX_LENGTH);
        expect(work.reads).toBeLessThanOrEqual(4 * answer.length);
      },
    );

    it('reads ten times the answer with ten times the work, not a hundred', () => {
      const answer = (size: number) => `${'{"a": '.repeat(size)}x${'}'.repeat(size)} ${'{'.repeat(size)}`;
      const small = workOf(() => resultDataOf(answer(1000), [{ name: 'a' }])).reads;
      const large = workOf(() => resultDataOf(answer(10_000), [{ name: 'a' }])).reads;
      expect(large / small).toBeGreaterThan(9);
      expect(large / small).toBeLessThan(11);
    });
  });
});

describe('what the editor shows for asked fields', () => {
  it('declares one output field per valid entry, keyed as Zapier flattens result_data', async () => {
    const fields = await resultDataOutputFields(
      {} as never,
      {
        inputData: { result_fields: ['sentiment: positive or negative', 'due_date', 'not valid!', 'sentiment', '__'] },
      } as never,
    );
    expect(fields).toEqual([
      { key: 'result_data__sentiment', label: 'Result Data Sentiment' },
      { key: 'result_data__due_date', label: 'Result Data Due Date' },
      { key: 'result_data____', label: 'Result Data __' },
    ]);
    expect(await resultDataOutputFields({} as never, { inputData: {} } as never)).toEqual([]);
  });

  it('samples each field with what it holds', () => {
    expect(resultDataSample([SENTIMENT, { name: 'due_date' }])).toEqual({
      sentiment: 'positive, neutral or negative',
      due_date: "the agent's due date",
    });
  });
});
