import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { CacheModule } from '../../src/cache/cache.module';
import { SymbolCache } from '../../src/cache/symbol-cache';
import { ALL_CONFIGS } from '../../src/config';
import { freePort } from '../../tools/firestore-emulator';
import { FirestoreModule } from '../../src/firestore/firestore.module';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { makePosition } from '../support/documents';
import { type BenchDb, openBenchDb, writeAll } from './emulator';
import { type ScenarioResult, formatNumber } from './table';

const POSITIONS = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Reads {
  collector: number;
  listener: number;
  probe: number;
  runs: number;
}

/** The worker's default: in listen mode a full read reconciles once an hour (RECONCILE_INTERVAL_MS). */
const RECONCILES_PER_HOUR = 1;

/** The real CacheModule (collector cron, listeners) on the emulator, in one cache mode. */
async function startCache(mode: 'poll' | 'listen', env: Record<string, string>): Promise<TestingModule> {
  const saved = { ...process.env };
  Object.assign(process.env, env, { CACHE_MODE: mode });
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
        ScheduleModule.forRoot(),
        MetricsModule,
        FirestoreModule,
        CacheModule,
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return moduleRef;
  } finally {
    process.env = saved;
  }
}

/** worker_documents_read_total by source, and successful collector runs, from the app's own registry. */
async function reads(moduleRef: TestingModule): Promise<Reads> {
  const metrics = moduleRef.get(WorkerMetrics);
  const read = (await metrics.documentsRead.get()).values;
  const runs = (await metrics.collectorRuns.get()).values;
  const by = (source: string): number => read.find((v) => v.labels.source === source)?.value ?? 0;
  return {
    collector: by('collector'),
    listener: by('listener'),
    probe: by('probe'),
    runs: runs.filter((v) => v.labels.result === 'success').reduce((sum, v) => sum + v.value, 0),
  };
}

const delta = (a: Reads, b: Reads): Reads => ({
  collector: b.collector - a.collector,
  listener: b.listener - a.listener,
  probe: b.probe - a.probe,
  runs: b.runs - a.runs,
});

/** Changes random positions' stop-loss at `perSecond`, in one batch a second, until `until`. */
async function churn(bench: BenchDb, perSecond: number, until: number): Promise<number> {
  const started = Date.now();
  let changed = 0;
  while (Date.now() < until) {
    const due = Math.min(until, Date.now()) - started;
    const batch = bench.db.batch();
    for (; changed < Math.floor((due * perSecond) / 1_000) + perSecond; changed++) {
      const id = Math.floor(Math.random() * POSITIONS);
      batch.update(bench.db.doc(`users/u${id % 1_000}/openPositions/p${id}`), { stopLoss: 50_000 + changed });
    }
    await batch.commit();
    await sleep(Math.max(0, Math.min(1_000, until - Date.now())));
  }
  return changed;
}

