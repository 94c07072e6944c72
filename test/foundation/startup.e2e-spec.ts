import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../tools/firestore-emulator';
import { emulatorHost, uniqueProjectId } from '../support/firestore';

const MAIN = join(__dirname, '../../dist/main.js');

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startWorker(env: Record<string, string | undefined>): Run {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run "npm run build" first (npm run test:e2e does)`);
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(FIREBASE_|FIRESTORE_|GOOGLE_APPLICATION|PORT$)/.test(key),
    ),
  );
  const child = spawn(process.execPath, [MAIN], {
    env: { ...cleanEnv, METADATA_SERVER_DETECTION: 'none', COLLECTOR_CRON: '*/30 * * * * *', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function answersHttp(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('fails fast with one clear line when no Firestore is configured', async () => {
    const run = startWorker({});
    const code = await run.exited;
    expect(code).toBe(1);
    const lines = run.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'fatal',
      msg: expect.stringMatching(/FIREBASE_PROJECT_ID is required/),
    });
  });

  it('starts against the emulator, stays up, logs JSON, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const run = startWorker({
      FIREBASE_PROJECT_ID: uniqueProjectId(),
      FIRESTORE_EMULATOR_HOST: emulatorHost(),
      PORT: String(port),
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!(await answersHttp(port))) {
        if (Date.now() > deadline || run.child.exitCode !== null)
          throw new Error(`worker did not start:\n${run.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(run.child.exitCode).toBeNull();
      const firstLine = run.output().split('\n')[0];
      expect(JSON.parse(firstLine)).toMatchObject({ level: expect.any(String), service: 'realtime-worker' });
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});
