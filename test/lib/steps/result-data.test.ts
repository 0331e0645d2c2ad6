import {
  askedResultFields,
  askForResultFields,
  readResultFields,
  resultDataOf,
  resultDataOutputFields,
  resultDataSample,
} from '../../../lib/steps/result-data';
import { completedTaskSample } from '../../../lib/steps/task-output';

const SENTIMENT = { name: 'sentiment', holds: 'positive, neutral or negative' };
const PRIORITY = { name: 'priority' };

describe('reading the Result Fields input', () => {
  it('reads names, with what each holds, and skips empty rows', () => {
    expect(
      readResultFields(['sentiment: positive, neutral or negative', '', '  priority ', 'due_date :  a date']),
    ).toEqual({
      fields: [SENTIMENT, PRIORITY, { name: 'due_date', holds: 'a date' }],
      problems: [],
    });
  });

  it('takes a mapped text as one entry per line, and nothing as no fields', () => {
    expect(readResultFields('sentiment\npriority').fields).toEqual([{ name: 'sentiment' }, PRIORITY]);
    expect(readResultFields(undefined)).toEqual({ fields: [], problems: [] });
    expect(readResultFields(null)).toEqual({ fields: [], problems: [] });
  });

  it('names each wrong entry, in a short printable excerpt, and keeps the right ones', () => {
    const { fields, problems } = readResultFields([
      'sentiment',
      'due date: when it is due',
      `bad\u0000${'x'.repeat(100)}`,
      'Sentiment',
      42,
    ]);
    expect(fields).toEqual([{ name: 'sentiment' }]);
    expect(problems).toEqual([
      'has the entry “due date: when it is due” (number 2), which is not a name of letters, digits and underscores, optionally followed by “: what it holds”, such as sentiment: positive, neutral or negative',
      expect.stringMatching(/^has the entry “bad x{35}…” \(number 3\)/),
      'names “Sentiment” twice (entry number 4); give each result field its own name',
      'has an entry (number 5) that is not text; each entry is a field name, such as sentiment: positive, neutral or negative',
    ]);
  });

  it('refuses a value that is no list', () => {
    expect(readResultFields({ sentiment: true }).problems).toEqual([
      'must be a list of field names, such as sentiment: positive, neutral or negative',
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
    expect(askedResultFields(prompt.replace(/\n/g, '\r\n'))).toEqual([SENTIMENT, PRIORITY]);
    expect(askedResultFields(askForResultFields(prompt, [{ name: 'language' }]))).toEqual([{ name: 'language' }]);
    expect(askedResultFields('Summarise this email.')).toEqual([]);
    expect(askedResultFields(null)).toEqual([]);
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

  it('is otherwise the last balanced {…} that parses as an object, nested values and all', () => {
    const result = `${prose} He wrote "see {the attachment}.\nSummary: {"sentiment": "negative", "tags": ["refund", "billing"], "customer": {"name": "Dana {W.}"}} [1, 2]`;
    expect(resultDataOf(result).result_data).toEqual({
      sentiment: 'negative',
      tags: ['refund', 'billing'],
      customer: { name: 'Dana {W.}' },
    });
  });

  it('finds an object after a brace that never closes or one that never opened', () => {
    expect(resultDataOf('Note { unfinished.\n{"priority": "high"}').result_data).toEqual({ priority: 'high' });
    expect(resultDataOf('Smile :} then {"priority": "low"}').result_data).toEqual({ priority: 'low' });
  });

  it('reads quotes and braces escaped inside its strings', () => {
    const result = 'Draft: {"reply": "She said \\"fine }\\" and left", "priority": "low"}';
    expect(resultDataOf(result).result_data).toEqual({ reply: 'She said "fine }" and left', priority: 'low' });
  });

  it('falls back to a bare object when the ```json block is broken', () => {
    const result = '{"priority": "low"}\n```json\n{"priority": high}\n```';
    expect(resultDataOf(result)).toEqual({ result_data: { priority: 'low' }, result_data_error: null });
  });

  it('is null, with the reason, when the result holds no usable object', () => {
    expect(resultDataOf(prose)).toEqual({ result_data: null, result_data_error: 'The result holds no JSON object.' });
    expect(resultDataOf('Tags: ["refund", "billing"]').result_data).toBeNull();
    expect(resultDataOf('```json\n["refund", "billing"]\n```').result_data_error).toBe(
      'The ```json block at the end of the result is not a valid JSON object.',
    );
    expect(resultDataOf('```json\n{"priority": high,}\n```')).toEqual({
      result_data: null,
      result_data_error: 'The ```json block at the end of the result is not a valid JSON object.',
    });
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
    const result = '```json\n{"sentiment": "negative", "summary": "Refund asked"}\n```';
    expect(resultDataOf(result, [SENTIMENT])).toEqual({
      result_data: { sentiment: 'negative' },
      result_data_error: null,
    });
    expect(resultDataOf(result, [SENTIMENT, PRIORITY, { name: 'due_date' }, { name: 'owner' }])).toEqual({
      result_data: { sentiment: 'negative', priority: null, due_date: null, owner: null },
      result_data_error: "The agent's JSON object has no “priority”, “due_date” and “owner”.",
    });
    expect(resultDataOf(result, [PRIORITY]).result_data_error).toBe("The agent's JSON object has no “priority”.");
  });

  it('stays fast on a long answer full of braces', () => {
    const started = performance.now();
    const hostile = `${'{"a": '.repeat(20_000)}x${'}'.repeat(20_000)}${'{'.repeat(50_000)}`;
    expect(resultDataOf(hostile).result_data).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
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
