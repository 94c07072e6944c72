import type { QueueSeams } from '../../../src/execution/queue/queue-seams';

/** Hand-driven time for queue tests: nothing runs until the test says so. Not used in production. */
export class ManualSeams implements QueueSeams {
  time = 0;
  randomValue = 1;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private deferred: (() => void)[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  defer(callback: () => void): void {
    this.deferred.push(callback);
  }

  random(): number {
    return this.randomValue;
  }

  get pendingTimers(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }

  runDeferred(): void {
    const callbacks = this.deferred;
    this.deferred = [];
    for (const callback of callbacks) callback();
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }
}
