import { HealthIndicatorService } from '@nestjs/terminus';
import { MAX_EVENT_LOOP_DELAY_MS } from '../health.constants';
import {
  DelaySource,
  EVENT_LOOP_SAMPLE_INTERVAL_MS,
  EVENT_LOOP_WINDOW_SAMPLES,
  EventLoopDelayWindow,
  EventLoopHealthIndicator,
} from './event-loop.health';

/** A histogram that records what the test says the loop was delayed by, in milliseconds. */
class FakeDelays implements DelaySource {
  private delaysMs: number[] = [];

  get max(): number {
    return Math.max(0, ...this.delaysMs) * 1e6;
  }

  percentile(): number {
    return this.max;
  }

  record(delayMs: number): void {
    this.delaysMs.push(delayMs);
  }

  reset(): void {
    this.delaysMs = [];
  }
}

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a synchronous stall, as a multi-second parse would be
  }
}

describe('EventLoopDelayWindow', () => {
  const STALL_MS = MAX_EVENT_LOOP_DELAY_MS + 1_000;

  it('keeps a stall for the whole window, however often it is read', () => {
    const delays = new FakeDelays();
    const window = new EventLoopDelayWindow(delays, 3);
    delays.record(STALL_MS);
    window.sample();

    for (let read = 0; read < 50; read += 1) expect(window.worst().maxDelayMs).toBe(STALL_MS);
    window.sample();
    window.sample();
    expect(window.worst().maxDelayMs).toBe(STALL_MS);
    window.sample();
    expect(window.worst().maxDelayMs).toBe(0);
  });

  it('counts the interval still open, before any sample is taken', () => {
    const delays = new FakeDelays();
    const window = new EventLoopDelayWindow(delays, 3);
    delays.record(42);
    expect(window.worst()).toEqual({ maxDelayMs: 42, p99DelayMs: 42 });
    expect(window.worst()).toEqual({ maxDelayMs: 42, p99DelayMs: 42 });
  });

  it('reports the worst sample of the window, not the latest', () => {
    const delays = new FakeDelays();
    const window = new EventLoopDelayWindow(delays, 5);
    for (const delayMs of [10, 900, 20, 30]) {
      delays.record(delayMs);
      window.sample();
    }
    expect(window.worst().maxDelayMs).toBe(900);
  });
});

describe('EventLoopHealthIndicator (liveness of the event loop)', () => {
  let indicator: EventLoopHealthIndicator;

  beforeEach(() => {
    indicator = new EventLoopHealthIndicator(new HealthIndicatorService());
  });

  afterEach(() => indicator.onModuleDestroy());

  it('is up on an idle loop and says what window and threshold it judges by', () => {
    expect(indicator.check()).toEqual({
      event_loop: {
        status: 'up',
        maxDelayMs: expect.any(Number) as number,
        p99DelayMs: expect.any(Number) as number,
        windowMs: EVENT_LOOP_SAMPLE_INTERVAL_MS * EVENT_LOOP_WINDOW_SAMPLES,
        thresholdMs: MAX_EVENT_LOOP_DELAY_MS,
      },
    });
  });

  it('keeps reporting a real stall to every caller: checks do not reset what the kubelet relies on', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    blockFor(300);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const first = indicator.check().event_loop.maxDelayMs as number;
    expect(first).toBeGreaterThanOrEqual(250);
    for (let call = 0; call < 20; call += 1) {
      expect(indicator.check().event_loop.maxDelayMs).toBeGreaterThanOrEqual(first);
    }
    // Once the timer has moved the interval into the window, it is still there.
    await new Promise((resolve) => setTimeout(resolve, EVENT_LOOP_SAMPLE_INTERVAL_MS + 100));
    expect(indicator.check().event_loop.maxDelayMs).toBeGreaterThanOrEqual(first);
  });
});
