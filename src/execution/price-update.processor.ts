import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Subscription } from 'rxjs';
import { CROSSING_PORT, type CrossingPort } from '../cache/crossing-port';
import { executionConfig, instanceConfig } from '../config';
import type { Hit } from '../domain/crossing';
import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { TICK_SOURCES, type TickSource } from './execution.constants';
import { ExecutionService } from './execution.service';
import { orderForReplica, replicaSeed } from './replica-order';
import { type Clock, systemClock } from '../timing/clock';
import { CLOCK } from '../timing/timing.module';

/**
 * The tick path. It makes zero database reads: the books in memory say which levels and triggers a price
 * crosses, and the transaction re-reads only the documents that were hit. A tick that crosses nothing
 * costs two map lookups and two ladder probes, with no allocation and no logging.
 */
@Injectable()
export class PriceUpdateProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PriceUpdateProcessor.name);
  private subscriptions: Subscription[] = [];
  /** Reused for every tick; hits are collected first because checking one out mutates the book being walked. */
  private readonly hits: Hit[] = [];
  private processing = false;
  private tickErrors = 0;
  /** Tick streams that errored or completed while subscribed: they have ended for good. */
  private endedStreams = 0;
  /** This replica's order for a tick's hits (see replica-order). */
  private readonly seed: number;

  constructor(
    @Inject(CROSSING_PORT) private readonly cache: CrossingPort,
    @Inject(TICK_SOURCES) private readonly sources: readonly TickSource[],
    private readonly execution: ExecutionService,
    private readonly metrics: WorkerMetrics,
    @Inject(executionConfig.KEY) private readonly config: ConfigType<typeof executionConfig>,
    @Inject(instanceConfig.KEY)
    instance: Pick<ConfigType<typeof instanceConfig>, 'instanceId'> = {
      instanceId: '',
    },
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.seed = replicaSeed(instance.instanceId);
  }

  onApplicationBootstrap(): void {
    this.subscriptions = this.sources.map((source) =>
      source.ticks$.subscribe({
        next: (tick) => this.onTick(tick),
        error: (error: unknown) => this.onStreamEnded('failed', String(error)),
        complete: () => this.onStreamEnded('completed'),
      }),
    );
  }

  /** Stop taking ticks first, then let what was accepted finish within the grace period. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
    this.endedStreams = 0;
    const drained = await this.execution.shutdown(this.config.shutdownGraceMs);
    this.logger.log({ msg: 'execution stopped', drained, ...this.execution.stats().queue });
  }

  /** Hands every hit the tick crosses to the execution queue; returns how many. Never awaits. */
  processPriceUpdate(tick: Tick): number {
    // A re-entrant call (a tick emitted from inside a submit) must not clobber the shared buffer.
    const hits = this.processing ? [] : this.hits;
    const before = hits.length;
    this.processing = true;
    try {
      const count = this.cache.crossedBy(tick, hits);
      if (count === 0) return 0;
      orderForReplica(hits, before, this.seed);
      for (let i = before; i < hits.length; i++) this.execution.submit(hits[i], tick);
      this.metrics.tickToDecision.observe(
        { market: tick.marketType },
        (this.clock.now() - tick.receivedAt) / 1_000,
      );
      return count;
    } finally {
      hits.length = before;
      if (hits === this.hits) this.processing = false;
    }
  }

  /** `live`: tick streams subscribed and still flowing (an ended one no longer counts). */
  stats(): { readonly tickErrors: number; readonly subscribed: number; readonly live: number } {
    const subscribed = this.subscriptions.length;
    return { tickErrors: this.tickErrors, subscribed, live: subscribed - this.endedStreams };
  }

  /** Only a restart brings an ended stream back: liveness turns red on it (SubsystemsHealthIndicator). */
  private onStreamEnded(how: 'failed' | 'completed', error?: string): void {
    this.endedStreams++;
    // A gateway completes its stream when it stops, which shutdown does before this unsubscribes: that is
    // no error. A failed stream always is.
    if (how === 'failed') this.logger.error({ msg: 'tick stream failed', error });
    else this.logger.log({ msg: 'tick stream completed' });
  }

  /** The stream boundary: a bad tick is logged and counted, and the stream carries on. */
  private onTick(tick: Tick): void {
    try {
      this.processPriceUpdate(tick);
    } catch (error) {
      this.tickErrors++;
      this.logger.error({
        msg: 'processing a tick failed',
        market: tick.marketType,
        symbol: tick.symbol,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
