import type { MarketType, Tick } from '../../domain/market';
import { KucoinRestError, fetchTickerBody, restTickerToTick } from './kucoin-rest';
import type { TokenBucket } from './rate-limiters';
import type { Clock, FetchLike, TimerHandle } from './seams';

export type CatchUpResult = 'ok' | 'empty' | 'invalid_price' | 'rate_limited' | 'error' | 'superseded';

export interface CatchUpOptions {
  readonly market: MarketType;
  readonly apiUrl: string;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  /** Shared by every connection of the process: the REST limit is per IP. */
  readonly bucket: TokenBucket;
  /** KuCoin weight of one ticker call. */
  readonly weight: number;
  readonly concurrency: number;
  /** Called with the tick (or the reason there is none) and the time the request was issued. */
  readonly onResult: (symbol: string, result: Tick | CatchUpResult, requestedAt: number) => void;
}

/**
 * A fetch that failed on the network or with a 5xx is tried again after 1, 2, 4, 8 and 16 s: the price it
 * would have brought may be the only sign of a stop crossed while the feed was down, and the next
 * reconnect may be far away.
 */
const MAX_RETRIES = 5;
const RETRY_BASE_MS = 1_000;

/**
 * REST ticker fetches after a (re)subscribe, so a price that moved while the feed was down is seen at once.
 * Deduplicated, bounded in concurrency and by a token bucket; `clear()` drops queued work and late answers.
 */
export class CatchUpQueue {
  private readonly queued = new Set<string>();
  /** Failed attempts so far per symbol, and the timers that will try again. */
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<TimerHandle>();
  private inFlight = 0;
  private generation = 0;
  private timer: TimerHandle | undefined;
  /** After a 429 nothing is sent until the pool has refilled. */
  private pausedUntil = 0;

  constructor(private readonly options: CatchUpOptions) {}

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
    const { clock, bucket, weight, concurrency } = this.options;
    while (this.queued.size > 0 && this.inFlight < concurrency) {
      const now = clock.now();
      if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
      if (!bucket.tryTake(now, weight)) return this.wake(bucket.waitMs(now, weight));
      const symbol = this.queued.values().next().value as string;
      this.queued.delete(symbol);
      this.inFlight++;
      void this.fetchOne(symbol, now, this.generation);
    }
  }

  private retryLater(symbol: string): void {
    const failures = (this.failures.get(symbol) ?? 0) + 1;
    if (failures > MAX_RETRIES) {
      this.failures.delete(symbol); // the next (re)subscribe starts over
      return;
    }
    this.failures.set(symbol, failures);
    const handle = this.options.clock.setTimeout(
      () => {
        this.retryTimers.delete(handle);
        this.enqueue([symbol]);
      },
      RETRY_BASE_MS * 2 ** (failures - 1),
    );
    this.retryTimers.add(handle);
  }

  private wake(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private async fetchOne(symbol: string, requestedAt: number, generation: number): Promise<void> {
    const { market, apiUrl, clock, onResult } = this.options;
    let result: Tick | CatchUpResult;
    try {
      const body = await fetchTickerBody(this.options.fetch, market, apiUrl, symbol);
      result = restTickerToTick(market, symbol, body, clock.now());
    } catch (error) {
      result = error instanceof KucoinRestError && error.status === 429 ? 'rate_limited' : 'error';
      if (result === 'rate_limited' && generation === this.generation) {
        // Other callers share the per-IP pool: back off for as long as KuCoin says, then try again.
        this.pausedUntil = clock.now() + ((error as KucoinRestError).retryAfterMs ?? 30_000);
        this.queued.add(symbol);
      }
      // A 4xx other than 429 will not change by asking again; a network error or a 5xx may.
      const retryable = !(error instanceof KucoinRestError) || error.retryable;
      if (result === 'error' && retryable && generation === this.generation) this.retryLater(symbol);
    }
    if (generation !== this.generation) return;
    if (result !== 'error') this.failures.delete(symbol);
    this.inFlight--;
    onResult(symbol, result, requestedAt);
    this.pump();
  }
}