export async function readsScenario(quick: boolean): Promise<ScenarioResult> {
  // Time compression: the cron period and the change rate are scaled together by `speed`.
  const speed = quick ? 10 : 1;
  const periodS = 30 / speed;
  const windowS = quick ? 12 : 120;
  const changesPerSecond = (POSITIONS * 0.01 * speed) / 60;
  const bench = await openBenchDb('bench-reads');
  const apps: TestingModule[] = [];
  try {
    const docs = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < POSITIONS; i++)
      docs.set(`users/u${i % 1_000}/openPositions/p${i}`, makePosition({ symbol: `SYM${i % 20}-USDT` }));
    await writeAll(bench.db, docs);
    const deadKucoin = `http://127.0.0.1:${await freePort()}`;
    const env = {
      FIREBASE_PROJECT_ID: bench.projectId,
      KUCOIN_SPOT_API_URL: deadKucoin,
      KUCOIN_FUTURES_API_URL: deadKucoin,
      COLLECTOR_CRON: `*/${periodS} * * * * *`,
    };
    // Both modes run side by side over the same window and the same changes.
    apps.push(await startCache('poll', env), await startCache('listen', env));
    const caches = apps.map((app) => app.get(SymbolCache));
    const deadline = Date.now() + 60_000;
    while (!caches.every((c) => c.stats().positions === POSITIONS) || !caches[1].stats().listenersLive) {
      if (Date.now() > deadline) throw new Error('reads: the caches did not load in time');
      await sleep(50);
    }
    // Start half a period after a cron tick, so the window holds exactly windowS / periodS whole runs.
    const periodMs = periodS * 1_000;
    await sleep(periodMs - (Date.now() % periodMs) + periodMs / 2);
    const startup = await Promise.all(apps.map(reads));
    const changed = await churn(bench, changesPerSecond, Date.now() + windowS * 1_000);
    await sleep(
      periodMs / 2 - 1_000 - (Date.now() % periodMs) + (Date.now() % periodMs > periodMs / 2 ? periodMs : 0),
    );
    const after = await Promise.all(apps.map(reads));
    const [poll, listen] = [delta(startup[0], after[0]), delta(startup[1], after[1])];
    const simulatedHours = (windowS * speed) / 3_600;
    // Runs that straddle the window edges make its raw count +-1 run: scale reads per completed run by the
    // runs the cron schedules in an hour (120 at every 30 s), and the listener's reads by simulated time.
    // Listen mode adds what a 2-minute window cannot show: one full reconciliation read per hour, and a
    // one-document probe on every scheduled run that is not a full read.
    const scheduledRuns = windowS / periodS;
    const perHour = (r: Reads): number =>
      (r.runs > 0 ? (r.collector / r.runs) * 120 : 0) +
      r.listener / simulatedHours +
      (r.probe / scheduledRuns) * 120 +
      (r === listen && r.runs === 0 ? POSITIONS * RECONCILES_PER_HOUR : 0);
    const per100kPerHour = (r: Reads): number => (perHour(r) * 100_000) / POSITIONS;
    const ratio = perHour(poll) / perHour(listen);
    const row = (name: string, r: Reads, s: Reads): (string | number)[] => [
      name,
      formatNumber(s.collector + s.listener),
      r.runs,
      formatNumber(r.collector),
      formatNumber(r.listener),
      formatNumber(r.probe),
      formatNumber(perHour(r)),
      formatNumber(per100kPerHour(r)),
    ];
    return {
      scenario: 'reads',
      title: `4. Firestore reads: ${formatNumber(POSITIONS)} positions, 1%/min changing`,
      columns: [
        'mode',
        'reads before window',
        'runs',
        'collector',
        'listener',
        'probe',
        'reads/hour',
        'per 100k pos./hour',
      ],
      rows: [
        row('poll (full read every 30 s)', poll, startup[0]),
        row('listen + reconciliation', listen, startup[1]),
        ['poll / listen (target >= 50x)', '', '', '', '', '', `${formatNumber(ratio, 2)}x`, ''],
      ],
      notes: [
        `Window: ${windowS} s real; ${speed > 1 ? `time compressed ${speed}x: ` : ''}cron every ${periodS} s and ${formatNumber(changesPerSecond, 2)} changes/s (${formatNumber(changed)} in all)${speed > 1 ? ' stand for every 30 s and 1%/min' : ' = 1%/min'}.`,
        'Both modes run side by side (real CacheModule: cron collector + listeners) on one emulator project.',
        "Counted with the apps' own worker_documents_read_total{source} and collector_runs; reads before the window",
        '(initial load, listener snapshot) are excluded; the window starts half a cron period after a tick.',
        "Per hour = reads per completed collector run x 120 scheduled runs (every 30 s), plus the listener's window",
        'reads scaled to one simulated hour; per 100k positions scaled linearly (both parts are).',
        `Listen mode: per hour also one full reconciliation read (${formatNumber(POSITIONS)} documents, RECONCILE_INTERVAL_MS`,
        'default 1 h, added when the window saw none) and the one-document probes of the runs that were not due.',
      ],
      summary: { ratio: Number(ratio.toFixed(2)) },
    };
  } finally {
    for (const app of apps) await app.close();
    await bench.close();
  }
}
