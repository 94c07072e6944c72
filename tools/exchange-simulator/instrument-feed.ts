import type { SimMarkPrice } from './instrument-book';
import type { PushHub } from './push-hub';
import type { SimulatorBook } from './simulator-book';
import { futuresFundingRate, futuresMarkIndexPrice } from './wire-frames';

/** KuCoin pushes mark.index.price every second (`granularity` 1000). */
export const MARK_GRANULARITY_MS = 1_000;
/** funding.rate's granularity for the predicted rate, pushed every minute (28800000: the settled 8-hour rate). */
export const PREDICTED_FUNDING_GRANULARITY_MS = 60_000;

/**
 * The futures `/contract/instrument:{symbol}` pushes: a mark/index price at once when a test sets one,
 * a funding rate on demand, and, while the simulator ticks, every subscribed symbol's mark each second
 * (the one set, or the last trade price). Pushes go through the hub, so unknown symbols, silences,
 * pauses, outages and bad frames apply to them as to every other push.
 */
export class InstrumentFeed {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly book: SimulatorBook,
    private readonly hub: PushHub,
  ) {}

  /** Stores the mark and index price, stamped with the exchange clock, and pushes it now. */
  setMark(symbol: string, markPrice: number, indexPrice: number): SimMarkPrice {
    this.futuresOnly('setMarkPrice');
    const mark = this.book.instruments.setMark(symbol, markPrice, indexPrice, this.book.now());
    this.push(mark);
    return mark;
  }

  /** One funding.rate push now; true if a subscriber got it. */
  pushFundingRate(symbol: string, fundingRate: number, granularity: number): boolean {
    this.futuresOnly('pushFundingRate');
    return this.hub.instrument(symbol, futuresFundingRate(symbol, fundingRate, granularity, this.book.now()));
  }

  /** Every `MARK_GRANULARITY_MS`, each subscribed symbol's current mark (skipped while it has none). */
  start(): void {
    this.stop();
    if (this.book.market !== 'futures') return;
    this.timer = setInterval(() => this.tick(), MARK_GRANULARITY_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = this.book.now();
    for (const symbol of this.hub.instrumentSymbols()) {
      this.book.instruments.restamp(symbol, now);
      const mark = this.book.instruments.mark(symbol);
      if (mark !== undefined) this.push(mark);
    }
  }

  private push(mark: SimMarkPrice): boolean {
    const frame = futuresMarkIndexPrice(mark.symbol, mark.markPrice, mark.indexPrice, mark.time);
    return this.hub.instrument(mark.symbol, frame);
  }

  private futuresOnly(method: string): void {
    if (this.book.market !== 'futures')
      throw new Error(`${method}: only the futures simulator has instruments`);
  }
}
