import { SlidingWindowLimiter, TokenBucket } from './rate-limiters';

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
