import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import type { Firestore, QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { AppModule } from '../../src/app.module';
import { SymbolCache } from '../../src/cache/symbol-cache';
import type { MarketType } from '../../src/domain/market';
import { ExchangeSimulator, type ExchangeSimulatorOptions } from '../../tools/exchange-simulator';
import { ExecutionService } from '../../src/execution/execution.service';
import { PriceUpdateProcessor } from '../../src/execution/price-update.processor';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { overrideEnv } from './env';
import { closeOnce } from './live-apps';
import { type TestFirestore, openTestFirestore } from './firestore';
import { waitFor } from './wait-for';

export interface Simulators {
  readonly spot: ExchangeSimulator;
  readonly futures: ExchangeSimulator;
  stop(): Promise<void>;
}

/**
 * A KuCoin-compatible spot and futures exchange on loopback, with short heartbeats so drops show quickly;
 * `options` (an injected clock, tick sizes, other heartbeats) apply to both markets.
 */
export async function startSimulators(options: ExchangeSimulatorOptions = {}): Promise<Simulators> {
  const make = (market: MarketType): ExchangeSimulator =>
    new ExchangeSimulator({ pingInterval: 200, pingTimeout: 300, ...options, market });
  const spot = make('spot');
  const futures = make('futures');
  const stop = closeOnce('simulators', async () => {
    await spot.stop();
    await futures.stop();
  });
  await spot.start();
  await futures.start();
  return { spot, futures, stop };
}

export interface Worker {
  readonly app: INestApplication;
  readonly cache: SymbolCache;
  readonly execution: ExecutionService;
  readonly processor: PriceUpdateProcessor;
  readonly metrics: WorkerMetrics;
  /** Attempts this worker counted with the given outcome, from its own metrics registry. */
  executions(outcome: string): Promise<number>;
  /** Shuts the application down; a second call waits for the first. */
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
  const restoreEnv = overrideEnv({
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
    const close = closeOnce(`worker ${options.instanceId}`, () => app.close());
    await app.init().catch(async (error: unknown) => {
      await close().catch(() => undefined);
      throw error;
    });
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
      close,
    };
  } finally {
    restoreEnv();
  }
}

/**
 * Workers started one after another on one emulator project and one pair of simulators (the restart
 * specs): closing the series closes every worker started (a second close of one is harmless), then the
 * simulators and the spec's Firestore client.
 */
export interface WorkerSeries {
  readonly store: TestFirestore;
  readonly sims: Simulators;
  start(instanceId: string, env?: Record<string, string>): Promise<Worker>;
  close(): Promise<void>;
}

export async function startWorkerSeries(): Promise<WorkerSeries> {
  const store = openTestFirestore();
  const sims = await startSimulators();
  const workers: Worker[] = [];
  return {
    store,
    sims,
    async start(instanceId, env = {}) {
      const worker = await startWorker({ projectId: store.projectId, instanceId, sims, env });
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const worker of workers.splice(0)) await worker.close();
      await sims.stop();
      await store.close();
    },
  };
}

/** Serves the worker's HTTP endpoints (health, metrics) on a free loopback port; returns its base URL. */
export async function serveHttp(worker: Worker): Promise<string> {
  await worker.app.listen(0, '127.0.0.1');
  const address = (worker.app.getHttpServer() as Server).address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
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

/** What a started worker must show before a spec acts: its books loaded and its feeds subscribed. */
export interface Ready {
  readonly positions?: number;
  readonly triggers?: number;
  readonly spot?: readonly string[];
  readonly futures?: readonly string[];
  /** For the books to load (a few thousand documents take longer); default 10 s. */
  readonly timeoutMs?: number;
}

export async function waitReady(worker: Worker, sims: Simulators, ready: Ready, workers = 1): Promise<void> {
  const { positions, triggers, spot = [], futures = [], timeoutMs } = ready;
  if (positions !== undefined)
    await waitFor('positions loaded', () => worker.cache.stats().positions === positions, timeoutMs);
  if (triggers !== undefined)
    await waitFor('triggers loaded', () => worker.cache.stats().triggers === triggers, timeoutMs);
  await waitFor('spot feed subscribed', () => subscribed(sims.spot, [...spot], workers));
  await waitFor('futures feed subscribed', () => subscribed(sims.futures, [...futures], workers));
}

export interface ScenarioOptions {
  readonly instanceId: string;
  /** Documents by path, written before the worker starts. */
  readonly docs?: Record<string, Record<string, unknown>>;
  /** Opening prices by symbol, set on the simulators before the worker starts. */
  readonly prices?: { readonly spot?: Record<string, number>; readonly futures?: Record<string, number> };
  readonly env?: Record<string, string>;
  readonly simulators?: ExchangeSimulatorOptions;
  /** Anything else the exchange must be doing before the worker connects (tick sizes, faults). */
  readonly prepare?: (sims: Simulators) => void;
  readonly ready?: Ready;
}

/** A worker on a fresh emulator project of its own, with its simulators, seeded and ready. */
export interface Scenario {
  readonly store: TestFirestore;
  readonly sims: Simulators;
  readonly worker: Worker;
  /** Closes the worker, then the simulators and the spec's Firestore client. */
  close(): Promise<void>;
}

export async function startScenario(options: ScenarioOptions): Promise<Scenario> {
  const store = openTestFirestore();
  const sims = await startSimulators(options.simulators);
  for (const [symbol, price] of Object.entries(options.prices?.spot ?? {})) sims.spot.setPrice(symbol, price);
  for (const [symbol, price] of Object.entries(options.prices?.futures ?? {}))
    sims.futures.setPrice(symbol, price);
  let worker: Worker | undefined;
  const close = async (): Promise<void> => {
    await worker?.close();
    await sims.stop();
    await store.close();
  };
  try {
    options.prepare?.(sims);
    if (options.docs) await seed(store.db, options.docs);
    const { instanceId, env } = options;
    worker = await startWorker({ projectId: store.projectId, instanceId, sims, env });
    if (options.ready) await waitReady(worker, sims, options.ready);
    return { store, sims, worker, close };
  } catch (error) {
    await close(); // a failed start leaves no socket or client open for the rest of the run
    throw error;
  }
}
