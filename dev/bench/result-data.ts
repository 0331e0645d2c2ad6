/**
 * The part of `npm run bench` that times reading Result Data on hostile
 * answers: each adversarial answer at 10 KB, 100 KB and 1 MB, read with one
 * field asked, the fastest of a few runs after a warm-up. Timing lives here,
 * not in the tests, which count the work instead.
 */
import { resultDataOf } from '../../lib/steps/result-data';
import type { Row } from './steps';

const SIZES = [10_000, 100_000, 1_000_000];
const RUNS = 3;

/** `unit` repeated to `size` characters, with `head` before and `tail` after. */
const filled = (size: number, unit: string, head = '', tail = '') =>
  `${head}${unit.repeat(Math.ceil((size - head.length - tail.length) / unit.length))}${tail}`;

/** `open` and `close` nested around `core`, about `size` characters in all. */
const nested = (size: number, open: string, core: string, close: string) => {
  const levels = Math.floor((size - core.length) / (open.length + close.length));
  return `${open.repeat(levels)}${core}${close.repeat(levels)}`;
};

const ANSWERS: Record<string, (size: number) => string> = {
  'nested `{"a":` never closed': (size) => filled(size, '{"a": '),
  'nested `{"a":` closed around a broken core': (size) => nested(size, '{"a": ', 'x', '}'),
  '`{` repeated': (size) => filled(size, '{'),
  '`{` repeated, then as many `}`': (size) => nested(size, '{', '', '}'),
  '`[` repeated': (size) => filled(size, '['),
  'many small objects': (size) => filled(size, '{"a": 1} '),
  'huge ```json block': (size) => filled(size, '"key": "value", ', 'Done.\n```json\n{', '"end": 1}\n```'),
};

const fastest = (answer: string): number => {
  resultDataOf(answer, [{ name: 'a' }]);
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    resultDataOf(answer, [{ name: 'a' }]);
    best = Math.min(best, performance.now() - started);
  }
  return best;
};

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;

/** Any answer of 1 MB is read within this; a single JSON.parse of it takes a few ms. */
const GOAL_MS = 50;

/** One row per kind of hostile answer: its reading time at each size, held to the goal at 1 MB. */
export const measureResultData = (): Row[] =>
  Object.entries(ANSWERS).map(([what, answerOf]) => {
    const times = SIZES.map((size) => fastest(answerOf(size)));
    return {
      what: `Result Data read from a hostile answer, ${what}, at ${SIZES.map((size) => `${size / 1000} KB`).join(' / ')}`,
      value: times.map(ms).join(' / '),
      goal: `≤ ${GOAL_MS} ms at 1 MB`,
      met: (times.at(-1) ?? Number.POSITIVE_INFINITY) <= GOAL_MS,
    };
  });
