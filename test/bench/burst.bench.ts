import type { Firestore } from 'firebase-admin/firestore';
import { SymbolCache } from '../../src/cache/symbol-cache';
import type { Tick } from '../../src/domain/market';
import { StopLossTakeProfitEvaluator } from '../../src/execution/evaluators/stop-loss-take-profit.evaluator';
import { TradeTriggerEvaluator } from '../../src/execution/evaluators/trade-trigger.evaluator';
import { ExecutionService } from '../../src/execution/execution.service';
import { FirestoreTransactionService } from '../../src/execution/firestore-transaction.service';
import { PriceUpdateProcessor } from '../../src/execution/price-update.processor';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { makePosition } from '../support/documents';
import { emulatorCpuSeconds, openBenchDb, writeAll } from './emulator';
import { type ScenarioResult, formatNumber, median } from './table';

const SYMBOL = 'ETH-USDT';
const DEFAULT_CONCURRENCY = 64;

function documents(count: number): Map<string, Record<string, unknown>> {
  const docs = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < count; i++) {
    const data = makePosition({ symbol: SYMBOL, stopLoss: 3_000 - (i % 100), takeProfit: 4_000 });
    docs.set(`users/u${i % 50}/openPositions/p${i}`, data);
  }
  return docs;
}

interface Drain {
  readonly ms: number;
  readonly maxLength: number;
  readonly maxRunning: number;
  readonly retries: number;
  /** Cores kept busy during the drain: this process plus the emulator's JVM. */
  readonly cores: number;
}

/**
 * The real tick path and execution service (queue, transactions on the emulator) with a fresh cache
 * holding the open positions; one tick at 2,850 crosses every stop-loss. Timed until the queue drains.
 */
async function drainOnce(
  db: Firestore,
  docs: Map<string, Record<string, unknown>>,
  concurrency: number,
): Promise<Drain> {
  await writeAll(db, docs); // every position back to `open`
  const metrics = new WorkerMetrics();
  const cache = new SymbolCache();
  const positions = [...docs].map(([path, data]) => ({
    marketType: 'spot' as const,
    symbol: SYMBOL,
    entry: {
      path,
      side: 'long' as const,
      size: data.size as number,
      stopLoss: data.stopLoss as number,
      takeProfit: data.takeProfit as number,
    },
  }));
  cache.finishCollection(cache.beginCollection(), positions, []);
  const config = { concurrency, maxAttempts: 5, retryBaseMs: 100, retryMaxMs: 5_000, shutdownGraceMs: 0 };
  const store = new FirestoreTransactionService(db, { instanceId: 'bench', logLevel: 'warn' }, metrics);
  const execution = new ExecutionService(cache, store, metrics, config);
  const processor = new PriceUpdateProcessor(
    cache,
    [],
    new StopLossTakeProfitEvaluator(),
    new TradeTriggerEvaluator(),
    execution,
    metrics,
    config,
  );
  const tick: Tick = {
    marketType: 'spot',
    symbol: SYMBOL,
    price: 2_850,
    exchangeTime: Date.now(),
    receivedAt: Date.now(),
    source: 'stream',
  };
  let maxRunning = 0;
  const sampler = setInterval(() => (maxRunning = Math.max(maxRunning, execution.stats().queue.running)), 2);
  const cpuBefore = process.cpuUsage();
  const emulatorBefore = await emulatorCpuSeconds();
  const started = performance.now();
  const handed = processor.processPriceUpdate(tick);
  const maxLength = execution.stats().queue.length;
  const drained = await execution.drain(600_000);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 + (await emulatorCpuSeconds()) - emulatorBefore;
  clearInterval(sampler);
  execution.onApplicationShutdown();
  const executed = execution.stats().outcomes.executed;
  if (!drained || handed !== docs.size || executed !== docs.size)
    throw new Error(
      `burst: ${handed} handed over, ${executed} executed of ${docs.size} (drained: ${drained})`,
    );
  const retries = execution.stats().outcomes.failed_retryable;
  return { ms, maxLength, maxRunning, retries, cores: cpuSeconds / (ms / 1_000) };
}

export async function burstScenario(quick: boolean): Promise<ScenarioResult> {
  const count = quick ? 300 : 2_000;
  const rounds = quick ? 1 : 2;
  const bench = await openBenchDb('bench-burst');
  try {
    const docs = documents(count);
    await drainOnce(bench.db, documents(50), DEFAULT_CONCURRENCY); // warm the client and the emulator
    // The middle points show where the emulator (not the queue) becomes the ceiling.
    const levels = quick ? [DEFAULT_CONCURRENCY, 1] : [DEFAULT_CONCURRENCY, 16, 4, 1];
    const runs: Record<number, Drain[]> = Object.fromEntries(levels.map((level) => [level, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? levels : [...levels].reverse();
      for (const concurrency of order) runs[concurrency].push(await drainOnce(bench.db, docs, concurrency));
    }
    const row = (concurrency: number): (string | number)[] => {
      const ms = median(runs[concurrency].map((run) => run.ms));
      return [
        concurrency,
        formatNumber(ms),
        formatNumber((count / ms) * 1_000),
        formatNumber(Math.max(...runs[concurrency].map((run) => run.maxLength))),
        formatNumber(Math.max(...runs[concurrency].map((run) => run.maxRunning))),
        formatNumber(Math.max(...runs[concurrency].map((run) => run.retries))),
        formatNumber(median(runs[concurrency].map((run) => run.cores)), 2),
      ];
    };
    const ratio = median(runs[1].map((r) => r.ms)) / median(runs[DEFAULT_CONCURRENCY].map((r) => r.ms));
    return {
      scenario: 'burst',
      title: `5. Burst drain: one tick crosses ${formatNumber(count)} stop-losses (Firestore emulator)`,
      columns: [
        'concurrency',
        'drain ms',
        'executions/s',
        'max queue length',
        'max running',
        'retried',
        'cores busy',
      ],
      rows: [
        ...levels.map(row),
        ['speed-up 64 vs 1 (target >= 10x)', `${formatNumber(ratio, 1)}x`, '', '', '', '', ''],
      ],
      notes: [
        `${formatNumber(count)} open long positions on one symbol; one tick through the real PriceUpdateProcessor hands`,
        'them all to the real ExecutionService (queue + FirestoreTransactionService), timed until drain() resolves.',
        'Every position is written back to open before each run; the levels alternate order per round, medians shown.',
        'Max queue length is read right after the tick (everything is enqueued at once); max running is sampled every 2 ms.',
        '"cores busy": CPU seconds of this process plus the emulator JVM (from /proc) per wall second of the drain.',
      ],
      summary: { speedUp: Number(ratio.toFixed(2)), positions: count },
    };
  } finally {
    await bench.close();
  }
}
