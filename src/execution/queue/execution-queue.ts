import { type BackoffPolicy, backoffDelay } from '../../timing/backoff';
import { type Clock, type TimerHandle, systemClock } from '../../timing/clock';
import {
  type AttemptVerdict,
  type QueueHandlers,
  type QueueOptions,
  type QueueStats,
  type QueueTiming,
  START_TURN_BUDGET_MS,
} from './queue.types';

export type { AttemptVerdict, QueueHandlers, QueueOptions, QueueStats, QueueTiming } from './queue.types';

interface Job<T> {
  readonly item: T;
  readonly enqueuedAt: number;
  attempts: number;
  state: 'waiting' | 'running' | 'delayed';
  timer: TimerHandle | undefined;
}

/**
 * A FIFO with bounded concurrency and delayed retries. `enqueue` is O(1) and never awaits, so the tick path
 * can hand work over and return. Attempts start only on a deferred pump, which starts them for at most
 * a turn budget and leaves the rest to the next turn: what frees a slot (an enqueue, a finished attempt, a
 * retry falling due) never starts the next attempt in its own turn. A retrying item gives its slot back
 * while it waits out its backoff. An item is never given up: after `maxAttempts` fast attempts it is
 * retried on a long capped backoff until an attempt says it is done. Only a drain ends that: each such
 * item gets one more attempt at once, and is handed to `dropped` if that fails too. Pure TypeScript: time
 * and timers come from the clock in `timing`.
 */
export class ExecutionQueue<T> {
  private waiting: (Job<T> | undefined)[] = [];
  private head = 0;
  /** Every accepted, unfinished job in insertion order: the first is the oldest. */
  private readonly unfinished = new Set<Job<T>>();
  private running = 0;
  private delayed = 0;
  private acceptsItems = true;
  private closed = false;
  private pumpScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly startTurnBudgetMs: number;
  /** Half jitter, so two replicas contending for the same documents do not retry in lockstep. */
  private readonly fastBackoff: BackoffPolicy;
  private readonly longBackoff: BackoffPolicy;

  constructor(
    private readonly options: QueueOptions,
    private readonly handlers: QueueHandlers<T>,
    timing: QueueTiming = {},
  ) {
    this.clock = timing.clock ?? systemClock;
    this.random = timing.random ?? Math.random;
    this.startTurnBudgetMs = timing.startTurnBudgetMs ?? START_TURN_BUDGET_MS;
    this.fastBackoff = { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, jitter: 'half' };
    this.longBackoff = {
      baseMs: options.pendingRetryBaseMs,
      maxMs: options.pendingRetryMaxMs,
      jitter: 'half',
    };
  }

  /** False once the queue stopped accepting (shutdown): the caller keeps the item. */
  enqueue(item: T): boolean {
    if (!this.acceptsItems) return false;
    const job: Job<T> = {
      item,
      enqueuedAt: this.clock.now(),
      attempts: 0,
      state: 'waiting',
      timer: undefined,
    };
    this.unfinished.add(job);
    this.waiting.push(job);
    this.schedulePump();
    return true;
  }

  get accepting(): boolean {
    return this.acceptsItems;
  }

  get length(): number {
    return this.unfinished.size;
  }

  stats(): QueueStats {
    return {
      length: this.unfinished.size,
      waiting: this.waiting.length - this.head,
      running: this.running,
      delayed: this.delayed,
      oldestAgeMs: this.oldestAgeMs(),
      accepting: this.acceptsItems,
    };
  }

  oldestAgeMs(): number {
    for (const job of this.unfinished) return this.clock.now() - job.enqueuedAt;
    return 0;
  }

  stopAccepting(): void {
    this.acceptsItems = false;
  }

