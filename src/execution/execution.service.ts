import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CROSSING_PORT, type CrossingPort } from '../cache/crossing-port';
import { executionConfig } from '../config';
import type { Hit } from '../domain/crossing';
import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type Clock, type TimerHandle, systemClock, unrefTimer } from '../timing/clock';
import { CLOCK } from '../timing/timing.module';
import { IN_FLIGHT_SETTLE_MS, QUEUE_GAUGE_INTERVAL_MS } from './execution.constants';
import {
  type ExecutionOutcome,
  type ExecutionRequest,
  type OutcomeKind,
  OUTCOME_KINDS,
  executionKind,
} from './execution.types';
import { ExecutionReporter } from './execution.reporter';
import { type AttemptVerdict, ExecutionQueue, type QueueStats } from './queue/execution-queue';
import { FirestoreTransactionService } from './firestore-transaction.service';

export interface ExecutionStats {
  readonly queue: QueueStats;
  /** Attempts by outcome since start. */
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  /** Crossings that ran out of fast attempts and went on to the long backoff. */
  readonly deferred: number;
  /** Crossings handed back unwritten because shutdown came first. */
  readonly released: number;
}

/**
 * Hit -> pending crossing -> transaction. A hit is checked out of the books as a pending crossing the moment
 * it is handed over, and it stays pending, keeping its tick, until a transaction writes it or finds its
 * document no longer open or no longer crossed; a failure of any kind only means another attempt. So this
 * instance never executes one thing twice and never forgets a crossing while it runs.
 */
@Injectable()
export class ExecutionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutionService.name);
  private readonly reporter = new ExecutionReporter(this.logger);
  private readonly queue: ExecutionQueue<ExecutionRequest>;
  private readonly outcomes: Record<OutcomeKind, number> = Object.fromEntries(
    OUTCOME_KINDS.map((kind) => [kind, 0]),
  ) as Record<OutcomeKind, number>;
  private deferred = 0;
  private released = 0;
  private gaugeTimer: TimerHandle | undefined;

  constructor(
    @Inject(CROSSING_PORT) private readonly cache: CrossingPort,
    private readonly store: FirestoreTransactionService,
    private readonly metrics: WorkerMetrics,
    @Inject(executionConfig.KEY) private readonly config: ConfigType<typeof executionConfig>,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.queue = new ExecutionQueue<ExecutionRequest>(
      config,
      {
        attempt: (request, attempt) => this.attempt(request, attempt),
        exhausted: (request, attempts) => this.defer(request, attempts),
        dropped: (request) => this.release(request),
        crashed: (request, error) => this.reporter.crashed(request, error),
      },
      { clock },
    );
  }

  onModuleInit(): void {
    this.gaugeTimer = this.clock.setInterval(() => this.updateGauges(), QUEUE_GAUGE_INTERVAL_MS);
    unrefTimer(this.gaugeTimer);
  }

  /**
   * Tick path: O(1), never awaits. Returns false when shutting down; the entry then stays in the live book,
   * and the position stays open in Firestore for another replica or the next start.
   */
  submit(hit: Hit, tick: Tick): boolean {
    if (!this.queue.accepting) return false;
    const crossing = this.cache.checkOut(hit, tick);
    return crossing !== undefined && this.queue.enqueue(crossing);
  }

  /** False once shutdown began: crossings may be released unwritten from then on. */
  get accepting(): boolean {
    return this.queue.accepting;
  }

  stats(): ExecutionStats {
    this.updateGauges();
    return {
      queue: this.queue.stats(),
      outcomes: { ...this.outcomes },
      deferred: this.deferred,
      released: this.released,
    };
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
    // Ended meanwhile: its document left `open`, or moved so that this price no longer crosses it.
    if (!this.cache.isPending(request)) return 'done';
    const outcome = await this.store.execute(request);
    this.outcomes[outcome.kind]++;
    this.reporter.outcome(request, outcome, attempt);
    return this.apply(request, outcome) ? 'retry' : 'done';
  }

  /** Tells the cache what the transaction found; true if the crossing is still pending. */
  private apply(request: ExecutionRequest, outcome: ExecutionOutcome): boolean {
    switch (outcome.kind) {
      case 'executed':
        this.cache.settle(request, outcome.seen);
        return false;
      case 'already_handled':
        if (outcome.reason === 'not_crossed') return this.cache.putBack(request, outcome.seen);
        if (outcome.reason === 'reused_id') this.cache.refuse(request);
        else this.cache.settle(request, outcome.seen);
        return false;
      case 'failed_retryable':
      case 'failed_permanent':
        this.cache.keepPending(request);
        return true;
    }
  }

  private defer(request: ExecutionRequest, attempts: number): void {
    this.deferred++;
    this.metrics.crossingsDeferred.inc({ kind: executionKind(request.hit) });
    this.reporter.deferred(request, attempts);
  }

  /** Shutdown: back into the book (the position is still open in Firestore); shutdown logs the count. */
  private release(request: ExecutionRequest): void {
    this.released++;
    this.cache.release(request);
  }

  private updateGauges(): void {
    this.metrics.executionQueueLength.set(this.queue.length);
    this.metrics.executionQueueOldestAge.set(this.queue.oldestAgeMs() / 1_000);
    const pending = this.cache.pendingStats();
    this.metrics.pendingCrossings.set(pending.count);
    const oldest = pending.oldestCrossedAt;
    this.metrics.pendingCrossingOldestAge.set(
      oldest === undefined ? 0 : Math.max(0, this.clock.now() - oldest) / 1_000,
    );
  }

  private stopGauges(): void {
    this.clock.clearInterval(this.gaugeTimer);
    this.gaugeTimer = undefined;
    this.updateGauges();
  }
}
