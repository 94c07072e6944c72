import type { Hit } from '../../src/cache/book/book.types';
import type { SymbolCache } from '../../src/cache/symbol-cache';
import { StopLossTakeProfitEvaluator } from '../../src/execution/evaluators/stop-loss-take-profit.evaluator';
import { TradeTriggerEvaluator } from '../../src/execution/evaluators/trade-trigger.evaluator';
import type { TickSource } from '../../src/execution/execution.constants';
import type { ExecutionService } from '../../src/execution/execution.service';
import { PriceUpdateProcessor } from '../../src/execution/price-update.processor';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';

const CONFIG = { concurrency: 64, maxAttempts: 5, retryBaseMs: 100, retryMaxMs: 5_000, shutdownGraceMs: 0 };

/**
 * The worker's real tick path (PriceUpdateProcessor over a SymbolCache, both evaluators) with execution
 * stubbed at its boundary: a hit is checked out of the cache, as ExecutionService.submit does, and handed
 * to `onHit` instead of a Firestore transaction.
 */
export function tickPath(
  cache: SymbolCache,
  sources: readonly TickSource[],
  onHit: (hit: Hit) => void,
): PriceUpdateProcessor {
  const execution = {
    submit(hit: Hit): boolean {
      cache.checkOut(hit);
      onHit(hit);
      return true;
    },
    shutdown: () => Promise.resolve(true),
    stats: () => ({ queue: {} }),
  } as unknown as ExecutionService;
  return new PriceUpdateProcessor(
    cache,
    sources,
    new StopLossTakeProfitEvaluator(),
    new TradeTriggerEvaluator(),
    execution,
    new WorkerMetrics(),
    CONFIG,
  );
}
