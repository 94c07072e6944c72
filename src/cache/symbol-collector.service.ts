import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { collectorConfig } from '../config/collector.config';
import { OPEN_POSITIONS, TRADE_TRIGGERS } from '../domain/document-paths';
import { PositionRepository } from '../firestore/position.repository';
import { TradeTriggerRepository } from '../firestore/trade-trigger.repository';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type Clock, systemClock } from '../timing/clock';
import { waitAtMost, withTimeout } from '../timing/timeout';
import { CLOCK } from '../timing/timing.module';
import type { EntryKind } from '../domain/crossing';
import type { CollectionTicket, RepairCounts } from './cache-core';
import { CacheCore } from './cache-core';
import { CACHE_TIMING, CacheTiming, COLLECTOR_JOB } from './cache.constants';
import { needsFullRead } from './full-read-policy';
import { BUILD_TURN_BUDGET_MS, type FullReadResults, type TakeItem, readBookItems } from './full-read-items';
import { PageGate } from './page-gate';
import { LiquidationPolicy } from './liquidation-policy';
import { RejectReporter } from './reject-reporter';
import { SymbolCache } from './symbol-cache';
import { WatchedSymbolsService } from './watched-symbols.service';

export type CollectionRun =
  | { readonly kind: 'collected'; readonly documentsRead: number; readonly durationMs: number }
  | { readonly kind: 'skipped_overlap' }
  | { readonly kind: 'failed'; readonly error: string };

/**
 * Fills the books from a full read of both collection groups on a cron schedule (in poll mode also at start-up).
 * In listen mode it is the reconciliation pass: whatever its read changes in the books is drift the
 * listeners missed, and is counted as a repair. A failed run keeps the books as its read left them (each
 * repair a newer sighting), sweeps nothing, and is retried at the next tick.
 */
