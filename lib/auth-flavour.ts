/**
 * Which authentication scheme this build offers. Zapier allows one per
 * integration, so the build decides (`CODETETHER_AUTH=oauth2 npm run build`):
 * dev/scripts/compile.mjs defines CODETETHER_BUILD_AUTH through esbuild, so
 * the definition that is pushed and the one that runs can never differ.
 * Uncompiled, as in the tests, the app offers API keys.
 */
export type AuthFlavour = 'api_key' | 'oauth2';

declare const CODETETHER_BUILD_AUTH: AuthFlavour | undefined;

export const AUTH_FLAVOUR: AuthFlavour =
  typeof CODETETHER_BUILD_AUTH === 'undefined' ? 'api_key' : CODETETHER_BUILD_AUTH;
