import type { MarketType, Tick } from '../domain/market';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { Clock, TimerHandle } from '../timing/clock';
import type { ConnectionStatus } from './feed-gateway';
import type { RejectReason } from './kucoin/frame-parser';

/**
 * One market's feed counters and connection gauges. Ticks and rejected frames are counted here and flushed
 * every `flushMs`: prom-client's labelled inc() allocates, and the tick path must not.
 */
export class FeedMetrics {
  private streamTicks = 0;
  private catchUpTicks = 0;
  private backfillTicks = 0;
  private readonly rejected = new Map<RejectReason, number>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly metrics: WorkerMetrics | undefined,
    private readonly market: MarketType,
    private readonly clock: Clock,
    private readonly connections: () => ConnectionStatus[],
  ) {}

  countTick(source: Tick['source']): void {
    if (source === 'stream') this.streamTicks++;
    else if (source === 'backfill') this.backfillTicks++;
    else this.catchUpTicks++;
  }

  countRejected(reason: RejectReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  /** Starts flushing every `flushMs` (once; nothing without a registry). */
  start(flushMs: number): void {
    if (this.timer !== undefined || this.metrics === undefined) return;
    this.timer = this.clock.setInterval(() => this.flush(), flushMs);
  }

  /** Stops the flushing after one last flush. */
  stop(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** A connection was closed for good: its gauges go with it. */
  removeConnection(connection: string): void {
    const metrics = this.metrics;
    if (metrics === undefined) return;
    const labels = { market: this.market, connection };
    metrics.wsConnectionUp.remove(labels);
    metrics.wsSubscribedTopics.remove(labels);
    metrics.wsLastMessageAge.remove(labels);
  }

  private flush(): void {
    const metrics = this.metrics;
    if (metrics === undefined) return;
    const market = this.market;
    if (this.streamTicks > 0) metrics.ticksReceived.inc({ market, source: 'stream' }, this.streamTicks);
    if (this.catchUpTicks > 0) metrics.ticksReceived.inc({ market, source: 'catch_up' }, this.catchUpTicks);
    if (this.backfillTicks > 0) metrics.ticksReceived.inc({ market, source: 'backfill' }, this.backfillTicks);
    this.streamTicks = 0;
    this.catchUpTicks = 0;
    this.backfillTicks = 0;
    for (const [reason, count] of this.rejected) metrics.framesRejected.inc({ market, reason }, count);
    this.rejected.clear();
    const now = this.clock.now();
    for (const status of this.connections()) {
      const labels = { market, connection: status.id };
      metrics.wsConnectionUp.set(labels, status.state === 'connected' ? 1 : 0);
      metrics.wsSubscribedTopics.set(labels, status.subscribedTopics);
      if (status.lastMessageAt !== undefined) {
        metrics.wsLastMessageAge.set(labels, Math.max(0, now - status.lastMessageAt) / 1_000);
      }
    }
  }
}
