/**
 * End-to-end specs: the real AppModule (or parts of it) against the real Firestore emulator and the
 * KuCoin-compatible simulator over real sockets. One emulator is started for the whole run.
 */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testEnvironment: '<rootDir>/test/support/closing-environment.ts',
  testRegex: '.*\\.e2e-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 1,
  // The last guard against a run that never ends: whatever a failed spec left open (a socket, a timer)
  // cannot keep Jest's process alive once every spec has run. The environment above closes and names
  // what the harness started; this covers the rest.
  forceExit: true,
};
