import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { CROSSING_PORT, type CrossingPort } from '../cache/crossing-port';
import { instanceConfig, kucoinConfig } from '../config';
import { marketOfStream } from '../domain/market';
import {
  WATERMARK_STREAMS,
  WatermarkRepository,
  type WatermarkStream,
  type Watermarks,
} from '../firestore/watermark.repository';
import type { FeedGateway } from '../market-feed/feed-gateway';
import { FUTURES_FEED, INSTRUMENT_FEED, SPOT_FEED } from '../market-feed/market-feed.constants';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type Clock, type TimerHandle, systemClock, unrefTimer } from '../timing/clock';
import { withTimeout } from '../timing/timeout';
import { CLOCK } from '../timing/timing.module';
import { ExecutionService } from './execution.service';

/**
 * Restart without amnesia. While running, stores per market (and for the futures index prices) the
 * exchange time through which every watched symbol was evaluated and every crossing written (never past
 * the earliest pending crossing's tick); on start, seeds the feeds with it, so each symbol's trades and
 * index prices since then (capped by the backfill horizon) are recovered before its feed counts as caught
 * up. A deploy, or a crash of every replica, no longer loses the stops crossed meanwhile.
 */
@Injectable()
export class WatermarkService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(WatermarkService.name);
  private readonly gateways: Record<WatermarkStream, FeedGateway>;
  private timer: TimerHandle | undefined;
  private written: Watermarks = {};
  private writing: Promise<void> | undefined;

  constructor(
    private readonly repository: WatermarkRepository,
    @Inject(CROSSING_PORT) private readonly crossings: CrossingPort,
    @Inject(SPOT_FEED) spot: FeedGateway,
    @Inject(FUTURES_FEED) futures: FeedGateway,
    @Inject(INSTRUMENT_FEED) instrument: FeedGateway,
    @Inject(kucoinConfig.KEY) private readonly config: ConfigType<typeof kucoinConfig>,
    @Inject(instanceConfig.KEY) private readonly instance: ConfigType<typeof instanceConfig>,
    private readonly metrics: WorkerMetrics,
    private readonly execution: ExecutionService,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    // The instrument feed recovers its index prices only: a mark-price path has no history.
    this.gateways = { spot, futures, index: instrument };
  }

  /** Before the first collection subscribes anything: the feeds must know where to recover from. */
  async onModuleInit(): Promise<void> {
    if (this.config.watermarkIntervalMs === 0) return;
    try {
      this.written = await withTimeout(
        this.repository.load(),
        this.config.watermarkLoadTimeoutMs,
        this.clock,
      );
      this.metrics.documentsRead.inc({ source: 'watermark' });
      const floor = this.clock.now() - this.config.backfillHorizonMs;
      for (const stream of WATERMARK_STREAMS) {
        const mark = this.written[stream];
        if (mark !== undefined) this.gateways[stream].seedWatermark(Math.max(mark, floor));
      }
      this.logger.log({ msg: 'recovering from the last watermark', ...this.written });
    } catch (error) {
      // Without it, this start recovers nothing from before it: said loudly, but no reason not to run.
      this.logger.error({
        msg: 'could not load the watermark; nothing before this start is recovered',
        error: String(error),
      });
    }
    this.timer = this.clock.setInterval(() => void this.store(), this.config.watermarkIntervalMs);
    unrefTimer(this.timer);
  }

  /** No write may be left running when the Firestore client closes: it would fail inside firebase-admin. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopTimer();
    await this.writing;
  }

  onApplicationShutdown(): void {
    this.stopTimer();
  }

  /** What this replica can vouch for now, per stream. */
  current(): Watermarks {
    const { earliestTickTime } = this.crossings.pendingStats();
    const marks: Watermarks = {};
    for (const stream of WATERMARK_STREAMS) {
      const through = this.gateways[stream].evaluatedThrough();
      if (through === undefined) continue;
      // Pending crossings are kept per market: an index crossing holds back the futures and the index.
      const pending = earliestTickTime[marketOfStream(stream)];
      marks[stream] = pending === undefined ? through : Math.min(through, pending - 1);
    }
    return marks;
  }

  /** Writes the watermark if it moved; a failure is logged and retried at the next interval. */
  store(): Promise<void> {
    // Once shutdown began, a crossing may be released unwritten: moving past it would forget it.
    if (this.writing !== undefined || !this.execution.accepting) return this.writing ?? Promise.resolve();
    const marks = this.current();
    const moved = WATERMARK_STREAMS.some(
      (s) => marks[s] !== undefined && !(marks[s] <= (this.written[s] ?? -Infinity)),
    );
    if (!moved) return Promise.resolve();
    this.writing = this.advance(marks).finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async advance(marks: Watermarks): Promise<void> {
    try {
      this.written = await this.repository.advance(marks, this.instance.instanceId);
      this.metrics.documentsRead.inc({ source: 'watermark' });
    } catch (error) {
      this.logger.warn({ msg: 'storing the watermark failed; retried later', error: String(error) });
    }
  }

  private stopTimer(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}
