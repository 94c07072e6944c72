import { Inject, Injectable } from '@nestjs/common';
import type { CacheMode } from '../config/collector.config';
import { type MarketType, PRICE_STREAMS, marketOfStream } from '../domain/market';
import { CacheCore } from './cache-core';
import type { PendingStats } from './pending-crossings';
import { type Clock, systemClock } from '../timing/clock';
import { CLOCK } from '../timing/timing.module';

export type ListenedCollection = 'openPositions' | 'tradeTriggers';

/** Collector and listener state, for health checks and the status page. Times are the clock's milliseconds. */
export interface CacheHealth {
  readonly cacheMode: CacheMode;
  readonly collections: number;
  readonly lastSuccessAt?: number;
  readonly lastDurationMs?: number;
  readonly lastDocumentsRead?: number;
  readonly lastFailureAt?: number;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
  readonly skippedRuns: number;
  /** True when every listener is live; always false in poll mode, where there are none. */
  readonly listenersLive: boolean;
  readonly listeners: Readonly<Record<ListenedCollection, boolean>>;
}

export interface CacheStats extends CacheHealth {
  readonly positions: number;
  readonly triggers: number;
  /** Symbols with anything to watch, per market. */
  readonly symbols: { readonly spot: number; readonly futures: number };
  /** Crossings checked out of the books and not yet written or ended. */
  readonly pending: PendingStats;
}

export type CollectionResult =
  | { readonly ok: true; readonly durationMs: number; readonly documentsRead: number }
  | { readonly ok: false; readonly durationMs: number; readonly error: string };

/**
 * The cache as operators see it: the collector's and the listeners' state beside the counts of the books
 * (a `CacheCore`, which the tick path reads: no Firestore read happens between a price and a decision).
 */
@Injectable()
export class SymbolCache {
  constructor(
    private readonly core: CacheCore,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  private health: Omit<CacheHealth, 'listenersLive'> = {
    cacheMode: 'listen',
    collections: 0,
    consecutiveFailures: 0,
    skippedRuns: 0,
    listeners: { openPositions: false, tradeTriggers: false },
  };

  private readonly loadWatchers = new Set<() => void>();

  /** Whether the books were ever filled whole: by a full read, or by both listeners' first snapshots. */
  hasLoaded(): boolean {
    return this.health.collections > 0 || this.listenersLive();
  }

  /** Called once the books are first filled whole (see hasLoaded); returns an unsubscribe. */
  onLoaded(watcher: () => void): () => void {
    this.loadWatchers.add(watcher);
    return () => this.loadWatchers.delete(watcher);
  }

  stats(): CacheStats {
    return {
      ...this.health,
      listenersLive: this.listenersLive(),
      positions: this.core.count('position'),
      triggers: this.core.count('trigger'),
      symbols: { spot: this.symbolCount('spot'), futures: this.symbolCount('futures') },
      pending: this.core.pendingStats(),
    };
  }

  setCacheMode(cacheMode: CacheMode): void {
    this.health = { ...this.health, cacheMode };
  }

  recordCollection(result: CollectionResult): void {
    const loaded = this.hasLoaded();
    this.recordOutcome(result);
    if (!loaded && this.hasLoaded()) this.announceLoaded();
  }

  private recordOutcome(result: CollectionResult): void {
    const now = this.clock.now();
    this.health = result.ok
      ? {
          ...this.health,
          collections: this.health.collections + 1,
          lastSuccessAt: now,
          lastDurationMs: result.durationMs,
          lastDocumentsRead: result.documentsRead,
          consecutiveFailures: 0,
        }
      : {
          ...this.health,
          lastFailureAt: now,
          lastError: result.error,
          consecutiveFailures: this.health.consecutiveFailures + 1,
        };
  }

  recordSkippedRun(): void {
    this.health = { ...this.health, skippedRuns: this.health.skippedRuns + 1 };
  }

  setListenerLive(collection: ListenedCollection, live: boolean): void {
    const loaded = this.hasLoaded();
    this.health = { ...this.health, listeners: { ...this.health.listeners, [collection]: live } };
    if (!loaded && this.hasLoaded()) this.announceLoaded();
  }

  /** Listen mode, and both listeners' whole first snapshots in the books. */
  private listenersLive(): boolean {
    const { cacheMode, listeners } = this.health;
    return cacheMode === 'listen' && listeners.openPositions && listeners.tradeTriggers;
  }

  private announceLoaded(): void {
    for (const watcher of this.loadWatchers) watcher();
  }

  /** Entry counts per market, for the cached_* gauges. */
  countsByMarket(marketType: MarketType): { positions: number; triggers: number; symbols: number } {
    return {
      positions: this.core.count('position', marketType),
      triggers: this.core.count('trigger', marketType),
      symbols: this.symbolCount(marketType),
    };
  }

  /** Symbols of a market with anything to watch, whatever price (last, mark, index) it watches. */
  private symbolCount(marketType: MarketType): number {
    const streams = PRICE_STREAMS.filter((stream) => marketOfStream(stream) === marketType);
    return this.core.watchedSymbols(...streams).length;
  }
}
