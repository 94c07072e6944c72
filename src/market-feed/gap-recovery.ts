import type { MarketType, Tick } from '../domain/market';
import type { TradeMark } from '../domain/gap-plan';
import { INDEX_HISTORY_WEIGHT, IndexSymbols, recoverIndexGap } from './kucoin/index-history';
import { CANDLES_WEIGHT, type GapRecoveryDeps, HISTORY_WEIGHT, recoverGap } from './kucoin/kucoin-history';
import type { RateLimitPenalty } from './kucoin/rate-limit-penalty';
import type { RestBudget } from './kucoin/rate-limiters';
import { type RestFailure, RestQueue } from './kucoin/rest-queue';
import type { Clock } from '../timing/clock';
import type { FetchLike } from './kucoin/kucoin-rest';
import type { WatchedTopic } from './topic-audit';
import { type SequencedKind, type SequencerVerdict, TradeSequencer } from './trade-sequencer';

/** A first-subscribe mark sits this far before it: the exchange's and the local clock may differ a little. */
const FIRST_MARK_MARGIN_MS = 5_000;

/** Where a gap's prices are recovered from. */
export interface GapHistory {
  /** How its prices are put in order (TradeSequencer): by the exchange's sequence, or by their time. */
  readonly kind: SequencedKind;
  /** REST weight charged when a recovery starts; a long gap spends more as it goes (more candles). */
  readonly weight: number;
  readonly recover: (deps: GapRecoveryDeps, symbol: string, mark: TradeMark) => Promise<Tick[]>;
}

/** A market's trades: its latest 100 trades, and 1-minute candles before them (kucoin-history). */
export function tradeHistory(market: MarketType): GapHistory {
  return { kind: 'trades', weight: HISTORY_WEIGHT[market] + CANDLES_WEIGHT, recover: recoverGap };
}

/** The futures contracts' index prices: the latest snapshots, and index candles before them (index-history). */
export function indexHistory(): GapHistory {
  const indexSymbols = new IndexSymbols();
  return {
    kind: 'snapshots',
    weight: INDEX_HISTORY_WEIGHT + CANDLES_WEIGHT,
    recover: (deps, symbol, mark) => recoverIndexGap({ ...deps, indexSymbols }, symbol, mark),
  };
}

/** Metric label of one recovery: what it found, or why it failed; `unchecked`: a pause not looked into. */
export type RecoveryResult =
  'recovered' | 'nothing_missed' | 'rate_limited' | 'error' | 'gave_up' | 'unchecked';

export interface GapRecoveryOptions {
  readonly market: MarketType;
  /** What is put in order and recovered: the market's trades by default. */
  readonly history?: GapHistory;
  readonly apiUrl: string;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  /** The per-IP REST pool, shared with the ticker catch-up. */
  readonly bucket: RestBudget;
  /** The process's penalty box after a 429 (see RateLimitPenalty). */
  readonly penalty: RateLimitPenalty;
  readonly concurrency: number;
  /** How far back a gap is recovered from candles. */
  readonly horizonMs: number;
  /** Live trades held per symbol while its gap is fetched. */
  readonly maxHeld: number;
  /** Where trades go, in order: the gateway's tick stream. */
  readonly emit: (tick: Tick) => void;
  readonly onRecovery?: (result: RecoveryResult, ticks: number) => void;
  /** A gap given up (its tries used up, or a refusal asking again cannot change): what went wrong last. */
  readonly onGivenUp?: (symbol: string, reason: string) => void;
  readonly onSkipped?: (verdict: Extract<SequencerVerdict, 'stale' | 'overflow'>) => void;
}

/**
 * One market's trade order and gap recovery. Every live trade goes through the sequencer (once, in order);
 * after a (re)subscribe, a symbol that has been evaluated before holds its live trades while the gap since
 * its last evaluated trade is recovered over REST, evaluated first, then released. A symbol never seen
 * has no gap to recover: it gets the ticker catch-up instead.
 */
export class GapRecovery {
  private readonly sequencer: TradeSequencer;
  private readonly queue: RestQueue<Tick[]>;
  private readonly history: GapHistory;
  /** When each symbol's current subscription was acknowledged. */
  private readonly subscribedAt = new Map<string, number>();
  /** When each symbol was first subscribed in this process. */
  private readonly firstSubscribedAt = new Map<string, number>();

  constructor(private readonly options: GapRecoveryOptions) {
    this.history = options.history ?? tradeHistory(options.market);
    this.sequencer = new TradeSequencer(options.emit, options.maxHeld, this.history.kind);
    this.queue = new RestQueue<Tick[]>({
      clock: options.clock,
      bucket: options.bucket,
      penalty: options.penalty,
      market: options.market,
      source: 'gap_recovery',
      weight: this.history.weight,
      concurrency: options.concurrency,
      fetchOne: (symbol) => this.fetch(symbol),
      onResult: (symbol, result, _requestedAt, willRetry, reason) =>
        this.onResult(symbol, result, willRetry, reason),
    });
  }

