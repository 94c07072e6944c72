import fc from 'fast-check';
import { PacedWindowLimiter, SlidingWindowLimiter, TokenBucket, WeightWindow } from './rate-limiters';

describe('SlidingWindowLimiter', () => {
  it('allows `limit` events per window and says when the next one fits', () => {
    const limiter = new SlidingWindowLimiter(3, 1_000);
    expect([0, 10, 20, 30].map((t) => limiter.tryTake(t))).toEqual([true, true, true, false]);
    expect(limiter.waitMs(30)).toBe(970);
    expect(limiter.tryTake(999)).toBe(false);
    expect(limiter.tryTake(1_000)).toBe(true);
  });

  it('keeps a reserve free and still records forced events', () => {
    const limiter = new SlidingWindowLimiter(3, 1_000);
    expect(limiter.tryTake(0, 1)).toBe(true);
    expect(limiter.tryTake(0, 1)).toBe(true);
    expect(limiter.tryTake(0, 1)).toBe(false);
    limiter.record(0);
    expect(limiter.used(0)).toBe(3);
    expect(limiter.waitMs(500, 1)).toBe(500);
  });
});

describe('WeightWindow', () => {
  it('lets at most `limit` weight through in any window, and says when a call of a given weight fits', () => {
    const window = new WeightWindow(20, 30_000);
    expect(window.tryTake(0, 15)).toBe(true);
    expect(window.tryTake(1_000, 3)).toBe(true);
    expect(window.tryTake(2_000, 3)).toBe(false);
    expect(window.used(2_000)).toBe(18);
    // 2 fits now; 3 needs the first call (15) to leave the window at 30 s.
    expect(window.waitMs(2_000, 2)).toBe(0);
    expect(window.waitMs(2_000, 3)).toBe(28_000);
    expect(window.tryTake(29_999, 3)).toBe(false);
    expect(window.tryTake(30_000, 3)).toBe(true);
    expect(window.used(30_000)).toBe(6);
  });

  it('never lets twice its limit through within one window, as a full token bucket and its refill would', () => {
    const window = new WeightWindow(100, 30_000);
    const bucket = new TokenBucket(100, 30_000);
    const spent = (budget: WeightWindow | TokenBucket): number => {
      let total = 0;
      for (let t = 0; t < 30_000; t += 100) if (budget.tryTake(t, 2)) total += 2;
      return total;
    };
    expect(spent(window)).toBe(100);
    expect(spent(bucket)).toBeGreaterThan(190);
  });

  it('tells a call heavier than the whole limit to wait a window rather than spin', () => {
    const window = new WeightWindow(10, 30_000);
    expect(window.tryTake(0, 15)).toBe(false);
    expect(window.waitMs(0, 15)).toBe(30_000);
  });
});

describe('TokenBucket', () => {
  it('spends and refills continuously', () => {
    const bucket = new TokenBucket(2_000, 30_000);
    expect(bucket.tryTake(0, 2_000)).toBe(true);
    expect(bucket.tryTake(0, 2)).toBe(false);
    expect(bucket.waitMs(0, 2)).toBe(30);
    expect(bucket.tryTake(30, 2)).toBe(true);
    expect(bucket.tryTake(60_000, 2_000)).toBe(true);
  });

  it('never exceeds its capacity', () => {
    const bucket = new TokenBucket(10, 1_000);
    expect(bucket.tryTake(1_000_000, 10)).toBe(true);
    expect(bucket.tryTake(1_000_000, 1)).toBe(false);
  });
});

describe('PacedWindowLimiter', () => {
  /** Takes whenever the limiter says it may, probing at the given times; returns the times taken. */
  const takeAt = (limiter: PacedWindowLimiter, times: readonly number[], retry = true): number[] =>
    times.filter((t) => limiter.waitMs(t, retry) === 0 && (limiter.record(t, retry), true));

  it('lets retries spend half the limit at once, then one every windowMs / ceil(limit / 2)', () => {
    const limiter = new PacedWindowLimiter(30, 60_000);
    expect(
      takeAt(
        limiter,
        Array.from({ length: 20 }, () => 0),
      ),
    ).toHaveLength(15);
    expect(limiter.waitMs(0, true)).toBe(4_000);
    expect(limiter.waitMs(3_999, true)).toBe(1);
    expect(takeAt(limiter, [4_000, 4_001, 8_000])).toEqual([4_000, 8_000]);
  });

  it('lets first connections use the whole window at once, unpaced', () => {
    const limiter = new PacedWindowLimiter(30, 60_000);
    expect(
      takeAt(
        limiter,
        Array.from({ length: 40 }, () => 0),
        false,
      ),
    ).toHaveLength(30);
    expect(limiter.waitMs(0, false)).toBe(60_000);
  });

  it('after a retry storm, the next connection waits a pace, not the window', () => {
    const paced = new PacedWindowLimiter(30, 60_000);
    const unpaced = new SlidingWindowLimiter(30, 60_000);
    // Probes every 200 ms for 20 s, as a feed on a short backoff would during an outage.
    const storm = Array.from({ length: 100 }, (_, i) => i * 200);
    takeAt(paced, storm);
    storm.forEach((t) => unpaced.tryTake(t));
    expect(paced.waitMs(20_000, true)).toBeLessThanOrEqual(4_000);
    expect(paced.waitMs(20_000, false)).toBe(0);
    expect(unpaced.waitMs(20_000)).toBeGreaterThan(30_000);
  });

  it('never lets more than `limit` through in any window, whatever the probing (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.boolean()), {
          minLength: 1,
          maxLength: 300,
          size: 'max',
        }),
        (limit, probes) => {
          const limiter = new PacedWindowLimiter(limit, 60_000);
          let t = 0;
          const taken: number[] = [];
          for (const [gap, retry] of probes) {
            t += gap;
            if (limiter.waitMs(t, retry) === 0) {
              limiter.record(t, retry);
              taken.push(t);
            }
          }
          const inWindow = (start: number) => taken.filter((x) => x >= start && x < start + 60_000).length;
          return taken.every((start) => inWindow(start) <= limit);
        },
      ),
    );
  });

  it('paces retries at a limit of one to one per window', () => {
    const limiter = new PacedWindowLimiter(1, 60_000);
    expect(takeAt(limiter, [0, 1, 59_999, 60_000])).toEqual([0, 60_000]);
  });
});
