import type { SimContract } from './contract-specs';
import type { IndexPoint } from './index-history';
import type { SimMarkPrice } from './instrument-book';
import { InstrumentFeed, PREDICTED_FUNDING_GRANULARITY_MS } from './instrument-feed';
import type { SilencedChannels } from './push-hub';
import { RandomWalkDriver } from './random-walk';
import type { TradeOptions, UnknownSymbolMode } from './simulator-book';
import { SimulatorServer } from './simulator-server';
import type { ExchangeSimulatorOptions } from './simulator.types';
import type { SimCandle, SimQuote, SimTrade } from './trade-tape';

/**
 * A KuCoin-compatible exchange on loopback, driven by code, with fault injection for the feed's recovery
 * tests and demos. Everything it says about a symbol derives from one trade tape: trade pushes (spot
 * match, futures execution) for every trade at once, ticker pushes at most every 100 ms, the REST
 * tickers, the latest-100 trade histories and the 1-minute candles (kept for 25 h).
 */
export class ExchangeSimulator extends SimulatorServer {
  private readonly walker: RandomWalkDriver;
  private readonly instruments: InstrumentFeed;

  constructor(options: ExchangeSimulatorOptions = {}) {
    super(options);
    this.walker = new RandomWalkDriver(
      () => this.hub.subscribedSymbols(),
      (symbol) => this.record([this.book.walk(symbol)], true),
    );
    this.instruments = new InstrumentFeed(this.book, this.hub);
  }

  override async stop(): Promise<void> {
    this.walker.stop();
    this.instruments.stop();
    await super.stop();
  }

  // ---- the tape ----

  /** Appends one trade at `price` (rounded to the symbol's tick): pushed on the trade topic at once, the ticker throttled. */
  trade(symbol: string, price: number, options: TradeOptions = {}): SimTrade {
    const trade = this.book.append(symbol, price, options);
    this.record([trade], options.push !== false);
    return trade;
  }

  /**
   * Appends several trades at once, all stamped with the same exchange time unless `options.time` says
   * otherwise: each one is pushed on the trade topic, and the ticker sees only the state after the last,
   * so no ticker push ever shows the ones in between.
   */
  trades(symbol: string, prices: readonly number[], options: TradeOptions = {}): SimTrade[] {
    const time = options.time ?? Math.max(this.book.now(), this.lastTrade(symbol)?.time ?? 0);
    const trades = prices.map((price) => this.book.append(symbol, price, { ...options, time }));
    this.record(trades, options.push !== false);
    return trades;
  }

  /** One trade at `price` (the API the feed tests grew up with); `spread` sets the best bid/ask after it. */
  setPrice(symbol: string, price: number, spread?: { bestBid?: number; bestAsk?: number }): void {
    this.trade(symbol, price, { bestBid: spread?.bestBid, bestAsk: spread?.bestAsk });
  }

  /** One trade that REST sees and no push carries, as if the pushes were lost. */
  setRestPrice(symbol: string, price: number): void {
    this.trade(symbol, price, { push: false });
  }

  /** The last trade price. */
  getPrice(symbol: string): number | undefined {
    return this.book.tape(symbol)?.last?.price;
  }

  lastTrade(symbol: string): SimTrade | undefined {
    return this.book.tape(symbol)?.last;
  }

  /** The ticker state (last trade, best bid/ask, book sequence) REST and the next ticker push show. */
  quote(symbol: string): SimQuote | undefined {
    return this.book.tape(symbol)?.quote;
  }

  /** The latest `limit` trades kept for the symbol, oldest first. */
  recentTrades(symbol: string, limit = 100): SimTrade[] {
    return this.book.tape(symbol)?.recent(limit) ?? [];
  }

  /** The symbol's kept 1-minute candles, oldest first (minutes without trades have none). */
  candles(symbol: string): readonly SimCandle[] {
    return this.book.tape(symbol)?.candles() ?? [];
  }

  /** Sets a symbol's tick size before its first trade (afterwards it is fixed); also lists the symbol. */
  setTickSize(symbol: string, tick: number): void {
    this.book.setTickSize(symbol, tick);
  }

  tickSize(symbol: string): number | undefined {
    return this.book.tickSize(symbol);
  }

  /** The exchange clock (ms) that stamps trades: `options.clock`, or Date.now. */
  now(): number {
    return this.book.now();
  }

  /**
   * Random-walk trades over every subscribed symbol, round robin, at about `tradesPerSecond`; on futures
   * also each instrument subscriber's mark every second (the one set, else the last trade price).
   */
  startTicking(tradesPerSecond: number): void {
    this.walker.start(tradesPerSecond);
    this.instruments.start();
  }

  stopTicking(): void {
    this.walker.stop();
    this.instruments.stop();
  }

