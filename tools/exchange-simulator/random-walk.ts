const PERIOD_MS = 10;

/**
 * A steady stream of random-walk trades over the subscribed symbols, round robin, at about the asked
 * rate: load for the feed's tests and benchmarks. Each step goes through the tape like any other trade,
 * so trade topics see every one and tickers the throttled few.
 */
export class RandomWalkDriver {
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private carry = 0;

  constructor(
    private readonly symbols: () => readonly string[],
    private readonly step: (symbol: string) => void,
  ) {}

  start(tradesPerSecond: number): void {
    this.stop();
    const perPeriod = (tradesPerSecond * PERIOD_MS) / 1_000;
    this.timer = setInterval(() => this.period(perPeriod), PERIOD_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private period(perPeriod: number): void {
    const symbols = this.symbols();
    if (symbols.length === 0) return;
    this.carry += perPeriod;
    let count = Math.floor(this.carry);
    this.carry -= count;
    while (count-- > 0) this.step(symbols[this.cursor++ % symbols.length]);
  }
}
