import { performance } from 'node:perf_hooks';

/**
 * KuCoin's ticker pushes "once every 100ms" at most: the first change after a quiet interval is pushed at
 * once (leading), later ones within the interval are folded into one trailing push of the then latest
 * state at the interval's end. So several trades inside one interval (a wick) may never show in a
 * ticker, which is exactly what trade-by-trade evaluation has to survive. Runs on the real monotonic
 * clock, not the injectable exchange clock, because the interval is a property of the wire.
 */
export class TickerThrottle {
  private readonly lastPush = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  /** `intervalMs` 0 pushes every change at once (throughput benchmarks that count one frame per trade). */
  constructor(
    private readonly intervalMs: number,
    private readonly emit: (symbol: string) => void,
  ) {}

  changed(symbol: string): void {
    if (this.intervalMs <= 0) return this.emit(symbol);
    if (this.trailing.has(symbol)) return; // the trailing push reads the latest state when it fires
    const now = performance.now();
    const since = now - (this.lastPush.get(symbol) ?? Number.NEGATIVE_INFINITY);
    if (since >= this.intervalMs) {
      this.lastPush.set(symbol, now);
      this.emit(symbol);
      return;
    }
    const timer = setTimeout(() => {
      this.trailing.delete(symbol);
      this.lastPush.set(symbol, performance.now());
      this.emit(symbol);
    }, this.intervalMs - since);
    timer.unref();
    this.trailing.set(symbol, timer);
  }

  stop(): void {
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
  }
}
