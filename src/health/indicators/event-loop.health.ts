import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { MAX_EVENT_LOOP_DELAY_MS } from '../health.constants';

/**
 * Liveness of the process itself: the worst event-loop delay since the previous check. A loop that was
 * blocked for seconds misses ticks and heartbeats, and a restart is the only cure. Depends on nothing
 * external, so a KuCoin or Firestore outage never restarts pods.
 */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor(private readonly health: HealthIndicatorService) {
    this.histogram.enable();
  }

  check(key = 'event_loop'): HealthIndicatorResult {
    const maxDelayMs = Math.round(this.histogram.max / 1e6);
    const p99DelayMs = Math.round(this.histogram.percentile(99) / 1e6);
    this.histogram.reset();
    const session = this.health.check(key);
    const details = { maxDelayMs, p99DelayMs, thresholdMs: MAX_EVENT_LOOP_DELAY_MS };
    return maxDelayMs > MAX_EVENT_LOOP_DELAY_MS ? session.down(details) : session.up(details);
  }

  onModuleDestroy(): void {
    this.histogram.disable();
  }
}
