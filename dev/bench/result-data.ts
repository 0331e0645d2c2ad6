/**
 * How long reading Result Data takes on hostile answers: each adversarial
 * answer at 10 KB, 100 KB and 1 MB, read with one field asked, the fastest
 * of a few runs after a warm-up. Prints a Markdown table on stdout. Timing
 * lives here, not in the tests, which count the work instead.
 *
 * Usage: npx tsc -p dev/tsconfig.run.json && node .tmp/run/dev/bench/result-data.js
 */
import { resultDataOf } from '../../lib/steps/result-data';

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

console.log(`| answer | ${SIZES.map((size) => `${size / 1000} KB`).join(' | ')} |`);
console.log(`|---|${SIZES.map(() => '---:').join('|')}|`);
for (const [what, answerOf] of Object.entries(ANSWERS)) {
  console.log(`| ${what} | ${SIZES.map((size) => ms(fastest(answerOf(size)))).join(' | ')} |`);
}
