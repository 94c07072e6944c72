import { ManualClock } from '../../test/support/doubles/manual-clock';
import { waitAtMost, withTimeout } from './timeout';

describe('timeouts', () => {
  it('withTimeout passes the answer through, and leaves no timer behind', async () => {
    const clock = new ManualClock();
    await expect(withTimeout(Promise.resolve(7), 1_000, clock)).resolves.toBe(7);
    expect(clock.pendingTimers).toEqual([]);
  });

  it('withTimeout rejects once the time is up', async () => {
    const clock = new ManualClock();
    const never = new Promise<number>(() => undefined);
    const bounded = withTimeout(never, 1_000, clock);
    clock.advance(1_000);
    await expect(bounded).rejects.toThrow('the read did not answer within 1000 ms');
  });

  it('waitAtMost returns when the time is up, however long the promise takes', async () => {
    const clock = new ManualClock();
    const waited = waitAtMost(new Promise(() => undefined), 500, clock);
    clock.advance(500);
    await expect(waited).resolves.toBeUndefined();
  });
});
