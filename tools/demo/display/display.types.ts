import type { MarketType } from '../../../src/domain/market';
import type { ConnectionStatus } from '../../../src/market-feed/feed-gateway';
import type { TrailingView } from '../watch/trailing-watch';
import type { MetricTotals } from '../worker/metric-totals';

/** One execution as the worker wrote it to Firestore. */
export interface ExecutionEvent {
  readonly kind: 'position' | 'trigger';
  /** The document the worker wrote: `users/{uid}/openPositions/{id}` or `users/{uid}/executedTriggers/{id}`. */
  readonly path?: string;
  readonly uid: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly side: string;
  /** `stop_loss` / `take_profit` / `liquidation` / `trailing_stop` for a position; `above` / `below` for a trigger. */
  readonly reason: string;
  readonly level: number;
  readonly fill: number;
  /** Exchange time of the tick that crossed the level, ms. */
  readonly tickTime: number;
  /** Firestore server time of the write, ms; undefined until the server timestamp is resolved. */
  readonly writtenAt?: number;
}

export interface FeedView {
  readonly market: MarketType;
  /** Undefined when the worker has no feed of this market (the module is not wired in). */
  readonly desired?: readonly string[];
  readonly connections: readonly ConnectionStatus[];
  readonly ticksPerSecond: number;
}

export interface StatusView {
  readonly feed: 'live' | 'simulated';
  readonly elapsedMs: number;
  readonly durationMs?: number;
  readonly feeds: readonly FeedView[];
  /** Last price per symbol, as the worker received it. */
  readonly prices: ReadonlyMap<string, number>;
  readonly openPositions: number;
  readonly pendingTriggers: number;
  readonly executions: number;
  /** The worker's own counters (worker_ticks_received_total, worker_executions_total by outcome). */
  readonly metrics?: MetricTotals;
  /** The seeded trailing stops as the demo follows them (see TrailingWatch); absent or empty: none. */
  readonly trailing?: readonly TrailingView[];
  readonly baseUrl: string;
}
