import type { CrossingPort } from '../../src/cache/crossing-port';
import type { Hit, PendingCrossing } from '../../src/domain/crossing';
import type { Tick } from '../../src/domain/market';
import type { TickSource } from '../../src/execution/execution.constants';
import type { ExecutionService } from '../../src/execution/execution.service';
import { PriceUpdateProcessor } from '../../src/execution/price-update.processor';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { BENCH_EXECUTION } from './bench-config';

const CONFIG = BENCH_EXECUTION;

/**
 * The worker's real tick path (PriceUpdateProcessor over the cache's books through its CrossingPort, the
 * crossing finder) with execution stubbed at its boundary: a hit is checked out of the cache as a pending
 * crossing, as ExecutionService.submit does, and handed to `onCrossing` instead of a Firestore transaction.
 */
export function tickPath(
  cache: CrossingPort,
  sources: readonly TickSource[],
  onCrossing: (crossing: PendingCrossing) => void,
): PriceUpdateProcessor {
  const execution = {
    submit(hit: Hit, tick: Tick): boolean {
      const crossing = cache.checkOut(hit, tick);
      if (crossing === undefined) return false;
      onCrossing(crossing);
      return true;
    },
    shutdown: () => Promise.resolve(true),
    stats: () => ({ queue: {} }),
  } as unknown as ExecutionService;
  return new PriceUpdateProcessor(cache, sources, execution, new WorkerMetrics(), CONFIG);
}
