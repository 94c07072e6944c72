/**
 * At most `limit` events in any window of `windowMs` (a sliding log). Used for KuCoin's 100 client
 * messages per 10 s per connection and 30 new connections per minute. Pure: time is passed in.
 */
export class SlidingWindowLimiter {
  private readonly stamps: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Events counted in the window ending at `now`. */
  used(now: number): number {
    this.evict(now);
    return this.stamps.length;
  }

  /** Whether `count` more events (default 1) fit now, keeping `reserve` slots free for others. */
  canTake(now: number, reserve = 0): boolean {
    return this.used(now) + 1 + reserve <= this.limit;
  }

  tryTake(now: number, reserve = 0): boolean {
    if (!this.canTake(now, reserve)) return false;
    this.stamps.push(now);
    return true;
  }

  /** Records an event that must happen regardless (a ping); it still uses up the budget. */
  record(now: number): void {
    this.evict(now);
    this.stamps.push(now);
  }

  /** ms from `now` until one more event (with `reserve`) fits; 0 when it fits already. */
  waitMs(now: number, reserve = 0): number {
    this.evict(now);
    const excess = this.stamps.length + 1 + reserve - this.limit;
    if (excess <= 0) return 0;
    const stamp = this.stamps[Math.min(excess - 1, this.stamps.length - 1)];
    return Math.max(1, stamp + this.windowMs - now);
  }

  private evict(now: number): void {
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] <= now - this.windowMs) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}

/** A budget of new connections: how long until one may open, and that one did. */
export interface ConnectionBudget {
  /** `retry`: a connection opened again after a failed attempt (see PacedWindowLimiter). */
  waitMs(now: number, retry?: boolean): number;
  record(now: number, retry?: boolean): void;
}

/**
 * The replica's share of KuCoin's new connections per minute: never more than `limit` in any window
 * (the sliding log), and retries paced, so that connections retrying on a short backoff through a long
 * outage cannot spend the whole window before KuCoin is back. Retries (attempts after a failed one) may
 * spend half the limit at once and then one every windowMs / ceil(limit / 2) (4 s of 30 per minute);
 * first connections (a start, a new shard, the first reconnect after a healthy connection) take only
 * the window, so a start opens as many as the share allows at once. Unpaced, the first connection after
 * such an outage waited up to a whole minute for the oldest attempt to leave the window.
 */
export class PacedWindowLimiter implements ConnectionBudget {
  private readonly window: SlidingWindowLimiter;
  private readonly retries: TokenBucket;

  constructor(limit: number, windowMs: number) {
    this.window = new SlidingWindowLimiter(limit, windowMs);
    this.retries = new TokenBucket(Math.ceil(limit / 2), windowMs);
  }

  waitMs(now: number, retry = false): number {
    const window = this.window.waitMs(now);
    return retry ? Math.max(window, this.retries.waitMs(now, 1)) : window;
  }

  record(now: number, retry = false): void {
    this.window.record(now);
    if (retry) this.retries.record(now, 1);
  }
}

/** A budget of REST weight: whether a call of `cost` may go now, and how long until it may. */
export interface RestBudget {
  tryTake(now: number, cost: number): boolean;
  waitMs(now: number, cost: number): number;
}

/**
 * At most `limit` weight in any window of `windowMs` (a sliding log of weighted calls). The process's
 * REST budget: KuCoin counts weight per fixed 30 s window, and a replica that never spends more than its
 * share in any 30 s can never spend more in one of KuCoin's windows either (a token bucket of the same
 * size could spend twice its capacity within one window: the full bucket, then the refill).
 */
export class WeightWindow implements RestBudget {
  private readonly calls: Array<{ readonly at: number; readonly cost: number }> = [];
  private spent = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Weight counted in the window ending at `now`. */
  used(now: number): number {
    this.evict(now);
    return this.spent;
  }

  tryTake(now: number, cost = 1): boolean {
    if (this.waitMs(now, cost) > 0) return false;
    this.calls.push({ at: now, cost });
    this.spent += cost;
    return true;
  }

  /**
   * ms from `now` until `cost` more fits; 0 when it fits already. A cost above the limit never fits (the
   * configuration rules that out): it is told to wait a whole window, so a caller retries rather than spins.
   */
  waitMs(now: number, cost = 1): number {
    this.evict(now);
    let excess = this.spent + cost - this.limit;
    if (excess <= 0) return 0;
    if (cost > this.limit) return this.windowMs;
    for (const call of this.calls) {
      excess -= call.cost;
      if (excess <= 0) return Math.max(1, call.at + this.windowMs - now);
    }
    return this.windowMs;
  }

  private evict(now: number): void {
    while (this.calls.length > 0 && this.calls[0].at <= now - this.windowMs) {
      this.spent -= this.calls[0].cost;
      this.calls.shift();
    }
  }
}

/**
 * Classic token bucket: `capacity` tokens, refilled continuously at capacity / refillMs. Kept for tests
 * that want a budget that never gets in the way; within one 30 s it may spend twice its capacity.
 */
export class TokenBucket implements RestBudget {
  private tokens: number;
  private updatedAt: number | undefined;

  constructor(
    readonly capacity: number,
    readonly refillMs: number,
  ) {
    this.tokens = capacity;
  }

  tryTake(now: number, cost = 1): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Spends `cost` that had to go regardless; the bucket may run into debt, paid back by the refill. */
  record(now: number, cost = 1): void {
    this.refill(now);
    this.tokens -= cost;
  }

  /** ms from `now` until `cost` tokens are available. */
  waitMs(now: number, cost = 1): number {
    this.refill(now);
    if (this.tokens >= cost) return 0;
    return Math.ceil(((cost - this.tokens) * this.refillMs) / this.capacity);
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined && now > this.updatedAt) {
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((now - this.updatedAt) * this.capacity) / this.refillMs,
      );
    }
    if (this.updatedAt === undefined || now > this.updatedAt) this.updatedAt = now;
  }
}
