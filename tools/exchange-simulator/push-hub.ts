import type { SimulatorBook } from './simulator-book';
import type { SimConnection } from './simulator-connection';
import type { SimulatorFaults, SimulatorStats } from './simulator.types';
import { TickerThrottle } from './ticker-throttle';
import type { Channel, TopicEntry } from './topics';
import type { SimQuote, SimTrade } from './trade-tape';
import {
  futuresExecution,
  futuresTickerV1,
  futuresTickerV2,
  spotMatch,
  spotTicker,
  spotTickerAll,
} from './wire-frames';

/** Which of a silenced symbol's pushes are withheld ('instrument': futures mark, index and funding pushes). */
export type SilencedChannels = 'all' | 'ticker' | 'trades' | 'instrument';

interface Subscription {
  readonly entry: TopicEntry;
  readonly connections: Set<SimConnection>;
}

/**
 * Routes the tape to subscribers: every trade at once on the trade topic, the ticker topics through the
 * 100 ms throttle. Withholding (a silenced symbol, a pause, an outage) happens here, so the tape and
 * REST keep every trade while the wire shows a gap.
 */
export class PushHub {
  /** Per symbol (and the all-tickers topic), what it withholds; symbols stay subscribed and acked. */
  readonly silenced = new Map<string, SilencedChannels>();
  private readonly topics = new Map<string, Subscription>();
  /** The same subscriptions by channel and symbol ('' for ticker:all): the push path builds no strings. */
  private readonly byChannel: Record<Channel, Map<string, Subscription>> = {
    ticker: new Map(),
    tickerV2: new Map(),
    trades: new Map(),
    tickerAll: new Map(),
    instrument: new Map(),
  };
  private readonly throttle: TickerThrottle;
  private symbolList: string[] | undefined;

  constructor(
    private readonly book: SimulatorBook,
    private readonly faults: SimulatorFaults,
    private readonly stats: SimulatorStats,
    tickerIntervalMs: number,
  ) {
    this.throttle = new TickerThrottle(tickerIntervalMs, (symbol) => this.pushTicker(symbol));
  }

  add(connection: SimConnection, entries: readonly TopicEntry[]): void {
    for (const entry of entries) {
      let sub = this.topics.get(entry.key);
      if (sub === undefined) {
        sub = { entry, connections: new Set() };
        this.topics.set(entry.key, sub);
        this.byChannel[entry.channel].set(entry.symbol ?? '', sub);
      }
      sub.connections.add(connection);
    }
    this.symbolList = undefined;
  }

  remove(connection: SimConnection, keys: Iterable<string>): void {
    for (const key of keys) this.topics.get(key)?.connections.delete(connection);
    this.symbolList = undefined;
  }

  /** Trades just appended to one symbol's tape: each pushed now, then one (throttled) ticker. */
  published(trades: readonly SimTrade[]): void {
    if (trades.length === 0) return;
    const symbol = trades[0].symbol;
    const sub = this.byChannel.trades.get(symbol);
    if (sub !== undefined && sub.connections.size > 0) {
      for (const trade of trades) {
        if (this.withheld(symbol, 'trades')) continue;
        const frame = this.book.market === 'spot' ? spotMatch(trade) : futuresExecution(trade);
        for (const connection of sub.connections) connection.push(frame);
        this.stats.tradeFramesSent++;
      }
    }
    this.throttle.changed(symbol);
  }

  /** A futures instrument frame (mark/index price, funding rate) to the symbol's subscribers, now; false if none got it. */
  instrument(symbol: string, frame: string): boolean {
    const sub = this.byChannel.instrument.get(symbol);
    if (sub === undefined || sub.connections.size === 0 || this.withheld(symbol, 'instrument')) return false;
    for (const connection of sub.connections) connection.push(frame);
    this.stats.instrumentFramesSent++;
    return true;
  }

  /** Symbols whose instrument topic has a subscriber. */
  instrumentSymbols(): string[] {
    return [...this.byChannel.instrument].flatMap(([symbol, sub]) =>
      sub.connections.size > 0 ? [symbol] : [],
    );
  }

  /** Symbols with a subscriber of any kind (all traded symbols while someone holds ticker:all). */
  subscribedSymbols(): string[] {
    if (this.symbolList !== undefined) return this.symbolList;
    const symbols = new Set<string>();
    for (const { entry, connections } of this.topics.values()) {
      if (connections.size === 0) continue;
      if (entry.symbol !== undefined) symbols.add(entry.symbol);
      else for (const symbol of this.book.symbols()) symbols.add(symbol);
    }
    const list = [...symbols].filter((symbol) => !this.book.unknown.has(symbol));
    // ticker:all covers symbols that start trading later, so that list is not kept.
    if ((this.byChannel.tickerAll.get('')?.connections.size ?? 0) === 0) this.symbolList = list;
    return list;
  }

  /** Per symbol, how many connections hold at least one of its topics. */
  subscriptionCounts(): Map<string, number> {
    const holders = new Map<string, Set<SimConnection>>();
    for (const { entry, connections } of this.topics.values()) {
      if (entry.symbol === undefined || connections.size === 0) continue;
      let set = holders.get(entry.symbol);
      if (set === undefined) holders.set(entry.symbol, (set = new Set()));
      for (const connection of connections) set.add(connection);
    }
    return new Map([...holders].map(([symbol, set]) => [symbol, set.size]));
  }

  /** Per topic (e.g. "/market/match:BTC-USDT"), how many connections hold it. */
  topicCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, { connections }] of this.topics)
      if (connections.size > 0) counts.set(key, connections.size);
    return counts;
  }

  stop(): void {
    this.throttle.stop();
  }

  private pushTicker(symbol: string): void {
    const quote = this.book.tape(symbol)?.quote;
    if (quote === undefined) return;
    if (this.book.market === 'spot') {
      this.sendTicker(this.byChannel.ticker.get(symbol), symbol, quote, spotTicker);
      this.sendTicker(this.byChannel.tickerAll.get(''), symbol, quote, spotTickerAll);
    } else {
      this.sendTicker(this.byChannel.ticker.get(symbol), symbol, quote, futuresTickerV1);
      this.sendTicker(this.byChannel.tickerV2.get(symbol), symbol, quote, futuresTickerV2);
    }
  }

  private sendTicker(
    sub: Subscription | undefined,
    symbol: string,
    quote: SimQuote,
    frameOf: (symbol: string, quote: SimQuote) => string,
  ): void {
    if (sub === undefined || sub.connections.size === 0 || this.withheld(symbol, 'ticker')) return;
    const frame = frameOf(symbol, quote);
    for (const connection of sub.connections) connection.push(frame);
    this.stats.tickerFramesSent++;
  }

  /** Unknown symbols never push (acked, then silent); the faults withhold what would have been sent. */
  private withheld(symbol: string, kind: Exclude<SilencedChannels, 'all'>): boolean {
    if (this.book.unknown.has(symbol)) return true;
    const silenced = this.silenced.get(symbol);
    if (this.faults.dataPaused || this.faults.outage !== 'none' || silenced === 'all' || silenced === kind) {
      this.stats.pushesWithheld++;
      return true;
    }
    return false;
  }
}
