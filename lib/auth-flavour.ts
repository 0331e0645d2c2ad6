/**
 * Which authentication scheme this build offers. Zapier allows one per
 * integration; the build bakes the choice into this module
 * (`CODETETHER_AUTH=oauth2 npm run build`), so the definition that is pushed
 * and the one that runs can never differ.
 */
export type AuthFlavour = 'api_key' | 'oauth2';
export const AUTH_FLAVOUR: AuthFlavour = 'api_key';
