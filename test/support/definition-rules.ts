/**
 * Zapier's integration checks that can be judged from the definition alone
 * (the D series of the integration checks reference,
 * https://docs.zapier.com/platform/publish/integration-checks-reference),
 * and the rules of its build guidelines for labels and descriptions. Each
 * check lists the problems it finds; none means it passes. The checks Zapier
 * runs on live data (T series), accounts and marketing need a live app.
 */

type Fn = (...args: never[]) => unknown;

export interface Field {
  key: string;
  label?: string;
  type?: string;
  helpText?: string;
  required?: boolean;
  dynamic?: string;
  search?: string;
  choices?: unknown;
}

export interface Step {
  key: string;
  noun?: string;
  display: { label?: string; description?: string; hidden?: boolean };
  operation: {
    type?: string;
    inputFields?: (Field | Fn)[];
    outputFields?: (Field | Fn)[];
    sample?: Record<string, unknown>;
    performList?: unknown;
    performSubscribe?: unknown;
    performUnsubscribe?: unknown;
  };
}

export interface SearchOrCreate {
  key: string;
  display: { label: string; description: string };
  search: string;
  create: string;
}

export interface Definition {
  authentication?: { type: string; fields?: Field[]; connectionLabel?: unknown };
  triggers?: Record<string, Step>;
  creates?: Record<string, Step>;
  searches?: Record<string, Step>;
  searchOrCreates?: Record<string, SearchOrCreate>;
}

export interface Check {
  id: string;
  title: string;
  problems: (definition: Definition) => string[];
}

type Kind = 'triggers' | 'creates' | 'searches';
type Located = { where: string; kind: Kind; step: Step };

const KINDS: Kind[] = ['triggers', 'creates', 'searches'];
/** The integration's name, which descriptions must not repeat (build guidelines). */
const APP_NAME = /codetether/i;
/** "A handful of words": the guidelines give no number; this is ours. */
const MAX_DESCRIPTION_LENGTH = 80;

const stepsOf = (definition: Definition): Located[] =>
  KINDS.flatMap((kind) =>
    Object.entries(definition[kind] ?? {}).map(([key, step]) => ({ where: `${kind}.${key}`, kind, step })),
  );

const plain = (fields: (Field | Fn)[] | undefined): Field[] =>
  (fields ?? []).filter((field): field is Field => typeof field !== 'function');

const inputFieldsOf = (definition: Definition): { where: string; field: Field }[] =>
  stepsOf(definition).flatMap(({ where, step }) =>
    plain(step.operation.inputFields).map((field) => ({ where: `${where} field ${field.key}`, field })),
  );

const authFieldsOf = (definition: Definition): { where: string; field: Field }[] =>
  (definition.authentication?.fields ?? []).map((field) => ({ where: `authentication field ${field.key}`, field }));

/** Every description and help text a user reads, where it is. */
const textsOf = (definition: Definition): { where: string; text: string }[] =>
  [
    ...stepsOf(definition).map(({ where, step }) => ({
      where: `${where} description`,
      text: step.display.description,
    })),
    ...Object.entries(definition.searchOrCreates ?? {}).map(([key, soc]) => ({
      where: `searchOrCreates.${key} description`,
      text: soc.display.description,
    })),
    ...[...authFieldsOf(definition), ...inputFieldsOf(definition)].map(({ where, field }) => ({
      where: `${where} help text`,
      text: field.helpText,
    })),
  ].filter((entry): entry is { where: string; text: string } => typeof entry.text === 'string');

// ---------------------------------------------------------------- text rules

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

