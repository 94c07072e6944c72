import type { Observable } from 'rxjs';
import type { Hit, PositionLadders, TriggerLadders } from '../cache/book/book.types';
import type { MarketType, Tick } from '../domain/market';
import type { CurrentEntry } from './execution.types';

/**
 * What execution needs from the symbol cache; `SymbolCache` satisfies it. Behind a token so the execution
 * path is unit-testable with a small in-memory cache.
 */
export interface ExecutionCache {
  positionBook(marketType: MarketType, symbol: string): PositionLadders | undefined;
  triggerBook(marketType: MarketType, symbol: string): TriggerLadders | undefined;
  /** Moves the entry out of the live book into the in-flight set, so later ticks do not hand it over again. */
  checkOut(hit: Hit): void;
  /** The execution is done for good (executed, handled elsewhere, or permanently failed). */
  settle(hit: Hit): void;
  /**
   * Back into the live book (retries gave up, or the document's current levels are not crossed), so a
   * later tick or the collector tries again; `current` is the document as an execution just read it.
   */
  restore(hit: Hit, current?: CurrentEntry): void;
}
export const EXECUTION_CACHE = Symbol('EXECUTION_CACHE');

/** Anything with a tick stream: both feed gateways. */
export interface TickSource {
  readonly ticks$: Observable<Tick>;
}
export const TICK_SOURCES = Symbol('TICK_SOURCES');

/** How often the queue gauges are refreshed: oldest-item age changes with time, not only with events. */
export const QUEUE_GAUGE_INTERVAL_MS = 1_000;

/**
 * After the grace period: how long transactions already on the wire may still take. The Firestore client
 * closes right after shutdown, and a transaction cut off mid-read surfaces inside firebase-admin as an
 * unhandled rejection; the total shutdown is therefore at most SHUTDOWN_GRACE_MS plus this.
 */
export const IN_FLIGHT_SETTLE_MS = 2_000;
