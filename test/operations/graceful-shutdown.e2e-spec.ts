import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/devtools/firestore-emulator';
import { makePosition } from '../support/documents';
import { TestFirestore, emulatorHost, openTestFirestore } from '../support/firestore';
import { Simulators, readAll, seed, startSimulators, waitFor } from '../execution/worker-harness';

const MAIN = join(__dirname, '../../dist/main.js');
const POSITIONS = 2_000;
const GRACE_MS = 15_000;
const CLOSING_FIELDS = [
  'closeReason',
  'closeTriggerPrice',
  'closePrice',
  'closeTickTime',
  'closeRequestedAt',
  'closedBy',
];

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: () => Array<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

/** Every worker this spec started, so a failed test never leaves one running. */
const started: ChildProcess[] = [];

async function spawnWorker(
  store: TestFirestore,
  sims: Simulators,
  instanceId: string,
): Promise<WorkerProcess> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run "npm run build" first (npm run test:e2e does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      METADATA_SERVER_DETECTION: 'none',
      FIREBASE_PROJECT_ID: store.projectId,
      FIRESTORE_EMULATOR_HOST: emulatorHost(),
      KUCOIN_SPOT_API_URL: sims.spot.apiUrl,
      KUCOIN_FUTURES_API_URL: sims.futures.apiUrl,
      PORT: String(port),
      INSTANCE_ID: instanceId,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      EXECUTION_CONCURRENCY: '16',
      // The emulator slows every commit several times over while a listener watches thousands of
      // documents; listen mode is covered elsewhere, this test is about shutdown.
      CACHE_MODE: 'poll',
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
    'the worker to be ready',
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

function closedBy(docs: Map<string, Record<string, unknown>>, instanceId: string): number {
  return [...docs.values()].filter((doc) => doc.closedBy === instanceId).length;
}

describe('graceful shutdown of a real worker process', () => {
  let store: TestFirestore;
  let sims: Simulators;

  beforeAll(async () => {
    store = openTestFirestore();
    sims = await startSimulators();
    sims.spot.setPrice('BTC-USDT', 60_000);
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < POSITIONS; i++) {
      docs[`users/u${i % 50}/openPositions/p${i}`] = makePosition({
        stopLoss: 55_000 - i,
        takeProfit: 90_000,
      });
    }
    await seed(store.db, docs);
  });

  afterAll(async () => {
    for (const child of started)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sims?.stop();
    await store?.close();
  });

  it('exits 0 within the grace period mid-burst, leaves no half-done close, and a restart closes the rest exactly once', async () => {
    const first = await spawnWorker(store, sims, 'worker-a');
    sims.spot.setPrice('BTC-USDT', 50_000);
    await waitFor(
      'the burst to be under way',
      async () => {
        const closing = await store.db
          .collectionGroup('openPositions')
          .where('status', '==', 'closing')
          .count()
          .get();
        return closing.data().count >= 50;
      },
      30_000,
    );

    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const tookMs = Date.now() - signalledAt;

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(GRACE_MS + 5_000);
    expect(first.lines().some((line) => line.msg === 'Shutdown complete')).toBe(true);

    const afterFirst = await readAll(store.db, 'openPositions');
    for (const doc of afterFirst.values()) {
      if (doc.status === 'closing') for (const field of CLOSING_FIELDS) expect(doc[field]).toBeDefined();
      else {
        expect(doc.status).toBe('open');
        for (const field of CLOSING_FIELDS) expect(doc[field]).toBeUndefined();
      }
    }
    const closedByFirst = closedBy(afterFirst, 'worker-a');
    expect(closedByFirst).toBeGreaterThan(0);

    const second = await spawnWorker(store, sims, 'worker-b');
    try {
      await waitFor(
        'every crossed position to be closed',
        async () => {
          const open = await store.db
            .collectionGroup('openPositions')
            .where('status', '==', 'open')
            .count()
            .get();
          return open.data().count === 0;
        },
        60_000,
      );
      const final = await readAll(store.db, 'openPositions');
      expect(final.size).toBe(POSITIONS);
      expect(closedBy(final, 'worker-a')).toBe(closedByFirst);
      expect(closedBy(final, 'worker-a') + closedBy(final, 'worker-b')).toBe(POSITIONS);
      expect(
        [...final.values()].every((doc) => doc.closeReason === 'stop_loss' && doc.closePrice === 50_000),
      ).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
