import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { CacheCore } from '../../src/cache/cache-core';
import type { ExecutionStoreConfig } from '../../src/config';
import type { Located, PositionEntry } from '../../src/domain/crossing';
import type { Tick } from '../../src/domain/market';
import type { ExecutionOutcome } from '../../src/execution/execution.types';
import { ExecutionService } from '../../src/execution/execution.service';
import { FirestoreTransactionService } from '../../src/execution/firestore-transaction.service';
import { PriceUpdateProcessor } from '../../src/execution/price-update.processor';
import { versionOf } from '../../src/firestore/versions';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { makePosition } from '../support/documents';
import { TcpProxy } from '../support/tcp-proxy';
import { benchEmulator } from './emulator';
import { measureListenerCost } from './emulator-listeners';
import { type ScenarioResult, formatNumber, percentile } from './table';
import { BENCH_EXECUTION, loadBooks } from './bench-config';

const SYMBOL = 'ETH-USDT';
/** One way: a request and its answer wait twice this, a modest round trip to a regional database. */
const NETWORK_DELAY_MS = 5;
const CRASH_PRICE = 2_850;
const CONFIG = BENCH_EXECUTION;

type WritePath = ExecutionStoreConfig['writePath'];

/** One replica: its own Firestore client (through the proxy), books, store and queue. */
interface Replica {
  readonly cache: CacheCore;
  readonly execution: ExecutionService;
  readonly store: FirestoreTransactionService;
  readonly processor: PriceUpdateProcessor;
  readonly commitsMs: number[];
  executed: number;
}

/** Two clients on one project: each replica talks to Firestore over a connection of its own. */
function openClients(
  projectId: string,
  via: string,
  count: number,
): { dbs: Firestore[]; close(): Promise<void> } {
  const apps: App[] = [];
  const dbs: Firestore[] = [];
  const previous = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = via; // read once, when a client is created
  try {
    for (let i = 0; i < count; i++) {
      const app = initializeApp({ projectId }, `flash-${projectId}-${i}`);
      apps.push(app);
      dbs.push(getFirestore(app));
    }
  } finally {
    process.env.FIRESTORE_EMULATOR_HOST = previous;
  }
  return { dbs, close: async () => void (await Promise.all(apps.map((app) => deleteApp(app)))) };
}

/** Every position open again, in batches of 500; returns each document's version as written. */
async function seed(db: Firestore, count: number): Promise<Located<PositionEntry>[]> {
  const located: Located<PositionEntry>[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = db.batch();
    const entries: PositionEntry[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const data = makePosition({ symbol: SYMBOL, stopLoss: 3_000 - (i % 100), takeProfit: 4_000 });
      const path = `users/u${i % 200}/openPositions/p${i}`;
      batch.set(db.doc(path), data);
      entries.push({
        path,
        side: 'long',
        size: data.size as number,
        stopLoss: data.stopLoss as number,
        takeProfit: 4_000,
      });
    }
    const results = await batch.commit();
    entries.forEach((entry, i) =>
      located.push({ marketType: 'spot', symbol: SYMBOL, entry, version: versionOf(results[i].writeTime) }),
    );
  }
  return located;
}

/**
 * A replica as the service composes it (books, tick path, queue, store), without the listener on open
 * positions: the emulator evaluates every listener's query over the whole collection group on each write
 * (measured in the same run: measureListenerCost), which production Firestore does not, and with
 * listeners this bench measured that rather than the write paths. So a replica learns that the other
 * closed a position only from its own attempt: the transaction's read, or the failed precondition and
 * one read.
 */
async function startReplica(
  db: Firestore,
  id: string,
  positions: Located<PositionEntry>[],
  writePath: WritePath,
): Promise<Replica> {
  const metrics = new WorkerMetrics();
  const cache = new CacheCore();
  await loadBooks(cache, positions);
  const store = new FirestoreTransactionService(db, { instanceId: id, logLevel: 'warn' }, metrics, {
    writePath,
  });
  const execution = new ExecutionService(cache, store, metrics, CONFIG);
  const replica: Replica = {
    cache,
    execution,
    store,
    // Today's path took a tick's hits in one order on every replica; the new one in an order per replica.
    processor: new PriceUpdateProcessor(cache, [], execution, metrics, CONFIG, {
      instanceId: writePath === 'transaction' ? 'same-order' : id,
    }),
    commitsMs: [],
    executed: 0,
  };
  const execute = store.execute.bind(store);
  let crashAt = 0;
  store.execute = async (request): Promise<ExecutionOutcome> => {
    crashAt ||= request.crossedAt;
    const outcome = await execute(request);
    if (outcome.kind === 'executed') {
      replica.executed++;
      replica.commitsMs.push(Date.now() - crashAt);
    }
    return outcome;
  };
  return replica;
}

interface Crash {
  readonly drainMs: number;
  readonly p99Ms: number;
  readonly executed: number;
  readonly duplicates: number;
  readonly missed: number;
  readonly perReplica: readonly number[];
}

