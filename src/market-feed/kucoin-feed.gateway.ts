import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { type MarketType, type Tick, isValidSymbol } from '../domain/market';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { FeedGateway, FeedStatus } from './feed-gateway';
import { GapRecovery } from './gap-recovery';
import { TopicAuditor } from './topic-auditor';
import { UNLISTED, UnavailableSymbols } from './unavailable-symbols';
import type { CatchUpResult } from './kucoin/rest-queue';
import type { RejectReason } from './kucoin/frame-parser';
import {
  KUCOIN_REST_WEIGHT_PER_30S,
  type ManagerSink,
  type ReconnectCause,
  type WebSocketManagerOptions,
} from './kucoin/manager-options';
import { TokenBucket } from './kucoin/rate-limiters';
import { globalFetch, systemClock, type TimerHandle } from './kucoin/seams';
import { WebSocketManager } from './kucoin/websocket-manager';

export type SharedManagerOptions = Omit<WebSocketManagerOptions, 'id' | 'market' | 'sink' | 'logger'>;

export interface KucoinFeedGatewayOptions {
  /** Topics one connection may hold; more desired symbols are spread over more connections. */
  readonly maxTopicsPerConnection: number;
  readonly manager: SharedManagerOptions;
  readonly metrics?: WorkerMetrics;
  /** How often batched counters and connection gauges are pushed to the metrics registry. */
  readonly metricsFlushMs?: number;
  /** How far back a gap in a symbol's trades is recovered (from candles). Default 24 h. */
  readonly backfillHorizonMs?: number;
  /**
   * How long a topic may lag the exchange's own view before it counts as silent (resubscribed, its gap
   * recovered); audited every third of it. 0 turns the audit off. Default 60 s.
   */
  readonly silentTopicMs?: number;
}

/** Unavailable reason of a symbol whose subscribe was never acknowledged. */
const ACK_TIMEOUT = 'ack_timeout';

/** Live trades held per symbol while its gap is recovered; beyond it the recovery is given up. */
const MAX_HELD_TRADES = 50_000;

/**
 * One market's feed over as many KuCoin connections as its desired symbols need. Symbols stay on the
 * connection they were first given to, so a change in the desired set only subscribes or unsubscribes the
 * difference; emptied trailing connections are closed.
 */
export abstract class KucoinFeedGateway implements FeedGateway, OnModuleDestroy {
  readonly ticks$: Observable<Tick>;
  private readonly subject = new Subject<Tick>();
  private readonly logger: Logger;
  private readonly managers: WebSocketManager[] = [];
  private readonly buckets: Set<string>[] = [];
  /** Per connection: the configured limit, or less once the server refused topics with 509. */
  private readonly capacities: number[] = [];
  private readonly assignment = new Map<string, number>();
  private readonly invalidReported = new Set<string>();
  private desired: ReadonlySet<string> = new Set();
  private nextManagerId = 0;
  private stopped = false;
  private flushTimer: TimerHandle | undefined;
  /** Counted here and flushed once a second: prom-client's labelled inc() allocates, the tick path must not. */
  private streamTicks = 0;
  private catchUpTicks = 0;
  private backfillTicks = 0;
  private readonly recovery: GapRecovery;
  private readonly auditor: TopicAuditor;
  private readonly unavailable: UnavailableSymbols;
  private readonly rejected = new Map<RejectReason, number>();

  protected constructor(
    readonly marketType: MarketType,
    private readonly options: KucoinFeedGatewayOptions,
  ) {
    this.logger = new Logger(`${marketType === 'spot' ? 'Spot' : 'Futures'}FeedGateway`);
    this.ticks$ = this.subject.asObservable();
    const { manager, metrics } = options;
    // One REST pool for the recoveries and the audits alike: KuCoin counts them against one per-IP limit.
    const bucket = manager.restBucket ?? new TokenBucket(KUCOIN_REST_WEIGHT_PER_30S / 2, 30_000);
    const fetch = manager.fetch ?? globalFetch;
    this.recovery = new GapRecovery({
      market: marketType,
      apiUrl: manager.apiUrl,
      fetch,
      clock: this.clock(),
      bucket,
      concurrency: manager.catchUpConcurrency ?? 4,
      horizonMs: options.backfillHorizonMs ?? 86_400_000,
      maxHeld: MAX_HELD_TRADES,
      emit: (tick) => {
        if (tick.source === 'backfill') this.backfillTicks++;
        this.subject.next(tick);
      },
      onRecovery: (result) => metrics?.gapRecoveries.inc({ market: marketType, result }),
      onSkipped: (reason) => metrics?.tradesSkipped.inc({ market: marketType, reason }),
    });
    this.unavailable = new UnavailableSymbols(marketType, this.logger, (count) =>
      metrics?.symbolsUnavailable.set({ market: marketType }, count),
    );
    const silentTopicMs = options.silentTopicMs ?? 60_000;
    this.auditor = new TopicAuditor({
      market: marketType,
      apiUrl: manager.apiUrl,
      fetch,
      clock: this.clock(),
      bucket,
      intervalMs: Math.ceil(silentTopicMs / 3),
      graceMs: Math.ceil(silentTopicMs / 3),
      topics: () => this.recovery.watchedTopics(this.streamingSymbols()),
      onSilent: (silent, repeated) => this.onSilentTopics(silent, repeated),
      onCaughtUp: (symbols, time) => this.recovery.vouch(symbols, time),
      onListing: (unlisted, listed) => this.unavailable.update(unlisted, listed, UNLISTED),
      onError: (error) => this.logger.warn(`topic audit failed: ${String(error)}`),
    });
  }

