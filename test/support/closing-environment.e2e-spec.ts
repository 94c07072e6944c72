import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** Runs Jest on the one fixture file with the e2e environment; resolves with its exit code and output. */
function runFixture(): Promise<{ code: number | null; output: string }> {
  const config = {
    rootDir: ROOT,
    roots: ['<rootDir>/test/support/fixtures'],
    testRegex: 'leaves-simulators-running\\.fixture\\.ts$',
    testEnvironment: '<rootDir>/test/support/closing-environment.ts',
    transform: { '^.+\\.ts$': ['@swc/jest'] },
  };
  const child = spawn(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--colors=false'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A Jest that never exits is what the environment prevents: end it before this test's own timeout.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ code, output });
    }),
  );
}

describe('the e2e environment when a spec file leaves something running', () => {
  it('closes it, fails the file naming it, and Jest exits', async () => {
    // The fixture's simulators listen until closed: without the environment this Jest would never exit
    // and the test would time out.
    const { code, output } = await runFixture();

    expect(output).toContain('left open by this spec file, closed when it ended: simulators#1');
    expect(output).toMatch(/Tests:\s+1 passed/);
    expect(code).toBe(1);
  });
});
