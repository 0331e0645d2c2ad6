/**
 * What an attacker or an unlucky user gives the app, and what a broken or
 * hostile server answers: the generators of the property suite, and what
 * every run must hold whatever they produce.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { contractAnswer } from '../support/steps';
import type { Answer, SeenRequest } from '../support/zapier';

/** One seed for the whole suite, so that a failure is the same on every machine. */
export const SEED = 20_261_201;

/**
 * How many cases a property tries: `base` in `npm test`, and as many times
 * more as the deeper run asks for (`npm run test:deep`, jest.deep.config.js).
 * Set by the jest config the run is started with, never by the environment.
 */
export const numRuns = (base: number): number =>
  base * ((globalThis as { PROPERTY_DEPTH?: number }).PROPERTY_DEPTH ?? 1);

/** Characters that break headers, URLs, templates or the platform's scrubber. */
const TRAPS = [
  '\u200b',
  '\u2026',
  '\u0430',
  '\u00a0',
  '\ud800',
  '\udfff',
  '\r\n',
  '\u0000',
  '{{bundle.meta.id}}',
  '{{process.env.CLIENT_SECRET}}',
  '..',
  '%2e%2E',
  '/',
  '?',
  '#',
  'javascript:alert(1)',
  '<script>',
  ' ',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** Text of any kind: printable, any code point, lone surrogates, traps, and very long. */
export const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.oneof(fc.constantFrom(...TRAPS), loneSurrogate, fc.string({ maxLength: 3 })), maxLength: 6 }),
  fc.integer({ min: 201, max: 100_000 }).map((length) => 'x'.repeat(length)),
);

/** Anything a mapped field can hold in a bundle: text, numbers, lists, objects (one whose String() throws too). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constant({ valueOf: 1, toString: 2 }),
);

/** A field left as the step's valid bundle has it, left out, or given something hostile. */
export const maybeHostile = <T>(valid: T) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(valid) }, fc.constant(undefined), {
    weight: 3,
    arbitrary: hostileValue,
  });

// ---------------------------------------------------------------- servers

/**
 * Bodies a server may answer: JSON of any shape, markup, a traceback,
 * nothing, and `echo`, the secrets of the connection it knows.
 */
const hostileBody = (echo: string): fc.Arbitrary<string | object> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.record({ detail: fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 })) }),
    fc.record({ error: hostileText, error_description: hostileText }),
    fc.constantFrom(
      '',
      '<h1>Service Unavailable</h1><p>Try later</p>',
      '<!DOCTYPE html><html><head><title>Gateway</title></head><body>down</body></html>',
      'Traceback (most recent call last):\n  File "/app/api/tasks.py", line 212, in create_task\nKeyError: x',
      JSON.stringify({ detail: `bad key ${echo}` }),
      `Internal error for ${echo}`,
      '{"detail": [{"loc": ["body", "title"], "msg": "field required"}]}',
    ),
    hostileText,
  );

const hostileHeaders = fc.record(
  {
    'Content-Type': fc.constantFrom('application/json', 'text/plain', 'text/html', 'application/octet-stream'),
    'Retry-After': fc.oneof(
      fc.constantFrom('99999999999', '-1', '', '0', '1e3', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT'),
      fc.nat().map(String),
      fc.integer({ min: -7200, max: 7200 }).map((seconds) => new Date(Date.now() + seconds * 1000).toUTCString()),
      // Printable, and short enough for Node's HTTP parser (16 KB of headers), which refuses longer ones outright.
      hostileText.filter((text) => /^[\x20-\x7e]*$/.test(text) && text.length < 4000),
    ),
    'X-RateLimit-Limit': fc.oneof(fc.nat().map(String), fc.constantFrom('abc', '-5', '1e99')),
    Location: fc.constantFrom('https://evil.example.net/steal', '/v1/automation/me'),
  },
  { requiredKeys: ['Content-Type'] },
);

/** Values where the contract has a timestamp: production's forms, and what no date is. */
const anyTimestamp = fc.oneof(
  fc.constantFrom(
    '2026-12-01T10:00:00',
    '2026-12-01T10:00:00.123456',
    '2026-12-01T10:00:00+00:00',
    '2026-02-30T10:00:00',
    'not-a-date',
    '',
  ),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString().replace('Z', '')),
  hostileText,
);

/** A contract answer with its timestamps and status replaced, and a list that ignores `limit`. */
const distorted = (answer: Answer, timestamps: string[], copies: number, statusText: string): Answer => {
  const body = answer.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return answer;
  const distort = (task: Record<string, unknown>, index: number) => ({
    ...task,
    task_id: `${task.task_id}-${index}`,
    status: index === 0 ? statusText : task.status,
    created_at: timestamps[0] ?? task.created_at,
    started_at: timestamps[1] ?? task.started_at,
    completed_at: timestamps[2] ?? task.completed_at,
  });
  if (Array.isArray(body.tasks)) {
    const [first] = body.tasks as Record<string, unknown>[];
    return { ...answer, body: { ...body, tasks: Array.from({ length: copies }, (_, n) => distort(first ?? {}, n)) } };
  }
  return 'task_id' in body ? { ...answer, body: distort(body, 1) } : answer;
};

export type Server =
  | { kind: 'answers'; status: number; body: string | object; headers: Record<string, string> }
  | { kind: 'contract, distorted'; timestamps: string[]; copies: number; status: string }
  | { kind: 'silent' }
  | { kind: 'stalled body' };

/**
 * A server that answers everything the same, one that bends the contract,
 * one that never answers; `echo` is what it knows of the connection's secrets.
 */
export const hostileServer = (echo: string): fc.Arbitrary<Server> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('answers' as const),
        status: fc.oneof(
          fc.constantFrom(200, 201, 204, 302, 400, 401, 404, 409, 410, 422, 429, 500, 502),
          fc.integer({ min: 200, max: 599 }),
        ),
        body: hostileBody(echo),
        headers: hostileHeaders,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('contract, distorted' as const),
        timestamps: fc.array(anyTimestamp, { maxLength: 3 }),
        copies: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 400 })),
        status: fc.constantFrom('completed', 'failed', 'queued', 'needs_input', 'cancelled', 'running', 'COMPLETED'),
      }),
    },
    fc.constant({ kind: 'silent' as const }),
    fc.constant({ kind: 'stalled body' as const }),
  );

/** A server that stops answering: it never answers, or never ends its answer. */
export const isStalled = (server: Server): boolean => server.kind === 'silent' || server.kind === 'stalled body';

/** The answer of a server to one request; a silent one never comes. */
export const answerOf = (server: Server, request: SeenRequest): Answer | Promise<Answer> => {
  switch (server.kind) {
    case 'answers':
      return { status: server.status, body: server.body, headers: server.headers };
    case 'contract, distorted':
      return distorted(contractAnswer(request), server.timestamps, server.copies, server.status);
    case 'silent':
      return new Promise(() => undefined);
    case 'stalled body': {
      const body = new Readable({ read: () => undefined });
      body.push('{"tasks": [');
      return { status: 200, body, headers: { 'Content-Type': 'application/json' } };
    }
  }
};
