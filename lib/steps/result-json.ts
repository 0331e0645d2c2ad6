/**
 * The JSON object an agent's answer ends with, found in one pass whatever
 * the answer holds: a megabyte of braces, of unclosed or broken objects,
 * costs one scan and at most one JSON.parse, of an object of bounded depth
 * and length.
 */

/** Deeper objects are refused: Zapier's output check recurses into them, and fails on a few thousand levels. */
export const MAX_DEPTH = 32;
/** Longer objects are refused: no asked field needs that much, and a step's output must stay small. */
export const MAX_LENGTH = 100_000;

export type FoundObject = { object: Record<string, unknown> } | { problem: string };

const NO_OBJECT = 'The result holds no JSON object.';
const BROKEN_BLOCK = 'The ```json block at the end of the result is not a valid JSON object.';
const TOO_DEEP = `The agent's JSON object nests more than ${MAX_DEPTH} levels deep, too deep to read.`;
// Written out: toLocaleString would load Intl's locale data on every cold start (about 9 ms).
const TOO_LONG = "The agent's JSON object has more than 100,000 characters, too many to read.";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** JSON's white space: nothing else may stand between its tokens. */
const isJsonSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/** What may follow a backslash in a JSON string. */
const ESCAPE = /["\\/bfnrt]|u[0-9a-fA-F]{4}/y;
/** A number, true, false or null. */
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/**
 * Where the JSON string that opens at `at` stops: at its closing quote, or
 * where it breaks (a raw control character such as a line break, a bad
 * escape, the end of the text).
 */
const stringStop = (text: string, at: number): number => {
  let i = at + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE || code < 0x20) return i;
    if (code !== BACKSLASH) i++;
    else {
      ESCAPE.lastIndex = i + 1;
      if (!ESCAPE.test(text)) return i;
      i = ESCAPE.lastIndex;
    }
  }
  return i;
};

type Span = { start: number; end: number; depth: number };
type Expect = 'keyOrClose' | 'key' | 'colon' | 'valueOrClose' | 'value' | 'commaOrClose';
/** Where the open object or array may close. */
const CLOSABLE = new Set<Expect>(['keyOrClose', 'valueOrClose', 'commaOrClose']);

/**
 * The `{…}` of the text that is a JSON object and ends last, with how many
 * levels it nests. Outside objects, only `{` counts. Inside, the text is
 * read as JSON; where it breaks, what is open is dropped and the search for
 * a `{` goes on from there, so that a brace in prose, a cut-off object or a
 * stray quote cannot hide a later object. The position never moves back:
 * each character is read at most twice.
 */
export const lastObjectSpan = (text: string): Span | undefined => {
  let last: Span | undefined;
  // The open objects and arrays, innermost last: where each began, and how many levels it holds so far.
  // Entries above `open` are stale: dropping them all is one assignment, whatever their number.
  const starts: number[] = [];
  const depths: number[] = [];
  let open = 0;
  // Set through the helpers below, which TypeScript does not follow.
  let expect = 'keyOrClose' as Expect;
  let i = 0;
  const expectNext = (then: Expect, at: number) => {
    expect = then;
    i = at;
  };
  const enter = (then: Expect) => {
    starts[open] = i;
    depths[open] = 1;
    open++;
    expectNext(then, i + 1);
  };
  const leave = () => {
    open--;
    const start = starts[open];
    const depth = depths[open];
    if (text.charCodeAt(start) === OPEN_OBJECT) last = { start, end: i + 1, depth };
    if (open > 0) depths[open - 1] = Math.max(depths[open - 1], depth + 1);
    expectNext('commaOrClose', i + 1);
  };
  const breakAt = (at: number) => {
    open = 0;
    i = at;
  };
  const readString = (then: Expect) => {
    const stop = stringStop(text, i);
    if (text.charCodeAt(stop) === QUOTE) expectNext(then, stop + 1);
    else breakAt(stop);
  };
  const inObject = () => text.charCodeAt(starts[open - 1]) === OPEN_OBJECT;

  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (open === 0) {
      if (code === OPEN_OBJECT) enter('keyOrClose');
      else i++;
    } else if (isJsonSpace(code)) i++;
    else if (CLOSABLE.has(expect) && code === (inObject() ? CLOSE_OBJECT : CLOSE_ARRAY)) leave();
    else if (expect === 'colon') {
      if (code === COLON) expectNext('value', i + 1);
      else breakAt(i);
    } else if (expect === 'commaOrClose') {
      if (code === COMMA) expectNext(inObject() ? 'key' : 'value', i + 1);
      else breakAt(i);
    } else if (expect === 'key' || expect === 'keyOrClose') {
      if (code === QUOTE) readString('colon');
      else breakAt(i);
    } else if (code === OPEN_OBJECT) enter('keyOrClose');
    else if (code === OPEN_ARRAY) enter('valueOrClose');
    else if (code === QUOTE) readString('commaOrClose');
    else {
      SCALAR.lastIndex = i;
      if (SCALAR.test(text)) expectNext('commaOrClose', SCALAR.lastIndex);
      else breakAt(i);
    }
  }
  return last;
};

const FENCED_JSON = /```json[^\S\n]*\n([\s\S]*?)```/gi;

/** What the last ```json block of the text holds, if it has one. */
const lastJsonBlock = (text: string): string | undefined => {
  let block: string | undefined;
  for (const match of text.matchAll(FENCED_JSON)) block = match[1];
  return block;
};

/** The object at `span`, parsed once; it is JSON already, and only its bounds can refuse it. */
const objectAt = (text: string, span: Span): FoundObject => {
  if (span.depth > MAX_DEPTH) return { problem: TOO_DEEP };
  if (span.end - span.start > MAX_LENGTH) return { problem: TOO_LONG };
  return { object: JSON.parse(text.slice(span.start, span.end)) };
};

/**
 * The object an answer ends with: the last ```json block when it holds one
 * object and nothing else, otherwise the last `{…}` of the answer that is a
 * JSON object (an outer one rather than one inside it); else why there is none.
 */
export const lastJsonObject = (text: string): FoundObject => {
  const block = lastJsonBlock(text);
  const blockSpan = block === undefined ? undefined : lastObjectSpan(block);
  if (block !== undefined && blockSpan && !block.slice(0, blockSpan.start).trim() && !block.slice(blockSpan.end).trim())
    return objectAt(block, blockSpan);
  const span = lastObjectSpan(text);
  if (span) return objectAt(text, span);
  return { problem: block === undefined ? NO_OBJECT : BROKEN_BLOCK };
};
