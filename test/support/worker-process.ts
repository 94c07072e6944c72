import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../tools/firestore-emulator';
import { type Simulators } from './worker-harness';
import { waitFor } from './wait-for';
import { emulatorHost } from './firestore';

const MAIN = join(__dirname, '../../dist/main.js');

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Every JSON log line so far. */
  lines(): Array<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

/** Every process started here, so a failed test never leaves one running. */
const started: ChildProcess[] = [];

export function killLeftovers(): void {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The built worker (`dist/main.js`) as a real process, resolved once /health/ready answers 200. */
export async function spawnWorker(options: {
  readonly projectId: string;
  readonly instanceId: string;
  readonly sims: Simulators;
  readonly env?: Record<string, string>;
}): Promise<WorkerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      METADATA_SERVER_DETECTION: 'none',
      FIREBASE_PROJECT_ID: options.projectId,
      FIRESTORE_EMULATOR_HOST: emulatorHost(),
      KUCOIN_SPOT_API_URL: options.sims.spot.apiUrl,
      KUCOIN_FUTURES_API_URL: options.sims.futures.apiUrl,
      PORT: String(port),
      INSTANCE_ID: options.instanceId,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = (): Array<Record<string, unknown>> =>
    buffer
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  await waitFor(
    `${options.instanceId} to be ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited early:\n${buffer}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
      } catch {
        return false;
      }
    },
    30_000,
  );
  return { child, port, lines, exited };
}
