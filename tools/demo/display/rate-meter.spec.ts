import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('is 0 until there are two samples', () => {
    expect(new RateMeter().sample(100, 0)).toBe(0);
  });

  it('gives events per second over the window', () => {
    const meter = new RateMeter(3_000);
    meter.sample(0, 0);
    expect(meter.sample(40, 1_000)).toBe(40);
    expect(meter.sample(80, 2_000)).toBe(40);
  });

  it('forgets samples older than the window, so a change shows within it', () => {
    const meter = new RateMeter(2_000);
    for (let t = 0; t <= 5_000; t += 1_000) meter.sample(t * 0.1, t); // 100/s
    let rate = 0;
    for (let t = 6_000; t <= 9_000; t += 1_000) rate = meter.sample(500 + (t - 5_000) * 0.01, t); // then 10/s
    expect(rate).toBeCloseTo(10, 5);
  });
});
