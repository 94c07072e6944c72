import { type DayStats, type SimContract, defaultContract } from './contract-specs';
import { IndexHistory, type IndexPoint } from './index-history';
import { autoTickSize } from './price-format';
import type { SimulatorBook } from './simulator-book';
import type { SimCandle } from './trade-tape';

/** A futures contract's mark and index price at one moment, as REST and the instrument topic show it. */
export interface SimMarkPrice {
  readonly symbol: string;
  readonly markPrice: number;
  readonly indexPrice: number;
  /** Exchange time (ms) of this value: when it was set or last pushed; now, for one derived from the last trade. */
  readonly time: number;
  /** false: no mark price was set, so the last trade price stands in for both. */
  readonly explicit: boolean;
}

const DAY_MS = 86_400_000;

/**
 * The futures instrument state beside the trade tapes: mark and index prices set by the test (or
 * derived from the last trade), and per-contract overrides of the details REST serves. A contract is
 * listed once it is configured or traded (as the tapes count it), has a mark price, or was set with
 * `setContract`; a symbol made unknown is not.
 */
export class InstrumentBook {
  private readonly marks = new Map<string, SimMarkPrice>();
  private readonly overrides = new Map<string, Partial<SimContract>>();
  /**
   * Every index price shown for an explicitly set mark, as KuCoin's index history would have it. A mark
   * derived from the last trade is not recorded: no test chose that index, so there is no path to recover.
   */
  private readonly index = new IndexHistory();

  constructor(private readonly book: SimulatorBook) {}

  setMark(symbol: string, markPrice: number, indexPrice: number, time: number): SimMarkPrice {
    for (const value of [markPrice, indexPrice]) {
      if (!(value > 0) || !Number.isFinite(value))
        throw new RangeError(`${symbol}: mark and index prices must be positive (got ${value})`);
    }
    const mark = { symbol, markPrice, indexPrice, time, explicit: true };
    this.marks.set(symbol, mark);
    this.index.record(symbol, time, indexPrice);
    return mark;
  }

  /** The mark now: the last one set, else the last trade price as mark and index; undefined if neither. */
  mark(symbol: string): SimMarkPrice | undefined {
    const set = this.marks.get(symbol);
    if (set !== undefined) return set;
    const last = this.book.tape(symbol)?.last;
    if (last === undefined) return undefined;
    return { symbol, markPrice: last.price, indexPrice: last.price, time: this.book.now(), explicit: false };
  }

  /** A set mark pushed again (the periodic snapshot): same values, a new time, one more history point. */
  restamp(symbol: string, time: number): void {
    const set = this.marks.get(symbol);
    if (set === undefined) return;
    this.marks.set(symbol, { ...set, time });
    this.index.record(symbol, time, set.indexPrice);
  }

  /** The contract's recorded index prices with `from <= time <= to` (ms), oldest first. */
  indexHistory(symbol: string, from = -Infinity, to = Infinity): IndexPoint[] {
    return this.index.range(symbol, from, to);
  }

  /**
   * The listed contract whose `indexSymbol` (overrides included) is this one. Several contracts can share
   * an index (KuCoin's dated XBT futures share .BXBT with XBTUSDM); then the first with index history,
   * since that is the one a test set marks on.
   */
  contractForIndex(indexSymbol: string): string | undefined {
    let first: string | undefined;
    for (const symbol of this.symbols()) {
      if (this.contract(symbol)?.indexSymbol !== indexSymbol) continue;
      if (this.index.has(symbol)) return symbol;
      first ??= symbol;
    }
    return first;
  }

  /**
   * Overrides some of a contract's details (merged over earlier overrides) and lists it. A `tickSize`
   * also becomes the tape's tick size, so it throws once the symbol has traded on another tick.
   */
  setContract(symbol: string, contract: Partial<SimContract>): void {
    if (this.book.market !== 'futures')
      throw new Error('setContract: only the futures simulator has contracts');
    if (contract.tickSize !== undefined) this.book.setTickSize(symbol, contract.tickSize);
    this.overrides.set(symbol, { ...this.overrides.get(symbol), ...contract });
  }

  isListed(symbol: string): boolean {
    if (this.book.unknown.has(symbol)) return false;
    return this.book.isListed(symbol) || this.marks.has(symbol) || this.overrides.has(symbol);
  }

  /** Listed contracts, in the order they became known. */
  symbols(): string[] {
    const all = new Set([...this.book.knownSymbols(), ...this.marks.keys(), ...this.overrides.keys()]);
    return [...all].filter((symbol) => this.isListed(symbol));
  }

  /** The contract's details: defaults from its symbol and live state, then the overrides. */
  contract(symbol: string): SimContract | undefined {
    if (!this.isListed(symbol)) return undefined;
    const tape = this.book.tape(symbol);
    const mark = this.mark(symbol);
    const lastTradePrice = tape?.last?.price ?? 0;
    const reference = mark?.markPrice ?? lastTradePrice;
    const now = this.book.now();
    const defaults = defaultContract(symbol, {
      tickSize: this.book.tickSize(symbol) ?? (reference > 0 ? autoTickSize(reference) : 0.1),
      markPrice: mark?.markPrice ?? 0,
      indexPrice: mark?.indexPrice ?? 0,
      lastTradePrice,
      now,
      day: dayStats(tape?.candles() ?? [], now - DAY_MS),
    });
    return { ...defaults, ...this.overrides.get(symbol), symbol };
  }
}

/** The 24 h figures from the kept 1-minute candles starting at or after `since`. */
function dayStats(candles: readonly SimCandle[], since: number): DayStats {
  const day = candles.filter((c) => c.start >= since);
  if (day.length === 0) return { low: 0, high: 0, open: 0, lots: 0, lotsValue: 0 };
  return {
    low: Math.min(...day.map((c) => c.low)),
    high: Math.max(...day.map((c) => c.high)),
    open: day[0].open,
    lots: day.reduce((sum, c) => sum + c.volume, 0),
    lotsValue: day.reduce((sum, c) => sum + c.turnover, 0),
  };
}
