import type { Clock, TimerHandle } from '../../../src/timing/clock';

interface ManualTimer {
  at: number;
  readonly every: number | undefined;
  readonly fn: () => void;
}

/** Hand-driven time: nothing runs until the test says so (`advance`, `runDeferred`). Test-only. */
export class ManualClock implements Clock {
  time: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();
  private deferred: (() => void)[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add({ at: this.time + ms, every: undefined, fn });
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add({ at: this.time + ms, every: Math.max(1, ms), fn });
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }

  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Time left on each armed timer, soonest first. */
  get pendingTimers(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }

  runDeferred(): void {
    const callbacks = this.deferred;
    this.deferred = [];
    for (const callback of callbacks) callback();
  }

  /** Moves time forward, firing due timers in order (an interval as often as it falls due). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every === undefined) this.timers.delete(id);
      else timer.at += timer.every;
      timer.fn();
    }
    this.time = until;
  }

  private add(timer: ManualTimer): number {
    const id = this.nextId++;
    this.timers.set(id, timer);
    return id;
  }
}