  // ---- futures instruments: mark and index prices, funding rates, contract details ----

  /**
   * Futures: sets the contract's mark and index price, which REST (mark price, contract details) shows
   * from now on, and pushes one `mark.index.price` frame at once to the `/contract/instrument:{symbol}`
   * subscribers, stamped `now()`. Until a mark is set, the last trade price stands in for both.
   * The index price joins the contract's index history; a second call in the same ms replaces it there,
   * so a test building a path must let the clock move between calls.
   */
  setMarkPrice(symbol: string, markPrice: number, indexPrice = markPrice): SimMarkPrice {
    return this.instruments.setMark(symbol, markPrice, indexPrice);
  }

  /** The mark and index price REST shows now: the one set, else the last trade price; undefined if neither. */
  markPrice(symbol: string): SimMarkPrice | undefined {
    return this.book.instruments.mark(symbol);
  }

  /**
   * The index prices GET /api/v1/index/query and index klines serve for this contract, oldest first:
   * each set mark and each pushed snapshot of it, stamped with the exchange clock (ms, inclusive range).
   */
  indexHistory(symbol: string, from?: number, to?: number): IndexPoint[] {
    return this.book.instruments.indexHistory(symbol, from, to);
  }

  /**
   * Futures: one `funding.rate` push on the instrument topic now (KuCoin sends one a minute, granularity
   * 60000; 28800000 for the settled 8-hour rate). Returns whether a subscriber got it.
   */
  pushFundingRate(
    symbol: string,
    fundingRate: number,
    granularity = PREDICTED_FUNDING_GRANULARITY_MS,
  ): boolean {
    return this.instruments.pushFundingRate(symbol, fundingRate, granularity);
  }

  /** Futures: overrides some contract details (merged over earlier overrides) and lists the contract. */
  setContract(symbol: string, contract: Partial<SimContract>): void {
    this.book.instruments.setContract(symbol, contract);
  }

  /** The contract details REST serves: defaults from the symbol, live prices, overrides; undefined if unlisted. */
  contract(symbol: string): SimContract | undefined {
    return this.book.instruments.contract(symbol);
  }

  /** 'silent': ack and then never any data (REST: ticker data null, spot history 400100); 'not_found': subscribe gets 404. */
  setUnknownSymbol(symbol: string, mode: UnknownSymbolMode): void {
    this.book.unknown.set(symbol, mode);
  }

  /** Ends `setUnknownSymbol`: subscribes are answered, pushes flow, REST lists it (once it has a trade). */
  clearUnknownSymbol(symbol: string): void {
    this.book.unknown.delete(symbol);
  }

  // ---- market faults: the tape and REST go on, the wire shows a gap ----

  /** Stops all data pushes while connections stay open and pings are still answered. */
  setDataPaused(paused: boolean): void {
    this.faults.dataPaused = paused;
  }

  /**
   * A wick between two ticker pushes: trades through each of `through` and then `back`, within one
   * ticker interval. Trade topics carry every one of them; no ticker push shows any price of `through`
   * (the next one shows `back`). Returns the trades, extreme first.
   */
  wick(
    symbol: string,
    through: number | readonly number[],
    back: number,
    options: TradeOptions = {},
  ): SimTrade[] {
    return this.trades(symbol, [...(typeof through === 'number' ? [through] : through), back], options);
  }

  /**
   * One symbol goes silent while the others stream: its subscriptions stay acked and its trades go on
   * in the tape and REST, but its pushes are withheld: all of them, only its ticker topics, or only its
   * trade topic. A silent ticker beside a streaming trade topic (or the reverse) is a valid choice.
   */
  silenceSymbol(symbol: string, channels: SilencedChannels = 'all'): void {
    this.hub.silenced.set(symbol, channels);
  }

  /** Ends `silenceSymbol`; pushes resume with the symbol's next trade (nothing replays the gap). */
  resumeSymbol(symbol: string): void {
    this.hub.silenced.delete(symbol);
  }

  /**
   * An outage during which trading goes on: 'withhold' keeps every connection (pings answered) and
   * pushes nothing; 'drop' drops every connection and refuses new upgrades with HTTP 503 while
   * bullet-public and REST keep answering from the tape, so a client can backfill once it is over.
   */
  startOutage(mode: 'withhold' | 'drop' = 'withhold'): void {
    this.faults.outage = mode;
    if (mode === 'drop') this.dropAllConnections();
  }

  /** Ends the outage: connections are accepted again and pushes resume with the next trade. */
  endOutage(): void {
    this.faults.outage = 'none';
  }

  private record(trades: readonly SimTrade[], push: boolean): void {
    this.stats.tradesRecorded += trades.length;
    if (push) this.hub.published(trades);
  }
}
