/**
 * The connection's credential, checked before any request. A bearer token
 * travels in an HTTP header, which carries only visible ASCII: a key pasted
 * with a zero-width space, an ellipsis or a Cyrillic look-alike would make
 * the HTTP client throw an error that quotes the whole header. Messages name
 * the field and never quote any part of its value.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { API_KEYS_HELP } from './errors';

/** What an HTTP header value and an OAuth token (RFC 6749 A.12) can hold, minus spaces. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** Far more than any key or token (a JWT is a few hundred characters); servers refuse longer headers. */
const MAX_TOKEN_LENGTH = 4096;

/** A credential as it can be sent, or undefined when it is missing or cannot be sent. */
export const usableToken = (value: unknown): string | undefined => {
  const token = typeof value === 'string' ? value.trim() : undefined;
  return token && token.length <= MAX_TOKEN_LENGTH && VISIBLE_ASCII.test(token) ? token : undefined;
};

const isAbsent = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The bearer token of the connection: its OAuth access token, else its API key, if usable. */
export const bearerTokenOf = (authData: Bundle['authData'] | undefined): string | undefined =>
  isAbsent(authData?.access_token) ? usableToken(authData?.api_key) : usableToken(authData?.access_token);

/**
 * The bearer token, or a sentence that names what is wrong with the
 * connection. A damaged OAuth sign-in asks the user to reconnect
 * (ExpiredAuthError); a wrong API key says how to paste it again.
 */
export const checkedBearerToken = (z: ZObject, authData: Bundle['authData'] | undefined): string => {
  const token = bearerTokenOf(authData);
  if (token) return token;
  if (!isAbsent(authData?.access_token)) {
    throw new z.errors.ExpiredAuthError(
      'The sign-in of your CodeTether connection is damaged (its access token cannot be sent). Reconnect your CodeTether account.',
    );
  }
  const apiKey = authData?.api_key;
  if (isAbsent(apiKey)) {
    throw new z.errors.Error(
      `Your CodeTether connection has no API key (or sign-in). Reconnect it with your CodeTether API key, which starts with \`ct_\`. ${API_KEYS_HELP}`,
      'missing_api_key',
      400,
    );
  }
  const problem =
    typeof apiKey !== 'string'
      ? 'is not text'
      : apiKey.trim().length > MAX_TOKEN_LENGTH
        ? 'is far longer than any API key, so it holds more than the key'
        : 'contains a character no API key has (a space, a line break, an invisible character or a look-alike letter such as a Cyrillic “а”)';
  throw new z.errors.Error(
    `The API Key of your connection ${problem}. Copy the key again from CodeTether under Settings → API Keys and reconnect.`,
    'invalid_api_key',
    400,
  );
};
