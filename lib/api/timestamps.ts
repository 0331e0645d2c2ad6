/**
 * Timestamps as Zapier wants them: ISO-8601 with an offset. Production
 * writes Python's `isoformat()`, sometimes naive (`datetime.utcnow()`), which
 * the contract says is UTC; a value that is no date is not passed on as one.
 */

/** What `isoformat()` writes, with or without seconds, fraction and offset; `T` or a space between date and time. */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))?$/;

/** Days in a month (1–12); setUTCFullYear, unlike Date.UTC, takes years below 100 as they are. */
const daysIn = (year: number, month: number): number => {
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0);
  return lastDay.getUTCDate();
};

/**
 * The timestamp with an offset: naive ones get `Z` (UTC), the server's own
 * offset and fraction (microseconds) are kept as written. Null for anything
 * that is not a real date and time, such as "not-a-date" or February 30th.
 */
export const withOffset = (value: unknown): string | null => {
  const match = typeof value === 'string' ? ISO_DATETIME.exec(value.trim()) : null;
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '00', fraction = '', sign, offsetHours, offsetMinutes] = match;
  const valid =
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysIn(Number(year), Number(month)) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    (sign === undefined || (Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59));
  if (!valid) return null;
  const offset = sign ? `${sign}${offsetHours}:${offsetMinutes}` : 'Z';
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${offset}`;
};

/** Milliseconds since 1970 of a timestamp, for sorting; 0 for one that is no date. */
export const timestampMs = (value: unknown): number => {
  const iso = withOffset(value);
  return iso ? Date.parse(iso) : 0;
};
