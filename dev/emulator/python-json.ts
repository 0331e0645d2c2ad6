/**
 * Why Python's `json.loads` refuses a text, in its own words and at its own
 * position: FastAPI passes both on in its `json_invalid` 422
 * (`ctx.error`, and `loc: ["body", position]`). JavaScript's JSON.parse says
 * something else at another position, so the emulator reads the text again
 * the way CPython 3.11's C scanner does (production runs python:3.11).
 * Positions count characters (code points), as Python's do, not UTF-16 units.
 */

interface PythonJsonError {
  /** `JSONDecodeError.msg`, such as "Expecting value" or "Expecting ',' delimiter". */
  message: string;
  /** `JSONDecodeError.pos`: the character where the decoder gave up. */
  position: number;
}

class DecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(reason);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]$/;
const DIGIT = /^[0-9]$/;
/** Python's json also reads these, which JavaScript's does not. */
const CONSTANTS = ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity'];

const decode = (chars: readonly string[]): void => {
  const end = chars.length;
  let at = 0;
  const skipWhitespace = () => {
    while (at < end && WHITESPACE.has(chars[at] as string)) at++;
  };
  const startsWith = (word: string) => chars.slice(at, at + word.length).join('') === word;

  const string = () => {
    const begin = at;
    at++;
    for (;;) {
      if (at >= end) throw new DecodeError('Unterminated string starting at', begin);
      const c = chars[at] as string;
      if (c === '"') {
        at++;
        return;
      }
      if (c === '\\') {
        at++;
        if (at >= end) throw new DecodeError('Unterminated string starting at', begin);
        const escaped = chars[at] as string;
        if (escaped === 'u') {
          const digitsEnd = at + 5;
          if (digitsEnd >= end) throw new DecodeError('Invalid \\uXXXX escape', at);
          for (let digit = at + 1; digit < digitsEnd; digit++) {
            if (!HEX.test(chars[digit] as string)) throw new DecodeError('Invalid \\uXXXX escape', at);
          }
          at = digitsEnd;
        } else {
          if (!SIMPLE_ESCAPES.has(escaped)) throw new DecodeError('Invalid \\escape', at - 1);
          at++;
        }
        continue;
      }
      if ((c.codePointAt(0) as number) <= 0x1f) throw new DecodeError('Invalid control character at', at);
      at++;
    }
  };

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`; false when nothing there is a number. */
  const number = (): boolean => {
    let next = at;
    if (chars[next] === '-') next++;
    if (chars[next] === '0') next++;
    else if (/^[1-9]$/.test(chars[next] ?? '')) while (DIGIT.test(chars[next] ?? '')) next++;
    else return false;
    if (chars[next] === '.' && DIGIT.test(chars[next + 1] ?? '')) {
      next++;
      while (DIGIT.test(chars[next] ?? '')) next++;
    }
    if (chars[next] === 'e' || chars[next] === 'E') {
      let exponent = next + 1;
      if (chars[exponent] === '+' || chars[exponent] === '-') exponent++;
      if (DIGIT.test(chars[exponent] ?? '')) {
        while (DIGIT.test(chars[exponent] ?? '')) exponent++;
        next = exponent;
      }
    }
    at = next;
    return true;
  };

  const object = () => {
    at++;
    skipWhitespace();
    if (chars[at] === '}') {
      at++;
      return;
    }
    for (;;) {
      if (chars[at] !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', at);
      string();
      skipWhitespace();
      if (chars[at] !== ':') throw new DecodeError("Expecting ':' delimiter", at);
      at++;
      skipWhitespace();
      value();
      skipWhitespace();
      if (chars[at] === '}') {
        at++;
        return;
      }
      if (chars[at] !== ',') throw new DecodeError("Expecting ',' delimiter", at);
      at++;
      skipWhitespace();
    }
  };

  const array = () => {
    at++;
    skipWhitespace();
    if (chars[at] === ']') {
      at++;
      return;
    }
    for (;;) {
      value();
      skipWhitespace();
      if (chars[at] === ']') {
        at++;
        return;
      }
      if (chars[at] !== ',') throw new DecodeError("Expecting ',' delimiter", at);
      at++;
      skipWhitespace();
    }
  };

  function value(): void {
    const c = chars[at];
    const constant = CONSTANTS.find(startsWith);
    if (c === '"') string();
    else if (c === '{') object();
    else if (c === '[') array();
    else if (constant) at += constant.length;
    else if (!number()) throw new DecodeError('Expecting value', at);
  }

  skipWhitespace();
  value();
  skipWhitespace();
  if (at !== end) throw new DecodeError('Extra data', at);
};

/**
 * What Python's json.loads says about `text`, or undefined when Python would
 * read it (NaN, Infinity: JavaScript cannot, Python can).
 */
export const pythonJsonError = (text: string): PythonJsonError | undefined => {
  try {
    decode(Array.from(text));
    return undefined;
  } catch (error) {
    if (error instanceof DecodeError) return { message: error.reason, position: error.position };
    throw error;
  }
};