  updateDesired(symbols: Iterable<string>): void {
    if (this.stopped) return;
    const next = new Set<string>();
    for (const symbol of symbols) {
      if (isValidSymbol(this.marketType, symbol)) next.add(symbol);
      else if (!this.invalidReported.has(symbol)) {
        this.invalidReported.add(symbol);
        this.logger.warn(`ignoring invalid ${this.marketType} symbol "${symbol}"`);
      }
    }
    if (next.size === this.desired.size && [...next].every((symbol) => this.desired.has(symbol))) return;
    this.desired = next;
    this.rebalance(next);
    this.startFlushing();
  }

  desiredSymbols(): ReadonlySet<string> {
    return this.desired;
  }

  status(): FeedStatus {
    return {
      marketType: this.marketType,
      desiredSymbols: this.desired.size,
      connections: this.managers.map((manager) => manager.status()),
      recoveringSymbols: this.recovery.recoveringCount(),
      unavailable: this.unavailable.list(),
    };
  }

  seedWatermark(time: number): void {
    this.recovery.seedWatermark(time);
  }

  evaluatedThrough(): number | undefined {
    return this.recovery.evaluatedThrough(this.desired);
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      for (const manager of this.managers) manager.stop();
      this.recovery.stop();
      this.auditor.stop();
      if (this.flushTimer !== undefined) this.clock().clearInterval(this.flushTimer);
      this.flushTimer = undefined;
      this.flushMetrics();
      this.subject.complete();
    }
    return Promise.resolve();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  private rebalance(next: ReadonlySet<string>): void {
    for (const [symbol, index] of this.assignment) {
      if (next.has(symbol)) continue;
      this.assignment.delete(symbol);
      this.buckets[index].delete(symbol);
    }
    const unplaced: string[] = [];
    for (const symbol of next) if (!this.assignment.has(symbol)) unplaced.push(symbol);
    this.place(unplaced);
    while (this.managers.length > 1 && this.buckets[this.buckets.length - 1].size === 0) {
      const manager = this.managers.pop()!;
      this.buckets.pop();
      this.capacities.pop();
      manager.stop();
      this.removeGauges(manager.id);
    }
    this.managers.forEach((manager, i) => manager.updateDesired(this.buckets[i]));
  }

  /** First fit over the connections' capacities, opening connections as needed. */
  private place(symbols: readonly string[]): void {
    let index = 0;
    for (const symbol of symbols) {
      while (index < this.buckets.length && this.buckets[index].size >= this.capacities[index]) index++;
      if (index === this.buckets.length) this.addManager();
      this.buckets[index].add(symbol);
      this.assignment.set(symbol, index);
    }
  }

  /**
   * A connection was refused symbols with 509: KuCoin's real per-connection limit is lower than configured
   * (the docs say 300 or 400). Remember the lower capacity for it and move those symbols elsewhere.
   */
  private relocate(connection: string, refused: readonly string[]): void {
    const from = this.managers.findIndex((manager) => manager.id === connection);
    if (from < 0 || this.stopped) return;
    const moved = refused.filter((symbol) => this.assignment.get(symbol) === from);
    if (this.buckets[from].size - moved.length <= 0) {
      // The server took nothing at all: moving would only open connection after connection.
      this.logger.error(
        `${connection}: server refused every topic (509); ${moved.length} symbols left unsubscribed`,
      );
      return;
    }
    for (const symbol of moved) {
      this.buckets[from].delete(symbol);
      this.assignment.delete(symbol);
    }
    this.capacities[from] = Math.max(1, this.buckets[from].size);
    this.place(moved);
    this.managers.forEach((manager, i) => manager.updateDesired(this.buckets[i]));
  }

