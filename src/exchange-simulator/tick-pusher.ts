import type { SimQuote, SimulatorBook } from './simulator-book';
import type { SimConnection } from './simulator-connection';

const PERIOD_MS = 10;

/** Pushes ticks to subscribers: one-off on a price change, or a steady random-walk stream at a rate. */
export class TickPusher {
  private timer: NodeJS.Timeout | undefined;
  private symbols: string[] | undefined;
  private cursor = 0;
  private carry = 0;

  constructor(
    private readonly book: SimulatorBook,
    private readonly subscribers: ReadonlyMap<string, ReadonlySet<SimConnection>>,
  ) {}

  pushQuote(symbol: string, quote: SimQuote): void {
    const targets = this.subscribers.get(symbol);
    if (targets === undefined || targets.size === 0 || this.book.unknown.has(symbol)) return;
    const frame = this.book.pushFrame(symbol, quote);
    for (const connection of targets) connection.push(frame);
  }

  /** Subscriptions changed: rebuild the round-robin list on the next period. */
  invalidate(): void {
    this.symbols = undefined;
  }

  start(framesPerSecond: number): void {
    this.stop();
    const perPeriod = (framesPerSecond * PERIOD_MS) / 1_000;
    this.timer = setInterval(() => this.period(perPeriod), PERIOD_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private period(perPeriod: number): void {
    if (this.symbols === undefined) {
      this.symbols = [...this.subscribers.entries()]
        .filter(([symbol, set]) => set.size > 0 && !this.book.unknown.has(symbol))
        .map(([symbol]) => symbol);
    }
    const symbols = this.symbols;
    if (symbols.length === 0) return;
    this.carry += perPeriod;
    let count = Math.floor(this.carry);
    this.carry -= count;
    while (count-- > 0) {
      const symbol = symbols[this.cursor++ % symbols.length];
      this.pushQuote(symbol, this.book.walk(symbol));
    }
  }
}
