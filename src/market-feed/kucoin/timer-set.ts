import type { Clock, TimerHandle } from '../../timing/clock';

/** Named one-shot and repeating timers that can all be cleared at once, so a teardown leaves none behind. */
export class TimerSet<Name extends string> {
  private readonly timers = new Map<Name, { handle: TimerHandle; repeat: boolean }>();

  constructor(private readonly clock: Clock) {}

  has(name: Name): boolean {
    return this.timers.has(name);
  }

  /** (Re)arms `name`; a one-shot timer forgets itself before running. */
  set(name: Name, ms: number, fn: () => void, repeat = false): void {
    this.clear(name);
    const handle = repeat
      ? this.clock.setInterval(fn, ms)
      : this.clock.setTimeout(() => {
          this.timers.delete(name);
          fn();
        }, ms);
    this.timers.set(name, { handle, repeat });
  }

  clear(name: Name): void {
    const timer = this.timers.get(name);
    if (timer === undefined) return;
    this.timers.delete(name);
    if (timer.repeat) this.clock.clearInterval(timer.handle);
    else this.clock.clearTimeout(timer.handle);
  }

  clearAll(): void {
    for (const name of [...this.timers.keys()]) this.clear(name);
  }
}
