/** What every visible step must look like in the Zap editor. */
const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

export const isTitleCase = (label: string): boolean =>
  label.split(/\s+/).every((word, index) => (SMALL_WORDS.has(word) ? index > 0 : /^[A-Z0-9("“]/.test(word)));

export const DESCRIPTION_PREFIX = { triggers: 'Triggers when', creates: 'Creates', searches: 'Finds' } as const;

type Field = { key: string; type?: string };

const fitsType = (value: unknown, type: string | undefined): boolean => {
  if (value === null) return true;
  switch (type) {
    case 'number':
    case 'integer':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    default:
      return typeof value === 'string';
  }
};

/** The problems of a sample against its output fields: missing keys and wrong types. */
export const sampleProblems = (
  sample: Record<string, unknown>,
  outputFields: (Field | ((...args: never[]) => unknown))[],
): string[] =>
  outputFields.flatMap((field) => {
    // Fields computed from a step's input have no static sample to match.
    if (typeof field === 'function') return [];
    if (!(field.key in sample)) return [`sample lacks "${field.key}"`];
    return fitsType(sample[field.key], field.type) ? [] : [`"${field.key}" is not a ${field.type ?? 'string'}`];
  });
