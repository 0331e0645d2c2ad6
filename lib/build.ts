/**
 * What a build of the integration is for, fixed when it is built: Zapier
 * allows one authentication scheme per integration, and an OAuth client
 * belongs to one CodeTether instance, whose sign-in and API address are
 * configuration, never something a user types. dev/scripts/compile.mjs
 * defines CODETETHER_BUILD through esbuild (`CODETETHER_AUTH=oauth2
 * CODETETHER_OAUTH_SERVER=https://… npm run build:oauth2`), so the definition
 * that is pushed and the one that runs can never differ. Uncompiled, as in
 * the tests, the app offers API keys.
 */
export type Build = { auth: 'api_key' } | { auth: 'oauth2'; server: string };

declare const CODETETHER_BUILD: Build | undefined;

export const BUILD: Build = typeof CODETETHER_BUILD === 'undefined' ? { auth: 'api_key' } : CODETETHER_BUILD;