export const isTitleCase = (label: string): boolean =>
  label.split(/\s+/).every((word, index) => (SMALL_WORDS.has(word) ? index > 0 : /^[A-Z0-9("“]/.test(word)));

/** Markdown links, their targets included, and code spans are fine; any other URL is bare. */
export const linkProblems = (text: string): string[] => {
  const problems: string[] = [];
  if (/\[[^\]\n]*\(\s*(https?:|www\.)/i.test(text)) problems.push('has a Markdown link without its closing bracket');
  const rest = text.replace(/`[^`]*`/g, '').replace(/\[[^\]\n]*\]\([^)\s]+\)/g, '');
  const bare = /\b(https?:\/\/|www\.)[^\s)]*[^\s).,;:!?]/i.exec(rest)?.[0];
  if (bare) problems.push(`has the bare URL ${bare}; write it as a Markdown link or in backticks`);
  return problems;
};

const normalised = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

// ---------------------------------------------------------------- sample rules

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOOKS_LIKE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** Every text in a value, nested ones too, with where it is; functions are code, not text. */
const stringsOf = (value: unknown, path: string): [string, string][] => {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => stringsOf(inner, `${path}.${key}`));
};

/** A sample's value for an output field key, nested keys (`a__b`) included. */
const valueAt = (sample: Record<string, unknown>, key: string): { found: boolean; value?: unknown } => {
  let value: unknown = sample;
  for (const part of key.split('__')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return { found: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { found: true, value };
};

const fitsType = (value: unknown, type: string | undefined): boolean => {
  if (value === null) return true;
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return typeof value === 'string' && ISO_WITH_OFFSET.test(value);
    default:
      return typeof value === 'string';
  }
};

/** The problems of a sample against its static output fields: missing keys and wrong types. */
export const sampleProblems = (sample: Record<string, unknown>, outputFields: (Field | Fn)[]): string[] =>
  // Fields computed from a step's input have no static sample to match.
  plain(outputFields).flatMap((field) => {
    const { found, value } = valueAt(sample, field.key);
    if (!found) return [`its sample lacks "${field.key}"`];
    return fitsType(value, field.type) ? [] : [`its sample's "${field.key}" is not a ${field.type ?? 'string'}`];
  });

// ---------------------------------------------------------------- the checks

const per = <T>(items: T[], problems: (item: T) => string[]): string[] => items.flatMap(problems);
const when = (condition: boolean, problem: string): string[] => (condition ? [problem] : []);

/** How an action's description starts: what it does, in the third person. */
const ACTION_VERB = /^(Creates|Cancels|Updates|Deletes|Sends|Adds|Runs) /;

const ID_FIELD = (field: Field) => field.key === 'id' || field.key.endsWith('_id') || /\bID$/.test(field.label ?? '');
const CREDENTIAL = /api[_ -]?key|token|secret|password/i;

export const CHECKS: Check[] = [
  {
    id: 'D001',
    title: 'Asks for no API key in a step, only in authentication',
    problems: (definition) =>
      per(inputFieldsOf(definition), ({ where, field }) =>
        when(
          field.type === 'password' || CREDENTIAL.test(field.key) || CREDENTIAL.test(field.label ?? ''),
          `${where} asks for a credential`,
        ),
      ),
  },
  {
    id: 'D002',
    title: 'Auth fields for a pasted key link to where to find it',
    problems: (definition) =>
      per(
        authFieldsOf(definition).filter(({ field }) => field.type === 'password' && field.required),
        ({ where, field }) => when(!/\[[^\]]+\]\(https:\/\/[^)]+\)/.test(field.helpText ?? ''), `${where} has no link`),
      ),
  },
  {
    id: 'D003',
    title: 'Connection label is set',
    problems: (definition) =>
      when(!definition.authentication?.connectionLabel, 'authentication has no connectionLabel'),
  },
  {
    id: 'D004',
    title: 'ID fields have dynamic dropdowns, and no label says "ID"',
    problems: (definition) =>
      per(inputFieldsOf(definition), ({ where, field }) => [
        ...when(ID_FIELD(field) && !field.dynamic, `${where} is an ID without a dynamic dropdown`),
        ...when(/\bID$/.test(field.label ?? ''), `${where} is labelled "${field.label}"`),
      ]),
  },
  {
    id: 'D005',
    title: 'Dynamic dropdowns connect to existing triggers and their fields',
    problems: (definition) =>
      per(
        inputFieldsOf(definition).filter(({ field }) => field.dynamic),
        ({ where, field }) => {
          const [trigger = '', ...keys] = (field.dynamic ?? '').split('.');
          const sample = definition.triggers?.[trigger]?.operation.sample;
          if (!sample) return [`${where} names the trigger "${trigger}", which does not exist or has no sample`];
          return keys.filter((key) => !Object.hasOwn(sample, key)).map((key) => `${where}: ${trigger} has no "${key}"`);
        },
      ),
  },
  {
    id: 'D006',
    title: 'REST hook triggers have a polling fallback (performList)',
    problems: (definition) =>
      per(
        stepsOf(definition).filter(({ step }) => step.operation.type === 'hook'),
        ({ where, step }) => when(!step.operation.performList, `${where} has no performList`),
      ),
  },
  {
    id: 'D007',
    title: 'All URLs are HTTPS',
    problems: (definition) =>
      stringsOf(definition, 'definition')
        .filter(([, text]) => /\bhttp:\/\//i.test(text))
        .map(([path]) => `${path} has an http:// URL`),
  },
  {
    id: 'D008',
    title: 'Links are valid Markdown links or in backticks',
    problems: (definition) =>
      per(textsOf(definition), ({ where, text }) => linkProblems(text).map((problem) => `${where} ${problem}`)),
  },
  {
    id: 'D009',
    title: 'Searches have at least one search field',
    problems: (definition) =>
      per(
        stepsOf(definition).filter(({ kind }) => kind === 'searches'),
        ({ where, step }) => when(plain(step.operation.inputFields).length === 0, `${where} has no input field`),
      ),
  },
  {
    id: 'D010',
    title: 'Polling triggers have an "id" in their static sample',
    problems: (definition) =>
      per(
        stepsOf(definition).filter(({ kind, step }) => kind === 'triggers' && step.operation.type === 'polling'),
        ({ where, step }) => when(!step.operation.sample?.id, `${where} has no id in its sample`),
      ),
  },
  {
    id: 'D011',
    title: 'Help texts say more than their labels',
    problems: (definition) =>
      per([...authFieldsOf(definition), ...inputFieldsOf(definition)], ({ where, field }) =>
        when(
          field.helpText !== undefined && normalised(field.helpText) === normalised(field.label ?? field.key),
          `${where} repeats its label`,
        ),
      ),
  },
  {
    id: 'D012',
    title: 'Every trigger, action and search has a static sample',
    problems: (definition) =>
      per(stepsOf(definition), ({ where, step }) =>
        when(Object.keys(step.operation.sample ?? {}).length === 0, `${where} has no sample`),
      ),
  },
  {
    id: 'D013',
    title: 'Search-powered fields connect to existing searches',
    problems: (definition) =>
      per(
        inputFieldsOf(definition).filter(({ field }) => field.search),
        ({ where, field }) => {
          const search = (field.search ?? '').split('.')[0] ?? '';
          return when(!definition.searches?.[search], `${where} names the search "${search}", which does not exist`);
        },
      ),
  },
  {
    id: 'D014',
    title: 'Search-powered fields also have a dynamic dropdown',
    problems: (definition) =>
      per(
        inputFieldsOf(definition).filter(({ field }) => field.search),
        ({ where, field }) => when(!field.dynamic, `${where} has a search but no dynamic dropdown`),
      ),
  },
  {
    id: 'D015',
    title: 'Search-or-creates connect to an existing search and action',
    problems: (definition) =>
      per(Object.entries(definition.searchOrCreates ?? {}), ([key, soc]) => [
        ...when(!definition.searches?.[soc.search], `searchOrCreates.${key} names no existing search`),
        ...when(!definition.creates?.[soc.create], `searchOrCreates.${key} names no existing action`),
      ]),
  },
  {
    id: 'D016',
    title: 'More than a static webhook',
    problems: (definition) =>
      when(
        stepsOf(definition).every(({ step }) => step.operation.type === 'hook' && !step.operation.performSubscribe),
        'the integration is only static webhooks',
      ),
  },
  {
    id: 'D017',
    title: 'Hook triggers subscribe and unsubscribe (no static hooks)',
    problems: (definition) =>
      per(
        stepsOf(definition).filter(({ step }) => step.operation.type === 'hook'),
        ({ where, step }) =>
          when(!step.operation.performSubscribe || !step.operation.performUnsubscribe, `${where} is a static hook`),
      ),
  },
  {
    id: 'D018',
    title: 'Labels are in title case',
    problems: (definition) => [
      ...per(stepsOf(definition), ({ where, step }) =>
        when(step.display.label !== undefined && !isTitleCase(step.display.label), `${where}: "${step.display.label}"`),
      ),
      ...per(Object.entries(definition.searchOrCreates ?? {}), ([key, soc]) =>
        when(!isTitleCase(soc.display.label), `searchOrCreates.${key}: "${soc.display.label}"`),
      ),
    ],
  },
  {
    id: 'D021',
    title: 'Trigger descriptions start with "Triggers when" and end with a period',
    problems: (definition) =>
      per(
        stepsOf(definition).filter(({ kind }) => kind === 'triggers'),
        ({ where, step }) =>
          when(!/^Triggers when .*\.$/.test(step.display.description ?? ''), `${where}: "${step.display.description}"`),
      ),
  },
  {
    id: 'D022',
    title: 'Actions have static input fields',
    problems: (definition) =>
      per(
        stepsOf(definition).filter(({ kind }) => kind === 'creates'),
        ({ where, step }) => when(plain(step.operation.inputFields).length === 0, `${where} has no static input field`),
      ),
  },
  {
    id: 'D023',
    title: 'Dates and times in samples are ISO-8601, with an offset when they have a time',
    problems: (definition) =>
      per(stepsOf(definition), ({ where, step }) =>
        stringsOf(step.operation.sample, 'sample')
          .filter(([, text]) => LOOKS_LIKE_TIME.test(text) && !ISO_WITH_OFFSET.test(text))
          .map(([path, text]) => `${where} ${path}: "${text}"`),
      ),
  },
  {
    id: 'D024',
    title: 'Static samples respect their output fields (present, of their type)',
    problems: (definition) =>
      per(stepsOf(definition), ({ where, step }) =>
        sampleProblems(step.operation.sample ?? {}, step.operation.outputFields ?? []).map(
          (problem) => `${where}: ${problem}`,
        ),
      ),
  },
  {
    id: 'G01',
    title:
      'Action descriptions start with what they do ("Creates", "Cancels"…), searches with "Finds"; all end with a period',
    problems: (definition) => [
      ...per(
        stepsOf(definition).filter(({ kind }) => kind !== 'triggers'),
        ({ where, kind, step }) =>
          when(
            !(kind === 'creates' ? ACTION_VERB : /^Finds /).test(step.display.description ?? '') ||
              !/\.$/.test(step.display.description ?? ''),
            `${where}: "${step.display.description}"`,
          ),
      ),
      ...per(Object.entries(definition.searchOrCreates ?? {}), ([key, soc]) =>
        when(!/^Finds .*\.$/.test(soc.display.description), `searchOrCreates.${key}: "${soc.display.description}"`),
      ),
    ],
  },
  {
    id: 'G02',
    title: `Descriptions are concise (at most ${MAX_DESCRIPTION_LENGTH} characters) and do not name the integration`,
    problems: (definition) =>
      per(
        textsOf(definition).filter(({ where }) => where.endsWith(' description')),
        ({ where, text }) => [
          ...when(text.length > MAX_DESCRIPTION_LENGTH, `${where} has ${text.length} characters`),
          ...when(APP_NAME.test(text), `${where} names the integration`),
        ],
      ),
  },
  {
    id: 'G03',
    title: 'Every step has a noun, and its description does not capitalise it',
    problems: (definition) =>
      per(stepsOf(definition), ({ where, step }) => {
        if (!step.noun) return [`${where} has no noun`];
        const rest = (step.display.description ?? '').split(' ').slice(1).join(' ');
        return when(new RegExp(`\\b${step.noun}\\b`).test(rest), `${where} capitalises "${step.noun}"`);
      }),
  },
  {
    id: 'G04',
    title: "Search-or-creates are keyed by their search's key",
    problems: (definition) =>
      per(Object.entries(definition.searchOrCreates ?? {}), ([key, soc]) =>
        when(
          key !== soc.key || soc.key !== soc.search,
          `searchOrCreates.${key} has key ${soc.key}, search ${soc.search}`,
        ),
      ),
  },
  {
    id: 'G05',
    title: 'Input and output fields have labels',
    problems: (definition) =>
      per(stepsOf(definition), ({ where, step }) =>
        [...plain(step.operation.inputFields), ...plain(step.operation.outputFields)]
          .filter((field) => !field.label)
          .map((field) => `${where} field ${field.key} has no label`),
      ),
  },
];
