import { Lifecycle, StopRequested } from './lifecycle';

describe('Lifecycle', () => {
  it('releases newest first, and carries on past a failing release', async () => {
    const lifecycle = new Lifecycle();
    const order: string[] = [];
    lifecycle.adopt('emulator', () => Promise.resolve(void order.push('emulator')));
    lifecycle.adopt('simulator', () => Promise.reject(new Error('boom')));
    lifecycle.adopt('worker', () => Promise.resolve(void order.push('worker')));
    const failures: string[] = [];
    await expect(lifecycle.releaseAll((name) => failures.push(name))).resolves.toEqual([
      'worker',
      'emulator',
    ]);
    expect(order).toEqual(['worker', 'emulator']);
    expect(failures).toEqual(['simulator']);
  });

  it('releases each resource once', async () => {
    const lifecycle = new Lifecycle();
    const release = jest.fn(() => Promise.resolve());
    lifecycle.adopt('x', release);
    await lifecycle.releaseAll(() => undefined);
    await lifecycle.releaseAll(() => undefined);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('resolves `stopped` with the first reason and stops start-up at the next checkpoint', async () => {
    const lifecycle = new Lifecycle();
    expect(() => lifecycle.checkpoint()).not.toThrow();
    lifecycle.requestStop('Ctrl-C');
    lifecycle.requestStop('duration');
    await expect(lifecycle.stopped).resolves.toBe('Ctrl-C');
    expect(lifecycle.stopping).toBe(true);
    expect(() => lifecycle.checkpoint()).toThrow(StopRequested);
  });
});
