import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Hit } from '../cache/book/book.types';
import { executionConfig } from '../config';
import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import {
  EXECUTION_CACHE,
  type ExecutionCache,
  IN_FLIGHT_SETTLE_MS,
  QUEUE_GAUGE_INTERVAL_MS,
} from './execution.constants';
import { type ExecutionRequest, type OutcomeKind, OUTCOME_KINDS, toRequest } from './execution.types';
import { ExecutionReporter } from './execution.reporter';
import { type AttemptVerdict, ExecutionQueue, type QueueStats } from './queue/execution-queue';
import { FirestoreTransactionService } from './firestore-transaction.service';

export interface ExecutionStats {
  readonly queue: QueueStats;
  /** Attempts by outcome since start. */
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  /** Hits handed back to the cache after their retries gave up (or shutdown dropped them). */
  readonly restored: number;
}

/**
 * Hit -> transaction, with in-flight de-duplication through the cache: a hit is checked out the moment it
 * is handed over, settled when done for good, and restored when retries give up, so this instance never
 * executes one thing twice and never silently drops one.
 */
@Injectable()
export class ExecutionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutionService.name);
  private readonly reporter = new ExecutionReporter(this.logger);
  private readonly queue: ExecutionQueue<ExecutionRequest>;
  private readonly outcomes: Record<OutcomeKind, number> = Object.fromEntries(
    OUTCOME_KINDS.map((kind) => [kind, 0]),
  ) as Record<OutcomeKind, number>;
  private restored = 0;
  private gaugeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(EXECUTION_CACHE) private readonly cache: ExecutionCache,
    private readonly store: FirestoreTransactionService,
    private readonly metrics: WorkerMetrics,
    @Inject(executionConfig.KEY) private readonly config: ConfigType<typeof executionConfig>,
  ) {
    this.queue = new ExecutionQueue<ExecutionRequest>(config, {
      attempt: (request, attempt) => this.attempt(request, attempt),
      exhausted: (request, attempts) => this.giveBack(request, attempts),
      dropped: (request) => this.handBack(request),
      crashed: (request, error) => this.reporter.crashed(request, error),
    });
  }

  onModuleInit(): void {
    this.gaugeTimer = setInterval(() => this.updateGauges(), QUEUE_GAUGE_INTERVAL_MS);
    this.gaugeTimer.unref();
  }

  /**
   * Tick path: O(1), never awaits. Returns false when shutting down; the entry then stays in the live book,
   * and the position stays open in Firestore for another replica or the next start.
   */
  submit(hit: Hit, tick: Tick): boolean {
    if (!this.queue.accepting) return false;
    this.cache.checkOut(hit);
    return this.queue.enqueue(toRequest(hit, tick));
  }

  stats(): ExecutionStats {
    this.updateGauges();
    return { queue: this.queue.stats(), outcomes: { ...this.outcomes }, restored: this.restored };
  }

  /** Stops accepting hits and waits for everything accepted to finish; false if the time ran out. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.queue.drain(timeoutMs);
  }

  /** Drain within the grace period; what is left is dropped (it stays open in Firestore) and logged. */
  async shutdown(graceMs: number = this.config.shutdownGraceMs): Promise<boolean> {
    const drained = await this.drain(graceMs);
    if (!drained) {
      const dropped = this.queue.abandon();
      const inFlightSettled = await this.queue.drain(IN_FLIGHT_SETTLE_MS);
      this.logger.warn({
        msg: 'shutdown grace ran out; unfinished executions left for another replica',
        dropped,
        inFlightSettled,
      });
    }
    this.stopGauges();
    return drained;
  }

  onApplicationShutdown(): void {
    this.queue.abandon();
    this.stopGauges();
  }

  private async attempt(request: ExecutionRequest, attempt: number): Promise<AttemptVerdict> {
    const outcome = await this.store.execute(request);
    this.outcomes[outcome.kind]++;
    this.reporter.outcome(request, outcome, attempt);
    if (outcome.kind === 'failed_retryable') return 'retry';
    // Still open, with levels the user changed since the cache saw them: the entry goes back into the book
    // as the transaction found it, so later ticks are judged on the current levels instead of each one
    // costing another transaction until the listener brings the change.
    if (outcome.kind === 'already_handled' && outcome.reason === 'not_crossed')
      this.cache.restore(request.hit, outcome.current);
    else this.cache.settle(request.hit);
    return 'done';
  }

  private giveBack(request: ExecutionRequest, attempts: number): void {
    this.restored++;
    this.cache.restore(request.hit);
    this.reporter.gaveUp(request, attempts);
  }

  /** Shutdown: quietly back into the book (the position is still open in Firestore); shutdown logs the count. */
  private handBack(request: ExecutionRequest): void {
    this.restored++;
    this.cache.restore(request.hit);
  }

  private updateGauges(): void {
    this.metrics.executionQueueLength.set(this.queue.length);
    this.metrics.executionQueueOldestAge.set(this.queue.oldestAgeMs() / 1_000);
  }

  private stopGauges(): void {
    if (this.gaugeTimer !== undefined) clearInterval(this.gaugeTimer);
    this.gaugeTimer = undefined;
    this.updateGauges();
  }
}
