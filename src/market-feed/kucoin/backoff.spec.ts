import fc from 'fast-check';
import { backoffCeiling, fullJitterDelay } from './backoff';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 5, 6, 7, 100].map((a) => backoffCeiling(policy, a))).toEqual([
      1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('full jitter stays within [0, ceiling) for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, r) => {
          const delay = fullJitterDelay(policy, attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(backoffCeiling(policy, attempt));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('spreads over the whole window', () => {
    expect(fullJitterDelay(policy, 3, () => 0)).toBe(0);
    expect(fullJitterDelay(policy, 3, () => 0.5)).toBe(4_000);
    expect(fullJitterDelay(policy, 3, () => 0.9999)).toBe(7_999);
  });
});
