/**
 * `npm run test:deep`: the property suites with four times the cases, from
 * the same seed (test/properties/arbitraries.ts `numRuns`). CI runs it after
 * `npm test`; it is no part of `npm test`, which must stay quick.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/properties/**/*.test.ts', '**/test/authentication.test.ts'],
  globals: { PROPERTY_DEPTH: 4 },
  coverageThreshold: undefined,
};