/** One crash: every position open again, two fresh replicas, one tick through both, until both drain. */
async function crashOnce(dbs: Firestore[], count: number, writePath: WritePath): Promise<Crash> {
  const positions = await seed(dbs[0], count);
  const replicas = await Promise.all(
    dbs.map((db, i) => startReplica(db, `replica-${i}`, positions, writePath)),
  );
  const now = Date.now();
  const tick: Tick = {
    marketType: 'spot',
    symbol: SYMBOL,
    price: CRASH_PRICE,
    exchangeTime: now,
    receivedAt: now,
    source: 'stream',
  };
  const started = performance.now();
  for (const replica of replicas) replica.processor.processPriceUpdate(tick);
  const drained = await Promise.all(replicas.map((replica) => replica.execution.drain(600_000)));
  const drainMs = performance.now() - started;
  for (const replica of replicas) {
    replica.execution.onApplicationShutdown();
    await replica.store.onApplicationShutdown();
  }
  const closed = await dbs[0].collectionGroup('openPositions').where('status', '==', 'closing').get();
  const executed = replicas.reduce((sum, replica) => sum + replica.executed, 0);
  if (drained.includes(false)) throw new Error(`flash crash (${writePath}): a replica did not drain`);
  return {
    drainMs,
    p99Ms: percentile(
      replicas.flatMap((replica) => replica.commitsMs),
      99,
    ),
    executed,
    duplicates: Math.max(0, executed - closed.size),
    missed: count - closed.size,
    perReplica: replicas.map((replica) => replica.executed),
  };
}

export async function flashCrashScenario(quick: boolean): Promise<ScenarioResult> {
  const count = quick ? 500 : 20_000;
  const proxy = await TcpProxy.start((await benchEmulator()).hostPort, NETWORK_DELAY_MS);
  const clients = openClients(`bench-crash-${randomUUID().slice(0, 8)}`, proxy.hostPort, 2);
  try {
    await crashOnce(clients.dbs, 200, 'conditional'); // warm the clients, the channels and the emulator
    // Side by side in one run, the old path first. One run each: today's path takes over ten minutes at
    // 20,000 (two replicas contend for every document in the same order).
    const rounds: WritePath[][] = [['transaction', 'conditional']];
    const runs: Record<WritePath, Crash[]> = { transaction: [], conditional: [] };
    for (const order of rounds)
      for (const path of order) runs[path].push(await crashOnce(clients.dbs, count, path));
    const best = (path: WritePath): Crash => runs[path].reduce((a, b) => (a.drainMs <= b.drainMs ? a : b));
    const old = best('transaction');
    const next = best('conditional');
    const speedUp = old.drainMs / next.drainMs;
    const listeners = await measureListenerCost(quick ? 300 : 1_000, [0, 2]);
    const listenerCost = [...listeners.updateMsByListeners]
      .map(([n, ms]) => `${n} listener${n === 1 ? '' : 's'} ${formatNumber(ms / 1000, 1)} s`)
      .join(', ');
    const row = (label: string, crash: Crash): (string | number)[] => [
      label,
      formatNumber(crash.drainMs),
      formatNumber(crash.p99Ms),
      formatNumber(crash.executed),
      crash.perReplica.map((n) => formatNumber(n)).join(' / '),
      crash.duplicates,
      crash.missed,
    ];
    return {
      scenario: 'flash-crash',
      title: `6. Flash crash: one tick crosses ${formatNumber(count)} stop-losses, two replicas, +${2 * NETWORK_DELAY_MS} ms round trip`,
      columns: [
        'write path',
        'drain ms',
        'p99 crossing-to-commit ms',
        'executed',
        'per replica',
        'duplicates',
        'missed',
      ],
      rows: [
        row('transaction (read, then write)', old),
        row('conditional write on the cached version', next),
        [`drain speed-up (target >= 3x)`, `${formatNumber(speedUp, 1)}x`, '', '', '', '', ''],
      ],
      notes: [
        `${formatNumber(count)} open long positions on one symbol, each replica with its own Firestore client, books,`,
        'PriceUpdateProcessor and ExecutionService (64 in flight), as the service composes them, but no listener:',
        "the emulator evaluates each listener's query over the whole collection group on every write, which",
        `production Firestore does not (${formatNumber(listeners.documents)} updates, 64 in flight, no proxy, in this run: ${listenerCost}).`,
        'One tick at the crash price goes through both replicas at once, timed until both drain.',
        `The emulator sits behind a loopback proxy that holds every chunk ${NETWORK_DELAY_MS} ms each way (an assumed network`,
        'to a regional database, not a measurement of Firestore). Every position is written back to open, with',
        'new versions, before each run; one run per path.',
        'Duplicates: executions beyond the documents closed; missed: documents still open. Both must be 0.',
        'p99 crossing-to-commit: from the crossing tick to each close committed (by whichever replica wrote it).',
      ],
      summary: {
        positions: count,
        drainSpeedUp: Number(speedUp.toFixed(2)),
        transactionDrainMs: Math.round(old.drainMs),
        conditionalDrainMs: Math.round(next.drainMs),
        transactionP99Ms: Math.round(old.p99Ms),
        conditionalP99Ms: Math.round(next.p99Ms),
        duplicates: old.duplicates + next.duplicates,
        missed: old.missed + next.missed,
        roundTripMs: 2 * NETWORK_DELAY_MS,
        listenerCostUpdates: listeners.documents,
        updatesMsNoListener: Math.round(listeners.updateMsByListeners.get(0) ?? 0),
        updatesMsTwoListeners: Math.round(listeners.updateMsByListeners.get(2) ?? 0),
      },
    };
  } finally {
    await clients.close();
    await proxy.stop();
  }
}
