/**
 * Reliability specs (`npm run test:reliability`): whole-worker scenarios under injected faults, each
 * checked against an exact oracle. One emulator for the run (the e2e global setup), one spec at a time,
 * and a summary table printed by the global teardown.
 */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test/reliability'],
  testEnvironment: '<rootDir>/test/support/closing-environment.ts',
  testRegex: '.*\\.reliability-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/reliability/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/support/global-teardown.ts',
  testTimeout: 240000,
  maxWorkers: 1,
  // The last guard against a run that never ends: whatever a failed spec left open (a socket, a timer)
  // cannot keep Jest's process alive once every spec has run. The environment above closes and names
  // what the harness started; this covers the rest.
  forceExit: true,
};
