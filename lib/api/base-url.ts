import { DEFAULT_BASE_URL } from './contract';
import { excerpt } from './text';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
const isLoopback = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);

/** Thrown for a base URL that cannot be used; the message is for the user. */
export class BaseUrlError extends Error {
  constructor(value: string, problem: string) {
    super(
      `The CodeTether Base URL “${excerpt(value)}” ${problem}. Enter only the address of your instance, such as ${DEFAULT_BASE_URL}, or leave the field empty.`,
    );
    this.name = 'BaseUrlError';
  }
}

/**
 * Checks a user's Base URL and returns its origin (scheme, host, port).
 * https only, except http for loopback hosts so the local emulator works;
 * no path, query, fragment or credentials; a trailing slash is ignored.
 */
export const parseBaseUrl = (raw: unknown): string => {
  if (raw === undefined || raw === null) return DEFAULT_BASE_URL;
  // Not text: a mapped number or list, which would otherwise silently mean the default instance.
  if (typeof raw !== 'string') throw new BaseUrlError(String(JSON.stringify(raw)), 'is not a web address');
  const value = raw.trim();
  if (value === '') return DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BaseUrlError(value, 'is not a web address');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new BaseUrlError(value, 'must start with https:// (plain http is allowed only for localhost)');
  }
  if (url.username || url.password) throw new BaseUrlError(value, 'must not contain a user name or password');
  if (url.pathname !== '/') throw new BaseUrlError(value, `must not contain a path (“${excerpt(url.pathname)}”)`);
  if (url.search || value.includes('?')) throw new BaseUrlError(value, 'must not contain a query string');
  if (url.hash || value.includes('#')) throw new BaseUrlError(value, 'must not contain a fragment');
  return url.origin;
};

/** The host shown in connection labels, or undefined for the default instance. */
export const nonDefaultHost = (origin: string): string | undefined =>
  origin === DEFAULT_BASE_URL ? undefined : new URL(origin).host;
