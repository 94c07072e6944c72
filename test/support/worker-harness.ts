import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Firestore, QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { AppModule } from '../../src/app.module';
import { SymbolCache } from '../../src/cache/symbol-cache';
import { ExchangeSimulator } from '../../tools/exchange-simulator';
import { ExecutionService } from '../../src/execution/execution.service';
import { PriceUpdateProcessor } from '../../src/execution/price-update.processor';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';

/** Polls until the predicate holds, failing with `what` after the timeout. No fixed sleeps in the specs. */
export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Simulators {
  readonly spot: ExchangeSimulator;
  readonly futures: ExchangeSimulator;
  stop(): Promise<void>;
}

/** A KuCoin-compatible spot and futures exchange on loopback, with short heartbeats so drops show quickly. */
export async function startSimulators(): Promise<Simulators> {
  const spot = new ExchangeSimulator({ market: 'spot', pingInterval: 200, pingTimeout: 300 });
  const futures = new ExchangeSimulator({ market: 'futures', pingInterval: 200, pingTimeout: 300 });
  await spot.start();
  await futures.start();
  return {
    spot,
    futures,
    async stop(): Promise<void> {
      await spot.stop();
      await futures.stop();
    },
  };
}

export interface Worker {
  readonly app: INestApplication;
  readonly cache: SymbolCache;
  readonly execution: ExecutionService;
  readonly processor: PriceUpdateProcessor;
  readonly metrics: WorkerMetrics;
  /** Attempts this worker counted with the given outcome, from its own metrics registry. */
  executions(outcome: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The whole worker (AppModule) against the emulator project and the simulators. Configuration is read
 * when the module compiles, so the environment is set just for that and restored afterwards.
 */
export async function startWorker(options: {
  readonly projectId: string;
  readonly instanceId: string;
  readonly sims: Simulators;
  readonly env?: Record<string, string>;
}): Promise<Worker> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    FIREBASE_PROJECT_ID: options.projectId,
    INSTANCE_ID: options.instanceId,
    KUCOIN_SPOT_API_URL: options.sims.spot.apiUrl,
    KUCOIN_FUTURES_API_URL: options.sims.futures.apiUrl,
    KUCOIN_RECONNECT_BASE_MS: '20',
    KUCOIN_RECONNECT_MAX_MS: '200',
    CACHE_MODE: 'listen',
    ...options.env,
  });
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    app.useLogger(['error', 'warn']);
    await app.init();
    const metrics = app.get(WorkerMetrics);
    return {
      app,
      cache: app.get(SymbolCache),
      execution: app.get(ExecutionService),
      processor: app.get(PriceUpdateProcessor),
      metrics,
      async executions(outcome: string): Promise<number> {
        const metric = await metrics.executions.get();
        return metric.values
          .filter((value) => value.labels.outcome === outcome)
          .reduce((sum, value) => sum + value.value, 0);
      },
      close: () => app.close(),
    };
  } finally {
    process.env = saved;
  }
}

/** Writes documents in batches of 500 (Firestore's limit per batch). */
export async function seed(db: Firestore, docs: Record<string, Record<string, unknown>>): Promise<void> {
  const entries = Object.entries(docs);
  for (let i = 0; i < entries.length; i += 500) {
    const batch = db.batch();
    for (const [path, data] of entries.slice(i, i + 500)) batch.set(db.doc(path), data);
    await batch.commit();
  }
}

/** Every document of every user's `collection`, by path. */
export async function readAll(
  db: Firestore,
  collection: string,
): Promise<Map<string, Record<string, unknown>>> {
  const snapshot = await db.collectionGroup(collection).get();
  return new Map(snapshot.docs.map((doc: QueryDocumentSnapshot) => [doc.ref.path, doc.data()]));
}

/** True once the simulator has a subscriber (per worker) for each symbol. */
export function subscribed(sim: ExchangeSimulator, symbols: string[], workers = 1): boolean {
  const counts = sim.subscriptionCounts();
  return symbols.every((symbol) => (counts.get(symbol) ?? 0) >= workers);
}