  onStreamTick(tick: Tick): void {
    const verdict = this.sequencer.onStream(tick);
    if (verdict === 'paused') this.queue.enqueue([tick.symbol]);
    else if (verdict === 'unchecked') this.options.onRecovery?.('unchecked', 0);
    else if (verdict === 'stale' || verdict === 'overflow') this.options.onSkipped?.(verdict);
  }

  /** Starts recovering what these symbols may have missed; returns those with nothing to recover. */
  onSubscribed(symbols: readonly string[]): string[] {
    const unknown: string[] = [];
    const recovering: string[] = [];
    const now = this.options.clock.now();
    for (const symbol of symbols) {
      this.subscribedAt.set(symbol, now);
      const first = this.firstSubscribedAt.get(symbol);
      // Resubscribed before any trade came (a topic silent from the start): recover from its first subscribe.
      if (this.sequencer.mark(symbol) === undefined && first !== undefined)
        this.sequencer.seedSymbol(symbol, first - FIRST_MARK_MARGIN_MS);
      if (this.sequencer.beginRecovery(symbol) !== undefined) recovering.push(symbol);
      else {
        this.firstSubscribedAt.set(symbol, now);
        unknown.push(symbol);
      }
    }
    this.queue.enqueue(recovering);
    return unknown;
  }

  /** A restart watermark: symbols not seen yet are recovered from this exchange time (ms). */
  seedWatermark(time: number): void {
    this.sequencer.seedWatermark(time);
  }

  /** Before its first subscribe: the symbol's trades since `time` are recovered then (see FeedGateway). */
  recoverFrom(symbol: string, time: number): void {
    // Every subscribe records the symbol here, and nothing removes it.
    if (this.subscribedAt.has(symbol)) return;
    this.sequencer.seedEarlier(symbol, time - FIRST_MARK_MARGIN_MS);
  }

  /** The exchange time through which every one of these symbols was evaluated (see TradeSequencer). */
  evaluatedThrough(symbols: Iterable<string>): number | undefined {
    // A symbol with no trade yet counts from its first subscribe (less the clock margin).
    return this.sequencer.evaluatedThrough(symbols, (symbol) => {
      const first = this.firstSubscribedAt.get(symbol);
      return first === undefined ? undefined : first - FIRST_MARK_MARGIN_MS;
    });
  }

  /** The topic audit saw no trade of these symbols after their last evaluated ones, up to `time`. */
  vouch(symbols: readonly string[], time: number): void {
    for (const symbol of symbols) this.sequencer.vouch(symbol, time);
  }

  /** What the topic audit needs of these symbols; those recovering now are left out. */
  watchedTopics(symbols: Iterable<string>): WatchedTopic[] {
    const topics: WatchedTopic[] = [];
    for (const symbol of symbols) {
      const subscribedAt = this.subscribedAt.get(symbol);
      if (subscribedAt === undefined || this.sequencer.isRecovering(symbol)) continue;
      const mark = this.sequencer.mark(symbol);
      topics.push({ symbol, mark, lastPrice: this.sequencer.lastPrice(symbol), subscribedAt });
    }
    return topics;
  }

  recoveringCount(): number {
    return this.sequencer.recovering().length;
  }

  isRecovering(symbol: string): boolean {
    return this.sequencer.isRecovering(symbol);
  }

  stop(): void {
    this.queue.clear();
  }

  private fetch(symbol: string): Promise<Tick[]> {
    const mark = this.sequencer.mark(symbol);
    if (mark === undefined) return Promise.resolve([]);
    const { fetch, market, apiUrl, clock, horizonMs } = this.options;
    const spendMore = (weight: number): Promise<void> => this.spend(weight);
    return this.history.recover(
      { fetch, market, apiUrl, now: () => clock.now(), horizonMs, spendMore },
      symbol,
      mark,
    );
  }

  /** Takes `weight` from the shared REST budget, waiting out a rate-limit pause and the budget's window. */
  private async spend(weight: number): Promise<void> {
    const { clock, bucket, penalty } = this.options;
    for (let wait = penalty.takeRest(bucket, clock.now(), weight); wait > 0;) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
      wait = penalty.takeRest(bucket, clock.now(), weight);
    }
  }

  private onResult(
    symbol: string,
    result: Tick[] | RestFailure,
    willRetry: boolean,
    reason: string | undefined,
  ): void {
    if (Array.isArray(result)) {
      const emitted = this.sequencer.finishRecovery(symbol, result);
      this.options.onRecovery?.(emitted > 0 ? 'recovered' : 'nothing_missed', emitted);
      return;
    }
    this.options.onRecovery?.(willRetry ? result : 'gave_up', 0);
    if (willRetry) return;
    // Given up: the held trades are evaluated now; the gap is lost, counted, and logged with its cause.
    this.sequencer.abandonRecovery(symbol);
    this.options.onGivenUp?.(symbol, reason ?? result);
  }
}
