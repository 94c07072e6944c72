import type { MarketType } from '../../domain/market';
import type { RestBudget } from './rate-limiters';

/** Which call KuCoin refused for rate: the `source` label of `worker_kucoin_rate_limited_total`. */
export type RateLimitSource = 'token' | 'catch_up' | 'gap_recovery' | 'audit' | 'websocket';

/** The pause when KuCoin names none: a 429 without `gw-ratelimit-reset`, a refused connection. */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 30_000;

export interface RateLimitNotice {
  readonly market: MarketType;
  readonly source: RateLimitSource;
  /** How long KuCoin asked the process to wait, in ms. */
  readonly pauseMs: number;
  /** True when no pause was running before this refusal: worth one log line, the rest only a count. */
  readonly started: boolean;
}

/**
 * The process's one penalty box for KuCoin's per-IP limits, shared by both markets. A 429 on any REST
 * call (a connection's token, a catch-up, a gap recovery, an audit) stops every REST call and every new
 * connection (each begins with a token call) until KuCoin's `gw-ratelimit-reset` has passed: the pool
 * is per IP, so one caller's 429 is everyone's, and callers retrying on backoffs of their own would keep
 * it exhausted. A connection refused for rate stops new connections only. Replicas behind one IP get the
 * same 429s and each backs off by itself. Pure: time is passed in.
 */
export class RateLimitPenalty {
  private restUntil = 0;
  private connectionsUntil = 0;

  constructor(private readonly onRefused?: (notice: RateLimitNotice) => void) {}

  /** A REST call answered 429: nothing goes out, and no connection opens, for `pauseMs`. */
  restRefused(now: number, market: MarketType, source: RateLimitSource, pauseMs?: number): void {
    const started = this.connectionWaitMs(now) === 0;
    const pause = positiveOr(pauseMs);
    this.restUntil = Math.max(this.restUntil, now + pause);
    this.onRefused?.({ market, source, pauseMs: pause, started });
  }

  /** A WebSocket connection refused for rate: no new connection for `pauseMs`; REST calls go on. */
  connectionRefused(now: number, market: MarketType, pauseMs?: number): void {
    const started = this.connectionWaitMs(now) === 0;
    const pause = positiveOr(pauseMs);
    this.connectionsUntil = Math.max(this.connectionsUntil, now + pause);
    this.onRefused?.({ market, source: 'websocket', pauseMs: pause, started });
  }

  /** ms from `now` until a REST call may go; 0 when it may now. */
  restWaitMs(now: number): number {
    return Math.max(0, this.restUntil - now);
  }

  /**
   * The one gate of every KuCoin REST call: takes `weight` from `budget` unless a pause is running.
   * 0 when taken; otherwise the ms to wait before asking again (the pause, or the budget's window).
   */
  takeRest(budget: RestBudget, now: number, weight: number): number {
    const paused = this.restWaitMs(now);
    if (paused > 0) return paused;
    return budget.tryTake(now, weight) ? 0 : Math.max(1, budget.waitMs(now, weight));
  }

  /** ms from `now` until a new connection may open (its token call included); 0 when it may now. */
  connectionWaitMs(now: number): number {
    return Math.max(0, this.restUntil - now, this.connectionsUntil - now);
  }
}

function positiveOr(pauseMs: number | undefined): number {
  return pauseMs !== undefined && pauseMs > 0 ? pauseMs : DEFAULT_RATE_LIMIT_PAUSE_MS;
}
