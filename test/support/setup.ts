/**
 * Run before every test file. The platform's runtime exits the whole process
 * once it has run 250 steps while the process holds more than 450 MB
 * (zapier-platform-core's src/tools/memory-checker.js, a guard for Zapier's
 * own workers). In a test runner that would depend on how much memory the
 * machine lets the runner keep, so here it checks nothing.
 */
jest.mock('zapier-platform-core/src/tools/memory-checker', () => () => undefined);
