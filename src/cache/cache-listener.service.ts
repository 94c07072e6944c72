import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { collectorConfig } from '../config/collector.config';
import { OPEN_POSITIONS, TRADE_TRIGGERS } from '../domain/document-paths';
import type { ParseResult } from '../domain/parse-result';
import type { OpenPosition } from '../domain/position';
import type { TradeTrigger } from '../domain/trade-trigger';
import type { ChangeBatch, DocumentChange, Unsubscribe, WatchHandlers } from '../firestore/document-change';
import { PositionRepository } from '../firestore/position.repository';
import { TradeTriggerRepository } from '../firestore/trade-trigger.repository';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { backoffDelay } from '../timing/backoff';
import { type Clock, type TimerHandle, systemClock } from '../timing/clock';
import { CLOCK } from '../timing/timing.module';
import { CACHE_TIMING, CacheTiming } from './cache.constants';
import { LiquidationPolicy } from './liquidation-policy';
import { RejectReporter } from './reject-reporter';
import { SlicedApply } from './sliced-apply';
import { type Version, positionItem, triggerItem } from '../domain/crossing';
import { CacheCore } from './cache-core';
import { ListenedCollection, SymbolCache } from './symbol-cache';
import { SymbolCollectorService } from './symbol-collector.service';

/**
 * The most changes applied in one turn of the event loop, so a first snapshot of a million documents
 * takes many short turns instead of one long stall.
 */
const LISTENER_SLICE = 2_000;
/**
 * And the longest a turn applies them for: a change costs what the books make it. In bench 7 at 200,000
 * positions, the first snapshot's changes into large ladders (each insert shifts one) took a few hundred
 * µs each, and two messages' worth (4,000 changes, both credited messages arriving in one turn) held the
 * loop 1.5 s.
 */
const LISTENER_TURN_BUDGET_MS = 25;

interface Listener<T> {
  readonly collection: ListenedCollection;
  readonly subscribe: (handlers: WatchHandlers<T>) => Unsubscribe;
  /** Applies one parsed change to the cache; no result means the document left the query. */
  readonly apply: (path: string, version: Version, result?: ParseResult<T>) => void;
  /** Applies this listener's batches in order, in slices. */
  readonly slices: SlicedApply;
  unsubscribe?: Unsubscribe;
  retryTimer?: TimerHandle;
  /** Counts subscriptions: a batch finishing after its subscription failed must not mark the listener live. */
  generation: number;
  attempt: number;
  /** Set once a subscription failed: its first snapshot afterwards cannot report what was removed meanwhile. */
  recovering: boolean;
}

/**
 * In listen mode, applies Firestore changes to the books as they happen, so a new position is protected
 * within a second and a closed one stops being evaluated at once. A failed listener re-subscribes with
 * backoff; the cron collector keeps reconciling behind it.
 */
