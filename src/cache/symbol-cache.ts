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
  /** What first filled the books whole: a full read, or both listeners' first snapshots. */
  readonly firstLoad?: 'full_read' | 'listeners';
  /** When the listeners first subscribed (listen mode). */
  readonly listeningSince?: number;
  /** Before the first load: when each listener last delivered part of its first snapshot. */
  readonly firstSnapshotProgress?: Readonly<Partial<Record<ListenedCollection, number>>>;
  /** Listener failures since start: none before the first load means their first snapshots are still due. */
  readonly listenerFailures: number;
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
    listenerFailures: 0,
  };

  private readonly loadWatchers = new Set<() => void>();

  /**
   * Whether the books were ever filled whole: by a full read, or by both listeners' first snapshots. It
   * stays true when a listener goes down later: the books are then kept current by full reads.
   */
  hasLoaded(): boolean {
    return this.health.firstLoad !== undefined;
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
    this.recordOutcome(result);
    if (result.ok) this.markLoaded('full_read');
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

  /** The listeners subscribed for the first time: their first snapshots will fill the books. */
  recordListening(): void {
    if (this.health.listeningSince === undefined)
      this.health = { ...this.health, listeningSince: this.clock.now() };
  }

  recordListenerFailure(): void {
    this.health = { ...this.health, listenerFailures: this.health.listenerFailures + 1 };
  }

  /** A listener delivered part of its first snapshot: it is making progress (see firstSnapshotsSince). */
  recordFirstSnapshotProgress(collection: ListenedCollection): void {
    if (this.hasLoaded() || this.isListenerLive(collection)) return;
    const progress = { ...this.health.firstSnapshotProgress, [collection]: this.clock.now() };
    this.health = { ...this.health, firstSnapshotProgress: progress };
  }

  /**
   * Since when the listeners' first snapshots, awaited as the first load, have made no progress: the
   * earliest, over the listeners not caught up yet, of the time each last delivered part of its first
   * snapshot (or subscribed). A first snapshot arriving in parts (partitioned listeners, or slices of a
   * large one) is not given up on while its parts keep coming. Undefined once the books were loaded, or
   * once a listener failed before that (then only a full read loads them).
   */
  firstSnapshotsSince(): number | undefined {
    const { listeningSince, listenerFailures, listeners, firstSnapshotProgress } = this.health;
    if (this.hasLoaded() || listenerFailures > 0 || listeningSince === undefined) return undefined;
    const waiting = (Object.keys(listeners) as ListenedCollection[]).filter((c) => !listeners[c]);
    const lastProgress = waiting.map((c) => Math.max(listeningSince, firstSnapshotProgress?.[c] ?? 0));
    return lastProgress.length === 0 ? listeningSince : Math.min(...lastProgress);
  }

  recordSkippedRun(): void {
    this.health = { ...this.health, skippedRuns: this.health.skippedRuns + 1 };
  }

  /** Whether the listener's latest subscription has its whole first snapshot in the books. */
  isListenerLive(collection: ListenedCollection): boolean {
    return this.health.listeners[collection];
  }

  setListenerLive(collection: ListenedCollection, live: boolean): void {
    this.health = { ...this.health, listeners: { ...this.health.listeners, [collection]: live } };
    if (this.listenersLive()) this.markLoaded('listeners');
  }

  /** Listen mode, and both listeners' whole first snapshots in the books. */
  private listenersLive(): boolean {
    const { cacheMode, listeners } = this.health;
    return cacheMode === 'listen' && listeners.openPositions && listeners.tradeTriggers;
  }

  private markLoaded(by: 'full_read' | 'listeners'): void {
    if (this.hasLoaded()) return;
    // Both first snapshots are the whole of both collections: a load as complete as a full read, and the
    // first reconciliation is due one interval from now.
    const loadedAt = by === 'listeners' ? { lastSuccessAt: this.clock.now() } : {};
    this.health = { ...this.health, firstLoad: by, ...loadedAt };
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