  /** Stops accepting and resolves true once every accepted item is finished, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    this.stopAccepting();
    this.retryLongWaitsNow();
    if (this.unfinished.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (): void => {
        this.clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.clock.setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(waiter);
    });
  }

  /**
   * After a drain timed out: cancels backoff timers and drops what has not started, handing each item to
   * `dropped`. Attempts already running finish, but none is retried. Returns how many were dropped.
   */
  abandon(): number {
    this.acceptsItems = false;
    this.closed = true;
    let dropped = 0;
    for (const job of [...this.unfinished]) {
      if (job.state === 'running') continue;
      if (job.state === 'delayed') {
        this.clock.clearTimeout(job.timer);
        job.timer = undefined;
        this.delayed--;
      }
      dropped++;
      this.complete(job);
      this.handlers.dropped(job.item);
    }
    this.waiting = [];
    this.head = 0;
    return dropped;
  }

  /**
   * On drain, items on the long backoff get their last attempt on the next turn (the pump's) rather than
   * after their backoff, which would hold shutdown up.
   */
  private retryLongWaitsNow(): void {
    for (const job of this.unfinished) {
      if (job.state !== 'delayed' || job.attempts < this.options.maxAttempts) continue;
      this.clock.clearTimeout(job.timer);
      this.retry(job);
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.clock.defer(this.deferredPump);
  }

  private readonly deferredPump = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };

  /** Starts waiting attempts into free slots until the turn's budget is spent (at least one). */
  private pump(): void {
    const startedAt = this.clock.now();
    let started = 0;
    while (!this.closed && this.running < this.options.concurrency && this.head < this.waiting.length) {
      if (started > 0 && this.clock.now() - startedAt >= this.startTurnBudgetMs) {
        this.schedulePump();
        break;
      }
      started++;
      const job = this.waiting[this.head] as Job<T>;
      this.waiting[this.head] = undefined;
      this.head++;
      this.start(job);
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  private start(job: Job<T>): void {
    this.running++;
    job.state = 'running';
    job.attempts++;
    let attempt: Promise<AttemptVerdict>;
    try {
      attempt = this.handlers.attempt(job.item, job.attempts);
    } catch (error) {
      attempt = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    attempt
      .then(
        (verdict) => this.finish(job, verdict),
        (error: unknown) => {
          this.handlers.crashed(job.item, error);
          this.finish(job, 'retry');
        },
      )
      // A throwing exhausted/dropped handler must not become an unhandled rejection; finish() has already
      // kept the queue consistent and pumping.
      .catch((error: unknown) => this.handlers.crashed(job.item, error));
  }

  private finish(job: Job<T>, verdict: AttemptVerdict): void {
    this.running--;
    try {
      this.settle(job, verdict);
    } finally {
      this.schedulePump();
    }
  }

  private settle(job: Job<T>, verdict: AttemptVerdict): void {
    if (verdict === 'done') {
      this.complete(job);
    } else if (this.closed || (!this.acceptsItems && job.attempts >= this.options.maxAttempts)) {
      this.complete(job);
      this.handlers.dropped(job.item);
    } else {
      this.delayed++;
      job.state = 'delayed';
      job.timer = this.clock.setTimeout(() => this.retry(job), this.delayAfter(job.attempts));
      // Last, so a throwing handler cannot leave the item unscheduled.
      if (job.attempts === this.options.maxAttempts) this.handlers.exhausted(job.item, job.attempts);
    }
  }

  /** After the n-th fast attempt: base * 2^(n-1); from the last fast one on, the long backoff from its base. */
  private delayAfter(attempts: number): number {
    const { maxAttempts } = this.options;
    if (attempts < maxAttempts) return backoffDelay(this.fastBackoff, attempts - 1, this.random);
    return backoffDelay(this.longBackoff, attempts - maxAttempts, this.random);
  }

  private retry(job: Job<T>): void {
    job.timer = undefined;
    job.state = 'waiting';
    this.delayed--;
    this.waiting.push(job);
    this.schedulePump();
  }

  private complete(job: Job<T>): void {
    this.unfinished.delete(job);
    if (this.unfinished.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
