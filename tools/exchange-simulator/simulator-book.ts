import type { MarketType } from '../../src/domain/market';
import { InstrumentBook } from './instrument-book';
import { autoTickSize } from './price-format';
import { type SimQuote, type SimTrade, type TapeLimits, type TradeSide, TradeTape } from './trade-tape';
import { futuresTickerV1, spotTicker } from './wire-frames';

export { TOPIC_PREFIX } from './topics';
export { frames } from './wire-frames';
export type { SimQuote, SimTrade } from './trade-tape';

export type UnknownSymbolMode = 'silent' | 'not_found';

export interface TradeOptions {
  /** Spot: base currency (default 0.0043); futures: lots (default 1). */
  readonly size?: number;
  /** Taker side; default buy on an uptick or unchanged price, sell on a downtick. */
  readonly side?: TradeSide;
  /** Exchange time in ms; default the simulator's clock. Must not go back before the symbol's last trade. */
  readonly time?: number;
  /** Best bid/ask after the trade; default the tick next to the price on the side the taker did not take. */
  readonly bestBid?: number;
  readonly bestAsk?: number;
  /** false: recorded on the tape (REST sees it) but never pushed, as if the pushes were lost. Default true. */
  readonly push?: boolean;
}

export interface BookOptions {
  readonly clock?: () => number;
  readonly tickSizes?: Readonly<Record<string, number>>;
  readonly recentTrades?: number;
  readonly candleMinutes?: number;
}

/** The market's trade tapes, one per symbol, created on a symbol's first trade. */
export class SimulatorBook {
  readonly unknown = new Map<string, UnknownSymbolMode>();
  readonly now: () => number;
  /** Futures mark/index prices and contract details (unused on spot). */
  readonly instruments = new InstrumentBook(this);
  private readonly tapes = new Map<string, TradeTape>();
  private readonly tickSizes: Map<string, number>;
  private readonly limits: TapeLimits;

  constructor(
    readonly market: MarketType,
    options: BookOptions = {},
  ) {
    this.now = options.clock ?? Date.now;
    this.tickSizes = new Map(Object.entries(options.tickSizes ?? {}));
    this.limits = {
      recentTrades: Math.max(100, options.recentTrades ?? 100),
      candleMinutes: Math.max(1, options.candleMinutes ?? 1_500),
    };
  }

  tape(symbol: string): TradeTape | undefined {
    return this.tapes.get(symbol);
  }

  symbols(): IterableIterator<string> {
    return this.tapes.keys();
  }

  /** Listed symbols: those given a tick size first, then the others traded. */
  knownSymbols(): string[] {
    return [...new Set([...this.tickSizes.keys(), ...this.tapes.keys()])].filter((s) => this.isListed(s));
  }

  /** A tick size is fixed once the symbol has traded: its prices and candles are already on it. */
  setTickSize(symbol: string, tick: number): void {
    if (!(tick > 0)) throw new RangeError(`tick size must be positive (got ${tick})`);
    const tape = this.tapes.get(symbol);
    if (tape !== undefined && tape.tick !== tick) {
      throw new Error(`${symbol} has traded on tick ${tape.tick}; its tick size can no longer change`);
    }
    this.tickSizes.set(symbol, tick);
  }

  tickSize(symbol: string): number | undefined {
    return this.tapes.get(symbol)?.tick ?? this.tickSizes.get(symbol);
  }

  /** Listed: configured or traded, and not made unknown. REST answers only for listed symbols. */
  isListed(symbol: string): boolean {
    return !this.unknown.has(symbol) && (this.tapes.has(symbol) || this.tickSizes.has(symbol));
  }

  append(symbol: string, price: number, options: TradeOptions = {}): SimTrade {
    let tape = this.tapes.get(symbol);
    if (tape === undefined) {
      if (!(price > 0)) throw new RangeError(`${symbol}: price must be positive (got ${price})`);
      const tick = this.tickSizes.get(symbol) ?? autoTickSize(price);
      tape = new TradeTape(symbol, this.market, tick, this.limits);
      this.tapes.set(symbol, tape);
    }
    return tape.append({
      price,
      // A wall clock can step back (NTP); an explicit time that goes back is the caller's error and throws.
      time: options.time ?? Math.max(this.now(), tape.last?.time ?? 0),
      size: options.size,
      side: options.side,
      bestBid: options.bestBid,
      bestAsk: options.bestAsk,
    });
  }

  /** A small random-walk step from the last price (a new symbol: its mark price if set, else 100). */
  walk(symbol: string): SimTrade {
    const tape = this.tapes.get(symbol);
    const previous = tape?.last?.price ?? this.instruments.mark(symbol)?.markPrice ?? 100;
    let next = previous * (1 + (Math.random() - 0.5) / 500);
    if (tape !== undefined && tape.onTick(next) <= 0) next = previous;
    return this.append(symbol, next);
  }

  /** One trade at `price`; returns the ticker state after it. */
  set(symbol: string, price: number, spread?: { bestBid?: number; bestAsk?: number }): SimQuote {
    this.append(symbol, price, spread);
    return this.tapes.get(symbol)!.quote!;
  }

  /** The market's default ticker push (spot ticker, futures v1) for a quote. */
  pushFrame(symbol: string, quote: SimQuote): string {
    return this.market === 'spot' ? spotTicker(symbol, quote) : futuresTickerV1(symbol, quote);
  }
}
