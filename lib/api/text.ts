/**
 * Text that goes into a message a user reads: a value quoted as a short,
 * printable excerpt, and a server's words only when they are a short human
 * sentence (never markup, a traceback, a file path or several lines).
 */

/** White space, controls, format characters (zero-width, bidi marks) and lone surrogates: shown as one space. */
const UNPRINTABLE = /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+/gu;

/** How much of a user's value a message quotes. */
const EXCERPT_LENGTH = 40;

/** A value as a message quotes it: one line, printable, at most `max` characters (whole code points). */
export const excerpt = (value: string, max = EXCERPT_LENGTH): string => {
  const characters = Array.from(value.replace(UNPRINTABLE, ' ').trim());
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : characters.join('');
};

/** The longest reason from a server that a message repeats. */
const MAX_REASON_LENGTH = 200;

/** What no human sentence looks like: markup or code, a traceback or stack frame, a file path. */
const NOT_PROSE = [
  /[<>{}]|\bundefined\b|\bNaN\b|\[object /,
  /\btraceback\b|^[\w.]*(Error|Exception)\b|\bat \S+ \(?\S+:\d+:\d+\)?/i,
  /(^|[\s"'(=])(\/[\w.@-]+){2,}|\b[a-z]:\\|\.(py|pyc|js|ts|rb|go|java|php|cs)\b|\bline \d+\b/i,
];

/**
 * A server's reason, when it is a human sentence on one line (clipped to a
 * short one); undefined otherwise, so that the message says what happened
 * in its own words.
 */
export const humanReason = (text: string): string | undefined => {
  const trimmed = text.trim();
  // A sentence has words: at least one of two letters.
  if (!/\p{L}{2}/u.test(trimmed) || /[\r\n]/.test(trimmed)) return undefined;
  if (NOT_PROSE.some((pattern) => pattern.test(trimmed))) return undefined;
  return excerpt(trimmed, MAX_REASON_LENGTH);
};

/** Ends a message with a full stop unless it already ends a sentence. */
export const sentence = (text: string): string => {
  const trimmed = text.trim();
  return /[.!?\u2026]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** JSON text parsed, or undefined when it is not JSON. */
export const parseJson = (content: string): unknown => {
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
};
