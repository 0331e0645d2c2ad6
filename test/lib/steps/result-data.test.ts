import * as zod from 'zod/mini';
import { excerpt } from '../../../lib/api/text';
import {
  askedResultFields,
  askForResultFields,
  type ResultField,
  readResultFields,
  resultDataOf,
  resultDataOutputFields,
  resultDataSample,
  resultFieldsInput,
} from '../../../lib/steps/result-data';
import { MAX_DEPTH, MAX_LENGTH } from '../../../lib/steps/result-json';
import { completedTaskSample } from '../../../lib/steps/task-output';

const SENTIMENT: ResultField = { name: 'sentiment', holds: 'positive, neutral or negative' };
const PRIORITY: ResultField = { name: 'priority' };
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

  it('reads a type in brackets, with or without what the field holds', () => {
    expect(
      readResultFields([
        'score (integer): urgency from 1 to 10',
        'amount (Number)',
        'urgent ( boolean )',
        'due(datetime):when it is due',
        'tags (list)',
        'sentiment (one of positive,  Neutral , very   negative): how the customer feels',
        'reply_draft (text): a short reply',
        'notes (TEXT)',
      ]).fields,
    ).toEqual([
      { name: 'score', type: 'integer', holds: 'urgency from 1 to 10' },
      { name: 'amount', type: 'number' },
      { name: 'urgent', type: 'boolean' },
      { name: 'due', type: 'datetime', holds: 'when it is due' },
      { name: 'tags', type: 'list' },
      {
        name: 'sentiment',
        type: 'one of',
        choices: ['positive', 'Neutral', 'very negative'],
        holds: 'how the customer feels',
      },
      // Text is the default: the same as no type.
      { name: 'reply_draft', holds: 'a short reply' },
      { name: 'notes' },
    ]);
  });

  it('takes a mapped text as one entry per line, and nothing as no fields', () => {
    expect(readResultFields('sentiment\r\npriority (integer)\n').fields).toEqual([
      { name: 'sentiment' },
      { name: 'priority', type: 'integer' },
    ]);
    expect(readResultFields(['sentiment\npriority']).fields).toEqual([{ name: 'sentiment' }, PRIORITY]);
    expect(readResultFields(undefined)).toEqual({ fields: [], problem: null });
    expect(readResultFields(null)).toEqual({ fields: [], problem: null });
    expect(readResultFields([])).toEqual({ fields: [], problem: null });
  });

  it.each([
    ['due date: when it is due', 'has a name that is not only letters, digits and underscores'],
    ['(integer): a score', 'has no name'],
    ['score (integer: a score', 'does not close its “(”'],
    ['score (integer) a score', 'has more after its type than “: what it holds”'],
    [
      'score (colour)',
      'has the type “colour”, which is none of text, number, integer, boolean, datetime, list or one of …',
    ],
    ['score ()', 'has the type “”, which is none of text, number, integer, boolean, datetime, list or one of …'],
    ['mood (one of)', 'lists no choices after “one of”'],
    ['mood (one of  )', 'lists no choices after “one of”'],
    ['mood (one of happy, , sad)', 'has an empty choice'],
    ['mood (one of happy,)', 'has an empty choice'],
    ['mood (one of happy, Happy )', 'lists the choice “Happy” twice'],
    [`mood (one of ${Array.from({ length: 51 }, (_, n) => `c${n}`).join(', ')})`, 'lists 51 choices, more than 50'],
    ['mood\ud800', 'has a broken character (half of an emoji or symbol)'],
  ])('names the wrong entry %j and what is wrong with it, before any request', (entry, wrong) => {
    const { fields, problem } = readResultFields(['sentiment', entry]);
    expect(fields).toEqual([{ name: 'sentiment' }]);
    expect(problem).toBe(`has a wrong entry: “${excerpt(entry)}” (entry 2) ${wrong}`);
  });

  it('takes 50 choices, and names in any case but once', () => {
    const fifty = Array.from({ length: 50 }, (_, n) => `c${n}`);
    expect(readResultFields([`mood (one of ${fifty.join(',')})`]).fields).toEqual([
      { name: 'mood', type: 'one of', choices: fifty },
    ]);
    expect(readResultFields(['Sentiment', 'sentiment (list)', 42])).toEqual({
      fields: [{ name: 'Sentiment' }],
      problem:
        'has 2 wrong entries: “sentiment (list)” (entry 2) repeats the name of an earlier entry; and entry 3 is not text',
    });
  });

  it('quotes a wrong entry as a short printable excerpt', () => {
    expect(readResultFields([`bad\u0000${'x'.repeat(100)}`]).problem).toBe(
      `has a wrong entry: “bad ${'x'.repeat(35)}…” (entry 1) has a name that is not only letters, digits and underscores`,
    );
  });

  it('makes many wrong entries one short sentence: the first few, and how many more', () => {
    const wrong = Array.from({ length: 1000 }, (_, n) => `field_${n} (colour): ${'x'.repeat(10_000)}`);
    const { problem } = readResultFields(['ok', ...wrong]);
    expect(problem).toMatch(
      /^has 1000 wrong entries: “field_0 \(colour\): x+…” \(entry 2\) has the type “colour”, which is .+; and 99\d more$/,
    );
    expect(problem?.length).toBeLessThanOrEqual(260);
    expect(readResultFields(Array.from({ length: 1000 }, () => 42)).problem).toBe(
      'has 1000 wrong entries: entry 1 is not text; entry 2 is not text; entry 3 is not text; entry 4 is not text; entry 5 is not text; entry 6 is not text; entry 7 is not text; entry 8 is not text; entry 9 is not text; and 991 more',
    );
  });

  it('refuses a value that is no list', () => {
    expect(readResultFields({ sentiment: true }).problem).toBe(
      'must be a list of result fields, such as sentiment (one of positive, neutral, negative)',
    );
  });

  it('as a step input, gives the fields, or one issue with that sentence', () => {
    expect(zod.parse(resultFieldsInput(), ['urgent (boolean)'])).toEqual([{ name: 'urgent', type: 'boolean' }]);
    const result = zod.safeParse(resultFieldsInput(), ['a b', 'c d']);
    expect(result.error?.issues.map(({ message }) => message)).toEqual([
      'has 2 wrong entries: “a b” (entry 1) has a name that is not only letters, digits and underscores; and “c d” (entry 2) has a name that is not only letters, digits and underscores',
    ]);
  });
});

