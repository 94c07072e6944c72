import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Clock, type TimerHandle, systemClock, unrefTimer } from '../../timing/clock';
import { CLOCK } from '../../timing/timing.module';
import { MAX_EVENT_LOOP_DELAY_MS } from '../health.constants';

/** How often the event-loop delay is moved from the histogram into the rolling window. */
export const EVENT_LOOP_SAMPLE_INTERVAL_MS = 1_000;
/** Samples kept: liveness judges the worst delay of the last 10 s, whoever asks and however often. */
export const EVENT_LOOP_WINDOW_SAMPLES = 10;

/** What the window reads from: `monitorEventLoopDelay`'s histogram (nanoseconds), or a fake in tests. */
export interface DelaySource {
  readonly max: number;
  percentile(percentile: number): number;
  reset(): void;
}

export interface DelayStats {
  readonly maxDelayMs: number;
  readonly p99DelayMs: number;
}

const NS_PER_MS = 1e6;

/**
 * The worst event-loop delay over a fixed rolling window. Only `sample()`, driven by a timer, resets the
 * histogram; `worst()` reads and changes nothing. So a probe's verdict cannot depend on who else called
 * the endpoint: a curl, a second probe or a dashboard cannot wipe the stall the kubelet should see.
 */
export class EventLoopDelayWindow {
  private readonly samples: DelayStats[] = [];

  constructor(
    private readonly source: DelaySource,
    private readonly size = EVENT_LOOP_WINDOW_SAMPLES,
  ) {}

  /** Closes the current interval: its delays join the window, the oldest interval leaves it. */
  sample(): void {
    this.samples.push(this.current());
    if (this.samples.length > this.size) this.samples.shift();
    this.source.reset();
  }

  /** The worst of the window and of the interval still open (a stall in progress counts at once). */
  worst(): DelayStats {
    return [...this.samples, this.current()].reduce((worst, sample) => ({
      maxDelayMs: Math.max(worst.maxDelayMs, sample.maxDelayMs),
      p99DelayMs: Math.max(worst.p99DelayMs, sample.p99DelayMs),
    }));
  }

  private current(): DelayStats {
    return {
      maxDelayMs: Math.round(this.source.max / NS_PER_MS),
      p99DelayMs: Math.round(this.source.percentile(99) / NS_PER_MS),
    };
  }
}

/**
 * Liveness of the process itself: the worst event-loop delay of the last few seconds. A loop that was
 * blocked for seconds misses ticks and heartbeats, and a restart is the only cure. Depends on nothing
 * external, so a KuCoin or Firestore outage never restarts pods.
 */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleDestroy {
  private readonly histogram = monitorEventLoopDelay({ resolution: 20 });
  private readonly window = new EventLoopDelayWindow(this.histogram);
  private readonly timer: TimerHandle;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.histogram.enable();
    this.timer = clock.setInterval(() => this.window.sample(), EVENT_LOOP_SAMPLE_INTERVAL_MS);
    unrefTimer(this.timer);
  }

  check(key = 'event_loop'): HealthIndicatorResult {
    const { maxDelayMs, p99DelayMs } = this.window.worst();
    const session = this.health.check(key);
    const details = {
      maxDelayMs,
      p99DelayMs,
      windowMs: EVENT_LOOP_SAMPLE_INTERVAL_MS * EVENT_LOOP_WINDOW_SAMPLES,
      thresholdMs: MAX_EVENT_LOOP_DELAY_MS,
    };
    return maxDelayMs > MAX_EVENT_LOOP_DELAY_MS ? session.down(details) : session.up(details);
  }

  onModuleDestroy(): void {
    this.clock.clearInterval(this.timer);
    this.histogram.disable();
  }
}
