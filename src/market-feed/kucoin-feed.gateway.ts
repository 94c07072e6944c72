import { Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { type MarketType, type Tick, isValidSymbol } from '../domain/market';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { systemClock } from '../timing/clock';
import { ConnectionSlots } from './connection-slots';
import type { FeedGateway, FeedStatus } from './feed-gateway';
import { FeedMetrics } from './feed-metrics';
import { GapRecovery, indexHistory } from './gap-recovery';
import type { ManagerSink } from './kucoin/connection-events';
import type { ConnectionIo, ConnectionLimits } from './kucoin/connection-options';
import type { FeedChannel } from './kucoin/feed-channel';
import { globalFetch } from './kucoin/kucoin-rest';
import { KUCOIN_REST_WEIGHT_PER_30S } from './kucoin/kucoin.constants';
import { RateLimitPenalty } from './kucoin/rate-limit-penalty';
import { WeightWindow } from './kucoin/rate-limiters';
import { WebSocketManager } from './kucoin/websocket-manager';
import { TopicAuditor } from './topic-auditor';
import { UNLISTED, UnavailableSymbols } from './unavailable-symbols';

export interface KucoinFeedGatewayOptions {
  readonly market: MarketType;
  /** `trades` (default), or `instrument`: the futures mark and index prices (see the class comment). */
  readonly channel?: FeedChannel;
  /** REST base URL of the market; the WebSocket URLs come from its bullet-public answers. */
  readonly apiUrl: string;
  /** Topics one connection may hold; more desired symbols are spread over more connections. */
  readonly maxTopicsPerConnection: number;
  /** Every connection's limits. */
  readonly limits: ConnectionLimits;
  /**
   * Sockets, HTTP, time, the shared budgets and the rate-limit penalty box; unset ones are the real ones,
   * and unset budgets and box are this gateway's own, shared by its connections (see ConnectionIo).
   */
  readonly io?: Partial<ConnectionIo>;
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
 * One market's feed over as many KuCoin connections as its desired symbols need (ConnectionSlots), with
 * the trades of every connection put in order and their gaps recovered (GapRecovery), silent topics found
 * (TopicAuditor) and unavailable symbols reported. Provided once per market (SPOT_FEED, FUTURES_FEED),
 * and for the futures mark and index prices (INSTRUMENT_FEED, the `instrument` channel). There the index
 * prices are put in order by their time and their gaps recovered from KuCoin's index history
 * (index-history); the mark prices go straight out, having no history to recover a gap from (every
 * (re)subscribe catches up from the current mark price: see instrument-prices); no audit (all-tickers
 * shows trades only), and no pause checks (a connection without data is replaced by its watchdog).
 */
export class KucoinFeedGateway implements FeedGateway {
  readonly marketType: MarketType;
  readonly ticks$: Observable<Tick>;
  private readonly subject = new Subject<Tick>();
  private readonly logger: Logger;
  private readonly slots: ConnectionSlots;
  private readonly counters: FeedMetrics;
  /** The trades', or the index prices' (see the class comment). */
  private readonly recovery: GapRecovery;
  /** The `trades` channel, not the `instrument` one. */
  private readonly trades: boolean;
  private readonly auditor: TopicAuditor | undefined;
  private readonly unavailable: UnavailableSymbols;
  private readonly invalidReported = new Set<string>();
  /** The options' io with the shared budget and penalty box filled in, for every connection. */
  private readonly io: Partial<ConnectionIo>;
  private desired: ReadonlySet<string> = new Set();
  private nextConnectionId = 0;
  private stopped = false;

  constructor(private readonly options: KucoinFeedGatewayOptions) {
    const { market, apiUrl, metrics } = options;
    const trades = (options.channel ?? 'trades') === 'trades';
    this.trades = trades;
    if (!trades && market !== 'futures') throw new Error('the instrument channel is futures only');
    this.marketType = market;
    const name = trades ? (market === 'spot' ? 'Spot' : 'Futures') : 'Instrument';
    this.logger = new Logger(`${name}FeedGateway`);
    this.ticks$ = this.subject.asObservable();
    const io = options.io ?? {};
    const clock = io.clock ?? systemClock;
    // One REST pool and one penalty box for the connections, recoveries and audits alike: KuCoin counts
    // them against one per-IP limit.
    const bucket = io.restBucket ?? new WeightWindow(KUCOIN_REST_WEIGHT_PER_30S / 2, 30_000);
    const penalty = io.ratePenalty ?? new RateLimitPenalty();
    this.io = { ...io, restBucket: bucket, ratePenalty: penalty };
    const fetch = io.fetch ?? globalFetch;
    this.slots = new ConnectionSlots(
      options.maxTopicsPerConnection,
      () => this.openConnection(),
      (manager) => this.counters.removeConnection(manager.id),
      this.logger,
    );
    this.counters = new FeedMetrics(metrics, market, clock, () =>
      this.slots.all.map((slot) => slot.manager.status()),
    );
    const rest = { market, apiUrl, fetch, clock, bucket, penalty };
    const recovery = new GapRecovery({
      ...rest,
      ...(!trades && { history: indexHistory() }),
      concurrency: options.limits.catchUpConcurrency ?? 4,
      horizonMs: options.backfillHorizonMs ?? 86_400_000,
      maxHeld: MAX_HELD_TRADES,
      emit: (tick) => {
        if (tick.source === 'backfill') this.counters.countTick('backfill');
        this.subject.next(tick);
      },
      onRecovery: (result) => metrics?.gapRecoveries.inc({ market, result }),
      onGivenUp: (symbol, reason) =>
        this.logger.warn(
          `${market} ${trades ? 'trade' : 'index price'} gap of ${symbol} given up (${reason}): its prices were not evaluated`,
        ),
      onSkipped: (reason) => metrics?.tradesSkipped.inc({ market, reason }),
    });
    this.recovery = recovery;
    // The gauge is the trades gateway's: a second gateway of the market would overwrite its count.
    this.unavailable = new UnavailableSymbols(market, this.logger, (count) => {
      if (trades) metrics?.symbolsUnavailable.set({ market }, count);
    });
    const silentTopicMs = options.silentTopicMs ?? 60_000;
    this.auditor = trades
      ? new TopicAuditor({
          ...rest,
          intervalMs: Math.ceil(silentTopicMs / 3),
          graceMs: Math.ceil(silentTopicMs / 3),
          topics: () => recovery.watchedTopics(this.slots.streamingSymbols()),
          onSilent: (silent, repeated) => this.onSilentTopics(silent, repeated),
          onCaughtUp: (symbols, time) => recovery.vouch(symbols, time),
          onListing: (unlisted, listed) => this.unavailable.update(unlisted, listed, UNLISTED),
          onError: (error) => this.logger.warn(`topic audit failed: ${String(error)}`),
        })
      : undefined;
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
    this.slots.update(next);
    this.auditor?.start();
    this.counters.start(this.options.metricsFlushMs ?? 1_000);
  }

  desiredSymbols(): ReadonlySet<string> {
    return this.desired;
  }

  status(): FeedStatus {
    return {
      marketType: this.marketType,
      desiredSymbols: this.desired.size,
      connections: this.slots.all.map((slot) => slot.manager.status()),
      recoveringSymbols: this.recovery.recoveringCount(),
      unavailable: this.unavailable.list(),
    };
  }

  /** On the instrument channel, for the index prices (a mark-price path cannot be recovered). */
  seedWatermark(time: number): void {
    this.recovery.seedWatermark(time);
  }

  /** On the instrument channel, for the index prices. */
  recoverFrom(symbol: string, time: number): void {
    this.recovery.recoverFrom(symbol, time);
  }

  /** On the instrument channel, of the index prices. */
  evaluatedThrough(): number | undefined {
    return this.recovery.evaluatedThrough(this.desired);
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.slots.stopAll();
      this.recovery.stop();
      this.auditor?.stop();
      this.counters.stop();
      this.subject.complete();
    }
    return Promise.resolve();
  }

  private openConnection(): WebSocketManager {
    // `futures-mark-0`: the instrument's connections apart from the trades' in status and metrics.
    const prefix = this.trades ? this.marketType : `${this.marketType}-mark`;
    const id = `${prefix}-${this.nextConnectionId++}`;
    return new WebSocketManager({
      id,
      market: this.marketType,
      channel: this.options.channel,
      apiUrl: this.options.apiUrl,
      limits: this.options.limits,
      io: this.io,
      events: { sink: this.sinkFor(id), logger: this.logger },
    });
  }

  private sinkFor(connection: string): ManagerSink {
    const metrics = this.options.metrics;
    const market = this.marketType;
    return {
      onTick: (tick) => {
        if (tick.source === 'stream') {
          this.counters.countTick('stream');
          this.unavailable.heardFrom(tick.symbol);
        } else this.counters.countTick('catch_up');
        // Live trades and every index price go in order (a catch-up's index price may race its recovery);
        // a ticker catch-up and the mark prices go straight out.
        const ordered = this.trades ? tick.source === 'stream' : tick.priceType === 'index';
        if (ordered) this.recovery.onStreamTick(tick);
        else this.subject.next(tick);
      },
      onSubscribed: (symbols) => {
        this.unavailable.accepted(symbols);
        const unknown = this.recovery.onSubscribed(symbols);
        // Every instrument (re)subscribe catches up: the current mark price is all KuCoin keeps of it.
        return this.trades ? unknown : symbols;
      },
      onRefused: (symbols, code) => this.unavailable.update(symbols, [], `refused ${code}`),
      onUnanswered: (symbols) => this.unavailable.update(symbols, [], ACK_TIMEOUT),
      onRejected: (reason) => this.counters.countRejected(reason),
      onReconnect: (cause) => {
        metrics?.wsReconnects.inc({ market, cause });
        metrics?.wsConnectionUp.set({ market, connection }, 0);
      },
      onCatchUp: (result) => metrics?.restCatchUps.inc({ market, result }),
      onCapacityExceeded: (symbols) => {
        if (!this.stopped) this.slots.relocate(connection, symbols);
      },
    };
  }

  /** Resubscribes silent topics (the ack recovers their gap); a topic silent twice in a row replaces its connection. */
  private onSilentTopics(silent: string[], repeated: string[]): void {
    this.options.metrics?.silentTopics.inc({ market: this.marketType }, silent.length);
    this.logger.warn(
      `${silent.length} topics silent while KuCoin traded; resubscribing: ${silent.slice(0, 20).join(', ')}`,
    );
    const again = new Set(repeated);
    for (const slot of this.slots.all) {
      const mine = silent.filter((symbol) => this.slots.slotOf(symbol) === slot);
      if (mine.some((symbol) => again.has(symbol)))
        slot.manager.replace('silent_data', 'a topic stayed silent after a resubscribe');
      else if (mine.length > 0) slot.manager.resubscribe(mine);
    }
  }
}