  private addManager(): void {
    const id = `${this.marketType}-${this.nextManagerId++}`;
    this.managers.push(
      new WebSocketManager({
        ...this.options.manager,
        id,
        market: this.marketType,
        sink: this.sinkFor(id),
        logger: this.logger,
      }),
    );
    this.buckets.push(new Set());
    this.capacities.push(this.options.maxTopicsPerConnection);
  }

  private sinkFor(connection: string): ManagerSink {
    const metrics = this.options.metrics;
    const market = this.marketType;
    return {
      onTick: (tick: Tick): void => {
        if (tick.source === 'stream') {
          this.streamTicks++;
          this.unavailable.heardFrom(tick.symbol);
          this.recovery.onStreamTick(tick);
        } else {
          this.catchUpTicks++;
          this.subject.next(tick);
        }
      },
      onSubscribed: (symbols: string[]): string[] => {
        this.unavailable.accepted(symbols);
        return this.recovery.onSubscribed(symbols);
      },
      onRefused: (symbols: string[], code: number): void =>
        this.unavailable.update(symbols, [], `refused ${code}`),
      onUnanswered: (symbols: string[]): void => this.unavailable.update(symbols, [], ACK_TIMEOUT),
      onRejected: (reason: RejectReason): void => {
        this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
      },
      onReconnect: (cause: ReconnectCause): void => {
        metrics?.wsReconnects.inc({ market, cause });
        metrics?.wsConnectionUp.set({ market, connection }, 0);
      },
      onCatchUp: (result: CatchUpResult): void => {
        metrics?.restCatchUps.inc({ market, result });
      },
      onCapacityExceeded: (symbols: string[]): void => this.relocate(connection, symbols),
    };
  }

  /** Symbols on connections that are up: the only ones whose silence means anything. */
  private streamingSymbols(): string[] {
    return this.managers.flatMap((manager, i) =>
      manager.status().state === 'connected' ? [...this.buckets[i]] : [],
    );
  }

  /** Resubscribes silent topics (the ack recovers their gap); a topic silent twice in a row replaces its connection. */
  private onSilentTopics(silent: string[], repeated: string[]): void {
    this.options.metrics?.silentTopics.inc({ market: this.marketType }, silent.length);
    this.logger.warn(
      `${silent.length} topics silent while KuCoin traded; resubscribing: ${silent.slice(0, 20).join(', ')}`,
    );
    const again = new Set(repeated);
    this.managers.forEach((manager, i) => {
      const mine = silent.filter((symbol) => this.assignment.get(symbol) === i);
      if (mine.some((symbol) => again.has(symbol)))
        manager.replace('silent_data', 'a topic stayed silent after a resubscribe');
      else if (mine.length > 0) manager.resubscribe(mine);
    });
  }

  private startFlushing(): void {
    this.auditor.start();
    if (this.flushTimer !== undefined || this.options.metrics === undefined) return;
    this.flushTimer = this.clock().setInterval(
      () => this.flushMetrics(),
      this.options.metricsFlushMs ?? 1_000,
    );
  }

  private flushMetrics(): void {
    const metrics = this.options.metrics;
    if (metrics === undefined) return;
    const market = this.marketType;
    if (this.streamTicks > 0) metrics.ticksReceived.inc({ market, source: 'stream' }, this.streamTicks);
    if (this.catchUpTicks > 0) metrics.ticksReceived.inc({ market, source: 'catch_up' }, this.catchUpTicks);
    if (this.backfillTicks > 0) metrics.ticksReceived.inc({ market, source: 'backfill' }, this.backfillTicks);
    this.streamTicks = 0;
    this.catchUpTicks = 0;
    this.backfillTicks = 0;
    for (const [reason, count] of this.rejected) metrics.framesRejected.inc({ market, reason }, count);
    this.rejected.clear();
    const now = this.clock().now();
    for (const manager of this.managers) {
      const status = manager.status();
      const labels = { market, connection: status.id };
      metrics.wsConnectionUp.set(labels, status.state === 'connected' ? 1 : 0);
      metrics.wsSubscribedTopics.set(labels, status.subscribedTopics);
      if (status.lastMessageAt !== undefined) {
        metrics.wsLastMessageAge.set(labels, Math.max(0, now - status.lastMessageAt) / 1_000);
      }
    }
  }

  private removeGauges(connection: string): void {
    const metrics = this.options.metrics;
    if (metrics === undefined) return;
    const labels = { market: this.marketType, connection };
    metrics.wsConnectionUp.remove(labels);
    metrics.wsSubscribedTopics.remove(labels);
    metrics.wsLastMessageAge.remove(labels);
  }

  private clock(): typeof systemClock {
    return this.options.manager.clock ?? systemClock;
  }
}
