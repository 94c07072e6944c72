/**
 * Unit specs: pure logic and Nest wiring beside the code, plus static checks of the deployment files.
 * No Firestore, no network.
 */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/src', '<rootDir>/tools', '<rootDir>/test/deploy'],
  testEnvironment: 'node',
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
