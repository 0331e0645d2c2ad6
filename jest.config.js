/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  setupFiles: ['<rootDir>/test/support/setup.ts'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  collectCoverageFrom: [
    'index.ts',
    'authentication.ts',
    'lib/**/*.ts',
    'triggers/**/*.ts',
    'creates/**/*.ts',
    'searches/**/*.ts',
  ],
  coverageThreshold: { global: { lines: 95, branches: 95 } },
  // A guard against a hang, never a measure: a busy machine is slow, not wrong.
  testTimeout: 60_000,
};
