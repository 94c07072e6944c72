import { RandomWalk, normal, roundToTick, seededUniform, tickSize } from './random-walk';

describe('seededUniform', () => {
  it('replays the same sequence from the same seed, within [0, 1)', () => {
    const a = seededUniform(42);
    const b = seededUniform(42);
    const values = Array.from({ length: 1_000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1_000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

describe('normal', () => {
  it('has mean about 0 and standard deviation about 1', () => {
    const uniform = seededUniform(7);
    const draws = Array.from({ length: 20_000 }, () => normal(uniform));
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    const variance = draws.reduce((sum, x) => sum + (x - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.sqrt(variance)).toBeCloseTo(1, 1);
  });

  it('is finite even when the uniform source returns 0', () => {
    expect(Number.isFinite(normal(() => 0))).toBe(true);
  });
});

describe('RandomWalk', () => {
  it('moves by about volatility · sqrt(steps) and stays positive and on the tick grid', () => {
    const walk = new RandomWalk(60_000, 0.0003, seededUniform(1));
    const logReturns: number[] = [];
    let previous = walk.price;
    for (let i = 0; i < 5_000; i++) {
      const price = walk.next();
      expect(price).toBeGreaterThan(0);
      expect(roundToTick(price)).toBe(price);
      logReturns.push(Math.log(price / previous));
      previous = price;
    }
    const sd = Math.sqrt(logReturns.reduce((sum, r) => sum + r * r, 0) / logReturns.length);
    expect(sd).toBeGreaterThan(0.0002);
    expect(sd).toBeLessThan(0.0004);
  });

  it('is reproducible from a seed', () => {
    const a = new RandomWalk(3_000, 0.001, seededUniform(9));
    const b = new RandomWalk(3_000, 0.001, seededUniform(9));
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
  });

  it('refuses a non-positive start', () => {
    expect(() => new RandomWalk(0, 0.001)).toThrow(RangeError);
  });
});

describe('tick size', () => {
  it.each([
    [60_123.456, 0.1, 60_123.5],
    [3_000.123, 0.01, 3_000.12],
    [0.51234567, 0.00001, 0.51235],
  ])('%p is quoted in steps of %p', (price, tick, rounded) => {
    expect(tickSize(price)).toBeCloseTo(tick, 12);
    expect(roundToTick(price)).toBe(rounded);
  });
});