@Injectable()
export class CacheListenerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CacheListenerService.name);
  private readonly listeners: Listener<unknown>[] = [];
  private stopped = false;

  constructor(
    @Inject(collectorConfig.KEY) private readonly config: ConfigType<typeof collectorConfig>,
    @Inject(CACHE_TIMING) private readonly timing: CacheTiming,
    private readonly positions: PositionRepository,
    private readonly triggers: TradeTriggerRepository,
    private readonly books: CacheCore,
    private readonly cache: SymbolCache,
    private readonly rejects: RejectReporter,
    private readonly collector: SymbolCollectorService,
    private readonly metrics: WorkerMetrics,
    private readonly liquidation: LiquidationPolicy,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.cacheMode !== 'listen') return;
    this.listeners.push(
      this.listener<OpenPosition>(
        OPEN_POSITIONS,
        (h) => this.positions.watchOpen(h),
        (path, version, result) =>
          this.books.applyPosition(path, {
            version,
            item: result?.ok ? positionItem(result.value, version, this.liquidation.levelOf) : null,
          }),
      ),
      this.listener<TradeTrigger>(
        TRADE_TRIGGERS,
        (h) => this.triggers.watchAll(h),
        (path, version, result) =>
          this.books.applyTrigger(path, {
            version,
            item: result?.ok ? triggerItem(result.value, version) : null,
          }),
      ),
    );
    this.cache.recordListening();
    for (const listener of this.listeners) this.subscribe(listener);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const listener of this.listeners) {
      this.clock.clearTimeout(listener.retryTimer);
      listener.slices.cancel();
      listener.unsubscribe?.();
      listener.unsubscribe = undefined;
      this.setLive(listener, false);
    }
  }

  private listener<T>(
    collection: ListenedCollection,
    subscribe: (handlers: WatchHandlers<T>) => Unsubscribe,
    apply: (path: string, version: Version, result?: ParseResult<T>) => void,
  ): Listener<unknown> {
    const slices = new SlicedApply({
      sliceSize: LISTENER_SLICE,
      budgetMs: LISTENER_TURN_BUDGET_MS,
      now: () => this.clock.now(),
      yieldToOthers: () => new Promise<void>((resolve) => this.clock.defer(resolve)),
      onFailure: (error) => this.logger.error(`Applying ${collection} changes failed: ${String(error)}`),
    });
    const fresh = { collection, subscribe, apply, slices, attempt: 0, generation: 0, recovering: false };
    return fresh as Listener<unknown>;
  }

  private subscribe(listener: Listener<unknown>): void {
    if (this.stopped) return;
    const generation = ++listener.generation;
    listener.unsubscribe = listener.subscribe({
      onChanges: (batch) => this.onChanges(listener, batch, generation),
      onError: (error) => this.onError(listener, error),
    });
  }

  private onChanges(listener: Listener<unknown>, batch: ChangeBatch<unknown>, generation: number): void {
    if (this.stopped) return;
    this.metrics.documentsRead.inc({ source: 'listener' }, batch.documentsRead);
    if (batch.partial) this.cache.recordFirstSnapshotProgress(listener.collection);
    listener.slices.push({
      size: batch.size,
      apply: (from, to) => this.applyChanges(listener, batch.slice(from, to)),
      done: () => {
        if (!batch.partial) this.caughtUp(listener, generation);
      },
    });
  }

  private applyChanges(listener: Listener<unknown>, changes: DocumentChange<unknown>[]): void {
    for (const change of changes) {
      if (change.type === 'removed') listener.apply(change.path, change.version);
      else {
        if (!change.result.ok)
          this.rejects.report([
            { path: change.path, collection: listener.collection, rejection: change.result.rejection },
          ]);
        listener.apply(change.path, change.version, change.result);
      }
    }
  }

  /**
   * A whole snapshot is in the books: only now is the listener live (its first snapshot included). Before
   * a first snapshot counts, the inserts it left waiting in the books are merged in time-bounded turns:
   * once live, the feeds subscribe and the first ticks would merge them all in one turn.
   */
  private caughtUp(listener: Listener<unknown>, generation: number): void {
    if (generation !== listener.generation || this.stopped) return;
    const first = !this.cache.isListenerLive(listener.collection);
    if (first && !this.books.mergePendingInserts(LISTENER_TURN_BUDGET_MS, () => this.clock.now())) {
      this.clock.defer(() => this.caughtUp(listener, generation));
      return;
    }
    listener.attempt = 0;
    this.setLive(listener, true);
    if (listener.recovering) {
      listener.recovering = false;
      // Removals during the outage are not in the new first snapshot: reconcile now rather than at the next tick.
      this.collector.collectInBackground();
    }
  }

  private onError(listener: Listener<unknown>, error: Error): void {
    listener.generation++;
    listener.unsubscribe?.();
    listener.unsubscribe = undefined;
    this.setLive(listener, false);
    if (this.stopped) return;
    const { listenerRetryBaseMs: baseMs, listenerRetryMaxMs: maxMs } = this.timing;
    const delay = backoffDelay({ baseMs, maxMs }, listener.attempt++);
    listener.recovering = true;
    this.logger.error(
      `${listener.collection} listener failed, re-subscribing in ${delay} ms: ${error.message}`,
    );
    listener.retryTimer = this.clock.setTimeout(() => this.subscribe(listener), delay);
    this.cache.recordListenerFailure();
    // Before the first load the books wait on this listener's first snapshot: load them by a full read now.
    if (!this.cache.hasLoaded()) this.collector.collectInBackground();
  }

  private setLive(listener: Listener<unknown>, live: boolean): void {
    this.cache.setListenerLive(listener.collection, live);
    this.metrics.listenerUp.set({ collection: listener.collection }, live ? 1 : 0);
  }
}
