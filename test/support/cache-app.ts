import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { CacheCore } from '../../src/cache/cache-core';
import { CACHE_TIMING, CacheTiming, DEFAULT_CACHE_TIMING } from '../../src/cache/cache.constants';
import { CacheModule } from '../../src/cache/cache.module';
import { SymbolCache } from '../../src/cache/symbol-cache';
import { SymbolCollectorService } from '../../src/cache/symbol-collector.service';
import { ALL_CONFIGS } from '../../src/config';
import { freePort } from '../../tools/firestore-emulator';
import { FirestoreModule } from '../../src/firestore/firestore.module';
import { type FeedGateway, FUTURES_FEED, SPOT_FEED } from '../../src/market-feed';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { overrideEnv } from './env';
import { closeOnce } from './live-apps';

export interface CacheApp {
  readonly moduleRef: TestingModule;
  readonly cache: SymbolCache;
  /** The books SymbolCache reports on: what the tick path reads and the collector and listeners keep current. */
  readonly core: CacheCore;
  readonly collector: SymbolCollectorService;
  readonly spot: FeedGateway;
  readonly futures: FeedGateway;
  readonly metrics: WorkerMetrics;
  close(): Promise<void>;
}

/**
 * The cache with its real neighbours: config, scheduler, metrics, Firestore (the emulator) and the real
 * feed gateways, pointed at a loopback port nobody listens on — the specs only look at what they are
 * asked to watch. Environment changes last until close(), since firebase-admin reads some lazily.
 */
export async function startCacheApp(
  env: Record<string, string>,
  timing: Partial<CacheTiming> = {},
): Promise<CacheApp> {
  const deadKucoin = `http://127.0.0.1:${await freePort()}`;
  const restoreEnv = overrideEnv({
    KUCOIN_SPOT_API_URL: deadKucoin,
    KUCOIN_FUTURES_API_URL: deadKucoin,
    KUCOIN_RECONNECT_BASE_MS: '1000',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
      ScheduleModule.forRoot(),
      MetricsModule,
      FirestoreModule,
      CacheModule,
    ],
  })
    .overrideProvider(CACHE_TIMING)
    .useValue({ ...DEFAULT_CACHE_TIMING, ...timing })
    .compile();
  moduleRef.useLogger(false);
  const close = closeOnce('cache app', async () => {
    await moduleRef.close();
    restoreEnv();
  });
  await moduleRef.init();
  return {
    moduleRef,
    cache: moduleRef.get(SymbolCache),
    core: moduleRef.get(CacheCore),
    collector: moduleRef.get(SymbolCollectorService),
    spot: moduleRef.get<FeedGateway>(SPOT_FEED),
    futures: moduleRef.get<FeedGateway>(FUTURES_FEED),
    metrics: moduleRef.get(WorkerMetrics),
    close,
  };
}

/** The value of a counter or gauge for one label set (0 when never touched). */
export async function metricValue(
  metric: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  const match = values.find((v) =>
    Object.entries(labels).every(([key, value]) => (v.labels as Record<string, unknown>)[key] === value),
  );
  return match?.value ?? 0;
}