@Injectable()
export class SymbolCollectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SymbolCollectorService.name);
  private running: Promise<void> | undefined;
  /** The one-document probe under way, if any; shutdown waits for it like for a run. */
  private probing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(collectorConfig.KEY) private readonly config: ConfigType<typeof collectorConfig>,
    @Inject(CACHE_TIMING) private readonly timing: CacheTiming,
    private readonly scheduler: SchedulerRegistry,
    private readonly positions: PositionRepository,
    private readonly triggers: TradeTriggerRepository,
    private readonly books: CacheCore,
    private readonly cache: SymbolCache,
    private readonly rejects: RejectReporter,
    private readonly watched: WatchedSymbolsService,
    private readonly metrics: WorkerMetrics,
    private readonly liquidation: LiquidationPolicy,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onApplicationBootstrap(): void {
    this.cache.setCacheMode(this.config.cacheMode);
    const job = CronJob.from({
      cronTime: this.config.cron,
      onTick: () => this.onSchedule(),
      start: false,
    });
    this.scheduler.addCronJob(COLLECTOR_JOB, job);
    job.start();
    // In listen mode the listeners' first snapshots are the first load (see needsFullRead).
    if (this.config.cacheMode === 'poll') this.collectInBackground();
    this.liquidation.onChange(() => this.onMarginsChanged());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('cron', COLLECTOR_JOB)) this.scheduler.deleteCronJob(COLLECTOR_JOB);
    // A query still starting when the client is terminated never settles, and firebase-admin rejects it
    // with nobody to catch it ("The client has already been terminated"): wait for the reads under way.
    const reads = [this.running, this.probing].filter((read) => read !== undefined);
    if (reads.length > 0) await waitAtMost(Promise.all(reads), this.timing.shutdownWaitMs, this.clock);
  }

  /** Reads everything into the books and sweeps out what it did not find; never throws, never runs twice at once. */
  collectAllSymbols(): Promise<CollectionRun> {
    if (this.running) {
      this.metrics.collectorRuns.inc({ result: 'skipped_overlap' });
      this.cache.recordSkippedRun();
      return Promise.resolve({ kind: 'skipped_overlap' });
    }
    const started = performance.now();
    const countRepairs = this.cache.stats().listenersLive;
    const ticket = this.books.beginCollection();
    const gate = new PageGate({
      pageSize: this.config.pageSize,
      pageTimeoutMs: this.timing.pageTimeoutMs,
      clock: this.clock,
      stopping: () => this.stopped,
      turnBudgetMs: BUILD_TURN_BUDGET_MS,
    });
    const read = this.readBoth(gate, ticket);
    let readSettled = false;
    const settle = (): Promise<void> => gate.settled().then(() => void (readSettled = true));
    const readDone = read.then(settle, settle);
    const release = (): void => {
      this.running = undefined;
    };
    // The guard holds until every page asked for has answered, even when the run gave up on one (timeout),
    // and is released before the caller sees the result, so "await run; run again" never finds it still set.
    const run = this.collect({ ticket, read, started, countRepairs }).finally(() => {
      if (readSettled) release();
      else void readDone.then(release);
    });
    this.running = Promise.all([run, readDone]).then(() => undefined);
    return run;
  }

  /**
   * A cron tick: a full read in poll mode, when reconciliation is due, after a failure, or while a
   * listener is down. Otherwise a one-document probe, so an outage the listeners hide is still noticed
   * within one schedule interval.
   */
  private onSchedule(): void {
    const { cacheMode, listenersLive, lastSuccessAt, lastFailureAt, lastDurationMs } = this.cache.stats();
    const due = needsFullRead({
      cacheMode,
      listenersLive,
      lastSuccessAt,
      lastFailureAt,
      lastDurationMs,
      reconcileIntervalMs: this.config.reconcileIntervalMs,
      firstSnapshotsSince: this.cache.firstSnapshotsSince(),
      firstSnapshotTimeoutMs: this.config.firstSnapshotTimeoutMs,
      now: this.clock.now(),
    });
    if (due) {
      this.collectInBackground();
      return;
    }
    this.metrics.collectorRuns.inc({ result: 'not_due' });
    if (this.probing || this.running || this.stopped) return;
    this.probing = this.probe().finally(() => (this.probing = undefined));
  }

  /**
   * A failed probe is recorded as a failed run at once, so readiness reports the outage within one
   * schedule interval plus the probe timeout; then a full collection is attempted, and every following
   * run reads in full until one succeeds.
   */
  private async probe(): Promise<void> {
    const started = performance.now();
    try {
      await withTimeout(this.positions.probe(), this.timing.probeTimeoutMs, this.clock);
      this.metrics.documentsRead.inc({ source: 'probe' });
    } catch (error) {
      const message = `Firestore probe failed: ${error instanceof Error ? error.message : String(error)}`;
      this.cache.recordCollection({ ok: false, durationMs: performance.now() - started, error: message });
      this.metrics.collectorRuns.inc({ result: 'probe_failure' });
      this.logger.warn(`${message}; collecting in full`);
      this.collectInBackground();
    }
  }

  /**
   * The contracts' margins changed, and only a read of every position gives each its new liquidation level
   * (the books keep no entry price): a collection starts after the one running, if any, ends. With no
   * collection running and no futures position in the books (the first margins, before any document has
   * arrived), every level still to come is computed with the new margins, and nothing needs reading.
   */
  private onMarginsChanged(): void {
    if (this.running === undefined && this.books.count('position', 'futures') === 0) return;
    void (this.running ?? Promise.resolve()).then(() => this.collectInBackground());
  }

  /** Starts a collection without waiting for it (skipped if one is running or the app is stopping). */
  collectInBackground(): void {
    if (this.stopped) return;
    // collect() reports its own failures; this only guards against a bug escaping it.
    this.collectAllSymbols().catch((error: unknown) =>
      this.logger.error(`Collector crashed: ${String(error)}`),
    );
  }

  private async collect({ ticket, read, started, countRepairs }: PendingRun): Promise<CollectionRun> {
    try {
      const [positions, triggers] = await read;
      const documentsRead = positions.documentsRead + triggers.documentsRead;
      this.metrics.documentsRead.inc({ source: 'collector' }, documentsRead);
      const rejects = [...positions.rejects, ...triggers.rejects];
      this.rejects.report(rejects);
      this.rejects.retainOnly(rejects);
      // Swept in steps: at a million positions the sweep takes seconds, and ticks must keep flowing meanwhile.
      const yieldToOthers = (): Promise<void> => new Promise<void>((resolve) => this.clock.defer(resolve));
      const budget = { ms: BUILD_TURN_BUDGET_MS, now: (): number => this.clock.now() };
      const readTimes = { positions: positions.readVersion, triggers: triggers.readVersion };
      const outcome = await this.books.finishCollectionInSteps(ticket, readTimes, yieldToOthers, budget);
      if (outcome.kind === 'superseded') throw new Error('another collection began during this one');
      if (countRepairs) this.countRepairs({ position: outcome.positions, trigger: outcome.triggers });
      const durationMs = performance.now() - started;
      this.cache.recordCollection({ ok: true, durationMs, documentsRead });
      this.watched.sync();
      this.metrics.collectorRuns.inc({ result: 'success' });
      this.metrics.collectorLastSuccess.set(this.clock.now() / 1000);
      this.metrics.collectorDuration.observe(durationMs / 1000);
      return { kind: 'collected', documentsRead, durationMs };
    } catch (error) {
      const repaired = this.books.abortCollection(ticket);
      if (countRepairs && repaired !== undefined) this.countRepairs(repaired);
      const message = error instanceof Error ? error.message : String(error);
      const durationMs = performance.now() - started;
      this.cache.recordCollection({ ok: false, durationMs, error: message });
      this.metrics.collectorRuns.inc({ result: 'failure' });
      this.metrics.collectorDuration.observe(durationMs / 1000);
      this.logger.error(`Collection failed, keeping the previous books: ${message}`);
      return { kind: 'failed', error: message };
    }
  }

  /** Async so that even a synchronous throw (a terminated client) becomes a failed run, not a crash. */
  private async readBoth(gate: PageGate, ticket: CollectionTicket): Promise<FullReadResults> {
    const take: TakeItem = (kind, item) => this.books.takeRead(ticket, kind, item);
    return readBookItems(this.positions, this.triggers, gate, this.liquidation.levelOf, take);
  }

  /** A repair applied is counted, even by a run that failed after it. */
  private countRepairs(repairs: Record<EntryKind, RepairCounts>): void {
    for (const [kind, collection] of [
      ['position', OPEN_POSITIONS],
      ['trigger', TRADE_TRIGGERS],
    ] as const)
      for (const action of ['added', 'removed', 'updated'] as const) {
        const count = repairs[kind][action];
        if (count === 0) continue;
        this.metrics.cacheRepairs.inc({ collection, action }, count);
        this.logger.warn(`Reconciliation ${action} ${count} ${collection} the listener missed`);
      }
  }
}

interface PendingRun {
  readonly ticket: CollectionTicket;
  readonly read: Promise<FullReadResults>;
  readonly started: number;
  /** Only once listeners are live is a difference drift; before that the collector is the first fill. */
  readonly countRepairs: boolean;
}
