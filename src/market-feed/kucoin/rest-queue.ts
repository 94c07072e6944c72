import type { MarketType } from '../../domain/market';
import { type BackoffPolicy, backoffDelay } from '../../timing/backoff';
import { KucoinRestError, rateLimitPauseMs } from './kucoin-rest';
import type { RateLimitPenalty, RateLimitSource } from './rate-limit-penalty';
import type { RestBudget } from './rate-limiters';
import type { Clock, TimerHandle } from '../../timing/clock';

/** Outcomes of a catch-up or a gap recovery, for the `worker_rest_catch_up_total` metric. */
export type CatchUpResult = 'ok' | 'empty' | 'invalid_price' | 'rate_limited' | 'error' | 'superseded';

export type RestFailure = 'rate_limited' | 'error';

export interface RestQueueOptions<T> {
  readonly clock: Clock;
  /** Shared by every connection of the process: the REST limit is per IP. */
  readonly bucket: RestBudget;
  /** The process's penalty box, shared by every KuCoin caller: a 429 here pauses them all, theirs this queue. */
  readonly penalty: RateLimitPenalty;
  /** Who is calling, for the rate-limited metric. */
  readonly market: MarketType;
  readonly source: RateLimitSource;
  /** KuCoin weight of one job's calls. */
  readonly weight: number;
  readonly concurrency: number;
  /** One job: the REST calls for one symbol. Throws KucoinRestError (or anything) on failure. */
  readonly fetchOne: (symbol: string) => Promise<T>;
  /**
   * Called with the job's result (or why there is none), the time its request was issued, whether a
   * failure will be tried again (false: this symbol is given up until it is enqueued again), and a
   * failure's error text, for the logs.
   */
  readonly onResult: (
    symbol: string,
    result: T | RestFailure,
    requestedAt: number,
    willRetry: boolean,
    reason?: string,
  ) => void;
}

/**
 * A fetch that failed on the network or with a 5xx is tried again after 1, 2, 4, 8 and 16 s: the price it
 * would have brought may be the only sign of a stop crossed while the feed was down, and the next
 * reconnect may be far away.
 */
const MAX_RETRIES = 5;
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 16_000, jitter: 'none' };

/**
 * Per-symbol REST work after a (re)subscribe: the ticker catch-up, or a gap's recovery. Deduplicated,
 * bounded in concurrency and by the shared REST budget, paused with every other KuCoin caller of the
 * process after a 429 (the shared penalty box), retried on network errors and 5xx;
 * `clear()` drops queued work and late answers.
 */
export class RestQueue<T> {
  private readonly queued = new Set<string>();
  /** Failed attempts so far per symbol, and the timers that will try again. */
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<TimerHandle>();
  private inFlight = 0;
  private generation = 0;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: RestQueueOptions<T>) {}

  enqueue(symbols: Iterable<string>): void {
    for (const symbol of symbols) this.queued.add(symbol);
    this.pump();
  }

  get pending(): number {
    return this.queued.size + this.inFlight;
  }

  clear(): void {
    this.generation++;
    this.queued.clear();
    this.inFlight = 0;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const handle of this.retryTimers) this.options.clock.clearTimeout(handle);
    this.retryTimers.clear();
    this.failures.clear();
  }

  private pump(): void {
    const { clock, bucket, penalty, weight, concurrency } = this.options;
    while (this.queued.size > 0 && this.inFlight < concurrency) {
      const now = clock.now();
      const wait = penalty.takeRest(bucket, now, weight);
      if (wait > 0) return this.wake(wait);
      const symbol = this.queued.values().next().value as string;
      this.queued.delete(symbol);
      this.inFlight++;
      void this.fetchOne(symbol, now, this.generation);
    }
  }

  /** Schedules another try; false once the symbol's tries are used up. */
  private retryLater(symbol: string): boolean {
    const failures = (this.failures.get(symbol) ?? 0) + 1;
    if (failures > MAX_RETRIES) {
      this.failures.delete(symbol); // the next (re)subscribe starts over
      return false;
    }
    this.failures.set(symbol, failures);
    const handle = this.options.clock.setTimeout(
      () => {
        this.retryTimers.delete(handle);
        this.enqueue([symbol]);
      },
      backoffDelay(RETRY_BACKOFF, failures - 1),
    );
    this.retryTimers.add(handle);
    return true;
  }

  private wake(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private async fetchOne(symbol: string, requestedAt: number, generation: number): Promise<void> {
    const { clock, onResult, penalty, market, source } = this.options;
    let result: T | RestFailure;
    let willRetry = false;
    let reason: string | undefined;
    try {
      result = await this.options.fetchOne(symbol);
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      const pauseMs = rateLimitPauseMs(error);
      result = pauseMs !== undefined ? 'rate_limited' : 'error';
      // KuCoin refused the IP, whoever asked: every caller of the process waits as long as it says.
      if (pauseMs !== undefined) penalty.restRefused(clock.now(), market, source, pauseMs);
      if (result === 'rate_limited' && generation === this.generation) {
        this.queued.add(symbol);
        willRetry = true;
      }
      // A 4xx other than 429 will not change by asking again; a network error or a 5xx may.
      const retryable = !(error instanceof KucoinRestError) || error.retryable;
      if (result === 'error' && retryable && generation === this.generation)
        willRetry = this.retryLater(symbol);
    }
    if (generation !== this.generation) return;
    if (result !== 'error') this.failures.delete(symbol);
    this.inFlight--;
    onResult(symbol, result, requestedAt, willRetry, reason);
    this.pump();
  }
}
