import fc from 'fast-check';
import { backoffCeiling, backoffDelay } from './backoff';

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
          const delay = backoffDelay(policy, attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(backoffCeiling(policy, attempt));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('full jitter spreads over the whole window', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(4_000);
    expect(backoffDelay(policy, 3, () => 0.9999)).toBe(7_999);
  });

  it.each([
    [0, 0, 50],
    [0, 0.999, 100],
    [2, 0, 200],
    [2, 0.999, 400],
    [9, 0.999, 1_000],
  ])('half jitter: attempt %p with random %p waits %p ms', (attempt, random, expected) => {
    expect(backoffDelay({ baseMs: 100, maxMs: 1_000, jitter: 'half' }, attempt, () => random)).toBe(expected);
  });

  it('without jitter waits the ceiling', () => {
    const fixed = { baseMs: 1_000, maxMs: 16_000, jitter: 'none' } as const;
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(fixed, a, () => 0))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 16_000,
    ]);
  });
});