describe('the instruction added to the prompt', () => {
  const TYPED: ResultField[] = [
    {
      name: 'sentiment',
      type: 'one of',
      choices: ['positive', 'neutral', 'negative'],
      holds: 'how the customer feels',
    },
    { name: 'score', type: 'integer', holds: 'urgency from 1 to 10' },
    { name: 'urgent', type: 'boolean' },
    { name: 'due', type: 'datetime' },
    { name: 'tags', type: 'list' },
    { name: 'amount', type: 'number' },
    { name: 'reply_draft' },
  ];

  it('is added only when fields are asked, a line per key with its type and choices', () => {
    expect(askForResultFields('Summarise this email.', [])).toBe('Summarise this email.');
    expect(askForResultFields('Summarise this email.', TYPED)).toBe(
      [
        'Summarise this email.',
        '',
        'End your answer with one JSON object, in a ```json code block, with exactly these keys:',
        '- "sentiment" (one of "positive", "neutral", "negative"): how the customer feels',
        '- "score" (integer): urgency from 1 to 10',
        '- "urgent" (boolean)',
        '- "due" (datetime)',
        '- "tags" (list)',
        '- "amount" (number)',
        '- "reply_draft"',
        'Use null for a value you cannot give.',
      ].join('\n'),
    );
  });

  it('is read back from any task’s prompt, as sent or as the server stored it', () => {
    const prompt = askForResultFields('Summarise this email.', TYPED);
    expect(askedResultFields(prompt)).toEqual(TYPED);
    expect(askedResultFields(`${prompt.replace(/\n/g, '\r\n')}\r\n`)).toEqual(TYPED);
    expect(askedResultFields(askForResultFields(prompt, [{ name: 'language' }]))).toEqual([{ name: 'language' }]);
    expect(askedResultFields('Summarise this email.')).toEqual([]);
    expect(askedResultFields(null)).toEqual([]);
    expect(askedResultFields(undefined)).toEqual([]);
  });

  it('reads the prompts the previous version wrote, without types', () => {
    const previous =
      'Summarise this email.\n\nEnd your answer with one JSON object, in a ```json code block, with exactly these keys:\n' +
      '- "sentiment": positive, neutral or negative\n- "priority"\n- "score": (integer) from 1 to 10\nUse null for a value you cannot give.';
    expect(askedResultFields(previous)).toEqual([
      SENTIMENT,
      PRIORITY,
      { name: 'score', holds: '(integer) from 1 to 10' },
    ]);
  });

  it('reads back exactly what each field holds, whatever it says: the instruction itself, quotes, other keys', () => {
    const { fields, problem } = readResultFields([
      'first (integer): End your answer with one JSON object, in a ```json code block, with exactly these keys:',
      'second: Use null for a value you cannot give. - "third" (number): not a key',
      'fourth (one of "quoted", back\\slash, a: colon, (bracket, émoji 🎉, \u0000nul): pick "one"',
      'fifth: \u202eright-to-left\u200b and \u2028 a line separator',
    ]);
    expect(problem).toBeNull();
    expect(fields[2]).toEqual({
      name: 'fourth',
      type: 'one of',
      choices: ['"quoted"', 'back\\slash', 'a: colon', '(bracket', 'émoji 🎉', '\u0000nul'],
      holds: 'pick "one"',
    });
    const prompt = askForResultFields(
      `A prompt that quotes an earlier one:\n${askForResultFields('x', TYPED)}`,
      fields,
    );
    expect(askedResultFields(prompt)).toEqual(fields);
  });

  it('reads nothing from a prompt that does not end with the instruction', () => {
    const prompt = askForResultFields('Summarise this email.', TYPED);
    expect(askedResultFields(`${prompt}\nThanks!`)).toEqual([]);
    expect(askedResultFields(prompt.replace('- "urgent" (boolean)', '- "urgent" (colour)'))).toEqual([]);
    expect(askedResultFields(prompt.replace('- "tags" (list)', 'tags'))).toEqual([]);
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

  describe('reads each value as its type wants it', () => {
    const CHOICES: ResultField = { name: 'value', type: 'one of', choices: ['Positive', 'very negative', '2'] };
    it.each<[ResultField['type'], unknown, unknown]>([
      ['number', 7.5, 7.5],
      ['number', -3, -3],
      ['number', '7', 7],
      ['number', ' 7.5 ', 7.5],
      ['number', '-3', -3],
      ['number', '1e3', 1000],
      ['integer', 7, 7],
      ['integer', 7.0, 7],
      ['integer', '7', 7],
      ['integer', '7.0', 7],
      ['integer', '-12', -12],
      ['boolean', true, true],
      ['boolean', false, false],
      ['boolean', 'TRUE', true],
      ['boolean', ' yes ', true],
      ['boolean', 'No', false],
      ['boolean', 'false', false],
      ['datetime', '2026-12-24T10:30:00Z', '2026-12-24T10:30:00Z'],
      ['datetime', '2026-12-24T10:30:00+02:00', '2026-12-24T10:30:00+02:00'],
      ['datetime', '2026-12-24 10:30:00.123456', '2026-12-24T10:30:00.123456Z'],
      ['datetime', '2026-12-24T10:30', '2026-12-24T10:30:00Z'],
      // A bare date is read as midnight UTC.
      ['datetime', '2026-12-24', '2026-12-24T00:00:00Z'],
      ['list', ['refund', 'billing'], ['refund', 'billing']],
      ['list', ['refund', 2, true], ['refund', '2', 'true']],
      ['list', [], []],
      ['list', 'refund', ['refund']],
      ['list', 3, ['3']],
    ])('%s: %j as %j', (type, given, value) => {
      const field = { name: 'value', type } as ResultField;
      expect(resultDataOf(fenced({ value: given }), [field])).toEqual({
        result_data: { value },
        result_data_error: null,
      });
    });

    it.each([
      ['Positive', 'Positive'],
      [' positive ', 'Positive'],
      ['VERY   Negative', 'very negative'],
      [2, '2'],
    ])('one of: %j as %j, the choice as written', (given, value) => {
      expect(resultDataOf(fenced({ value: given }), [CHOICES]).result_data).toEqual({ value });
    });

    it.each(['number', 'integer', 'boolean', 'datetime', 'list'] as const)(
      '%s: null, a value it cannot give',
      (type) => {
        expect(resultDataOf(fenced({ value: null }), [{ name: 'value', type }])).toEqual({
          result_data: { value: null },
          result_data_error: null,
        });
      },
    );
  });

  describe('keeps null for a value that does not fit its type, and says so', () => {
    const CHOICES: ResultField = { name: 'value', type: 'one of', choices: ['positive', 'neutral', 'negative'] };
    it.each<[ResultField, unknown, string]>([
      [{ name: 'value', type: 'number' }, 'seven', '“seven” instead of a number'],
      [{ name: 'value', type: 'number' }, '7 apples', '“7 apples” instead of a number'],
      [{ name: 'value', type: 'number' }, '', '“” instead of a number'],
      [{ name: 'value', type: 'number' }, true, 'true instead of a number'],
      [{ name: 'value', type: 'number' }, { n: 7 }, 'an object instead of a number'],
      [{ name: 'value', type: 'number' }, [7], 'a list instead of a number'],
      [{ name: 'value', type: 'number' }, '1e999', '“1e999” instead of a number'],
      [{ name: 'value', type: 'integer' }, 7.5, '7.5 instead of a whole number'],
      [{ name: 'value', type: 'integer' }, '7.5', '“7.5” instead of a whole number'],
      [{ name: 'value', type: 'integer' }, 'seven', '“seven” instead of a whole number'],
      [{ name: 'value', type: 'boolean' }, 'maybe', '“maybe” instead of true or false'],
      [{ name: 'value', type: 'boolean' }, 1, '1 instead of true or false'],
      [{ name: 'value', type: 'boolean' }, {}, 'an object instead of true or false'],
      [{ name: 'value', type: 'datetime' }, 'tomorrow-ish', '“tomorrow-ish” instead of a date and time'],
      [{ name: 'value', type: 'datetime' }, '2026-02-30', '“2026-02-30” instead of a date and time'],
      [{ name: 'value', type: 'datetime' }, 1767225600, '1767225600 instead of a date and time'],
      [{ name: 'value', type: 'list' }, { items: ['a'] }, 'an object instead of a list of texts'],
      [{ name: 'value', type: 'list' }, ['a', { b: 1 }], 'a list holding an object instead of a list of texts'],
      [{ name: 'value', type: 'list' }, ['a', ['b']], 'a list holding a list instead of a list of texts'],
      [{ name: 'value', type: 'list' }, ['a', null], 'a list holding null instead of a list of texts'],
      [CHOICES, 'great', '“great” instead of one of “positive”, “neutral” or “negative”'],
      [CHOICES, ['positive'], 'a list instead of one of “positive”, “neutral” or “negative”'],
    ])('%j given %j', (field, given, says) => {
      expect(resultDataOf(fenced({ value: given }), [field])).toEqual({
        result_data: { value: null },
        result_data_error: `The agent's JSON object has a value that does not fit: “value” is ${says}.`,
      });
    });

    it('quotes a short excerpt of what came, and of the choices', () => {
      const choices = Array.from({ length: 50 }, (_, n) => `choice number ${n} ${'x'.repeat(100)}`);
      const { result_data_error } = resultDataOf(fenced({ value: `${'long '.repeat(1000)}\n` }), [
        { name: 'value', type: 'one of', choices },
      ]);
      expect(result_data_error).toBe(
        `The agent's JSON object has a value that does not fit: “value” is “long long long long…” instead of one of “choice number 0…”, “choice number 1…” or 48 more.`,
      );
    });

    it('says which keys are missing and which values do not fit, in one short sentence', () => {
      const asked: ResultField[] = [
        { name: 'score', type: 'integer' },
        { name: 'urgent', type: 'boolean' },
        PRIORITY,
        { name: 'due', type: 'datetime' },
      ];
      expect(resultDataOf(fenced({ score: 'seven', urgent: 'maybe', due: '2026-12-24' }), asked)).toEqual({
        result_data: { score: null, urgent: null, priority: null, due: '2026-12-24T00:00:00Z' },
        result_data_error:
          "The agent's JSON object has no “priority”; it has values that do not fit: “score” is “seven” instead of a whole number; and “urgent” is “maybe” instead of true or false.",
      });
    });

    it.each([
      ['missing', {}],
      [
        'not fitting',
        Object.fromEntries(Array.from({ length: 1000 }, (_, n) => [`k${n}${'x'.repeat(30)}`, 'x'.repeat(40)])),
      ],
      [
        'half of each',
        Object.fromEntries(Array.from({ length: 500 }, (_, n) => [`k${n}${'x'.repeat(30)}`, 'x'.repeat(40)])),
      ],
    ])('keeps to about 300 characters with 1,000 asked keys %s', (_case, answer) => {
      const asked = Array.from({ length: 1000 }, (_, n) => ({
        name: `k${n}${'x'.repeat(30)}`,
        type: 'number' as const,
      }));
      const { result_data_error } = resultDataOf(fenced(answer), asked);
      expect(result_data_error).toMatch(/ and \d+ more\.$/);
      expect(result_data_error?.length).toBeLessThanOrEqual(300);
    });
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
  it('declares one output field per valid entry, keyed as Zapier flattens result_data and typed as asked', async () => {
    const fields = await resultDataOutputFields(
      {} as never,
      {
        inputData: {
          result_fields: [
            'sentiment: positive or negative',
            'due_date',
            'not valid!',
            'sentiment',
            '__',
            'score (integer)',
            'amount (number)',
            'urgent (boolean)',
            'due (datetime)',
            'tags (list)',
            'mood (one of happy, sad, “quoted”)',
            `long (one of ${Array.from({ length: 50 }, (_, n) => `choice ${n}`).join(', ')})`,
          ],
        },
      } as never,
    );
    expect(fields).toEqual([
      { key: 'result_data__sentiment', label: 'Result Data Sentiment' },
      { key: 'result_data__due_date', label: 'Result Data Due Date' },
      { key: 'result_data____', label: 'Result Data __' },
      { key: 'result_data__score', label: 'Result Data Score', type: 'integer' },
      { key: 'result_data__amount', label: 'Result Data Amount', type: 'number' },
      { key: 'result_data__urgent', label: 'Result Data Urgent', type: 'boolean' },
      { key: 'result_data__due', label: 'Result Data Due', type: 'datetime' },
      { key: 'result_data__tags', label: 'Result Data Tags', type: 'string', list: true },
      { key: 'result_data__mood', label: 'Result Data Mood (happy, sad or “quoted”)', type: 'string' },
      {
        key: 'result_data__long',
        label:
          'Result Data Long (choice 0, choice 1, choice 2, choice 3, choice 4, choice 5, choice 6, choice 7 or 42 more)',
        type: 'string',
      },
    ]);
    expect(await resultDataOutputFields({} as never, { inputData: {} } as never)).toEqual([]);
  });

  it('samples each field with a realistic value of its type, which reads back as it is', () => {
    const fields = readResultFields([
      'sentiment: positive, neutral or negative',
      'due_date',
      'score (integer)',
      'amount (number)',
      'urgent (boolean)',
      'due (datetime)',
      'tags (list)',
      'mood (one of happy, sad)',
    ]).fields;
    const sample = resultDataSample(fields);
    expect(sample).toEqual({
      sentiment: 'positive, neutral or negative',
      due_date: "the agent's due date",
      score: 7,
      amount: 249.5,
      urgent: true,
      due: '2026-12-04T17:00:00Z',
      tags: ['refund', 'invoice #4821'],
      mood: 'happy',
    });
    expect(resultDataOf(fenced(sample), fields)).toEqual({ result_data: sample, result_data_error: null });
  });
});
