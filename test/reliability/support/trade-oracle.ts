import type { Firestore } from 'firebase-admin/firestore';
import type { ExchangeSimulator, SimTrade } from '../../../tools/exchange-simulator';
import { versionOf } from '../../../src/firestore/versions';
import { makePosition, makeTrigger } from '../../support/documents';
import { MINUTE_MS, floorMinute } from '../../support/trade-scenarios';
import type { Simulators } from '../../support/worker-harness';
import { prng, symbolsFor } from './price-path';

/**
 * THE TRADE-TAPE ORACLE. Every trade goes through `Tape`, which keeps each symbol's tape in order. A
 * scenario says per symbol what the worker evaluates (README, price semantics): live trades, and after a
 * gap the trades since the last one evaluated (the latest 100 reach back to it) or else the 1-minute
 * candles, built here as the simulator builds them, then the latest 100. A document fills at the first
 * event that crosses it: a trade at its price and time, a candle at the level or its open, at its start;
 * a recovered event from before the document's update time does not apply. The rules are written out
 * again here, not imported from src/, so the worker is checked against the README, not against itself.
 */

export type Docs = Record<string, Record<string, unknown>>;
export type Sym = ReturnType<typeof symbolsFor>[number] & { readonly base: number };
export const symbolsOf = (count: number): Sym[] =>
  symbolsFor(count).map((s, i) => ({ ...s, base: 1_000 + 100 * i }));

/** Levels 1.5 to 14 steps from the base: on half steps, or (one in four) on whole steps a trade can equal. */
export function buildDocs(tag: string, syms: readonly Sym[], positions: number, triggers: number): Docs {
  const random = prng([...tag].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
  const away = (): number => (random() < 0.25 ? 2 : 1.5) + Math.floor(random() * 13);
  const docs: Docs = {};
  for (let i = 0; i < positions + triggers; i++) {
    const { symbol, marketType, base } = syms[i % syms.length];
    const [d, shape] = [random() < 0.5 ? -1 : 1, random()]; // d: the stop-loss side, -1 for a long
    docs[`users/u${i % 17}/${i < positions ? 'openPositions' : 'tradeTriggers'}/${tag}-${i}`] =
      i < positions
        ? makePosition({
            ...{ symbol, marketType, side: d < 0 ? 'long' : 'short', entryPrice: base },
            stopLoss: shape < 0.1 ? null : base + d * away(),
            takeProfit: shape > 0.9 ? null : base - d * away(),
          })
        : makeTrigger({
            ...{ symbol, marketType, condition: d > 0 ? 'above' : 'below', stopLoss: null, takeProfit: null },
            targetPrice: base + d * away(),
          });
  }

  return docs;
}

/** Every trade made through it, per symbol, in tape order. */
export class Tape {
  private readonly log = new Map<string, SimTrade[]>();
  constructor(readonly sims: Simulators) {}
  sim(s: Sym): ExchangeSimulator {
    return s.marketType === 'spot' ? this.sims.spot : this.sims.futures;
  }

  /** One trade per price, all at one exchange time: a wick between two ticker pushes. */
  trade(s: Sym, ...prices: number[]): SimTrade[] {
    const made = this.sim(s).trades(s.symbol, prices);
    this.log.set(s.symbol, [...this.trades(s), ...made]);
    return made;
  }

  /** `count` trades one step either side of the base: they cross nothing. */
  chop(s: Sym, count: number): SimTrade[] {
    return this.trade(s, ...Array.from({ length: count }, (_, i) => s.base + (i % 2 === 0 ? 1 : -1)));
  }

  trades(s: Sym): SimTrade[] {
    return this.log.get(s.symbol) ?? [];
  }

  last(s: Sym): SimTrade {
    return this.trades(s)[this.trades(s).length - 1];
  }
}

type Candle = { kind: 'candle'; start: number; open: number; high: number; low: number };
export type TapeEvent = { kind: 'trade'; price: number; time: number; recovered: boolean } | Candle;
/** Reason (stop_loss, take_profit, trigger), level, fill price, exchange time (ms): a trade's, or a candle's start. */
export type Fill = { reason: string; level: number; price: number; time: number };
export type Fills = Map<string, Fill | undefined>;

export const asEvents = (trades: readonly SimTrade[], recovered: boolean): TapeEvent[] =>
  trades.map((t) => ({ kind: 'trade', price: t.price, time: t.time, recovered }));

/** 1-minute candles as the simulator's TradeTape builds them: each minute's first, highest and lowest trade. */
export function candlesOf(trades: readonly SimTrade[]): Candle[] {
  const candles: Candle[] = [];
  for (const { time, price } of trades) {
    const current = candles[candles.length - 1];
    if (current?.start === floorMinute(time)) {
      current.high = Math.max(current.high, price);
      current.low = Math.min(current.low, price);
    } else candles.push({ kind: 'candle', start: floorMinute(time), open: price, high: price, low: price });
  }

  return candles;
}

/**
 * What a gap after `mark` (the last trade evaluated, or a restart watermark's time) recovers from the
 * tape: the trades after it if the latest 100 reach back to it; otherwise the candles from the mark's
 * minute to the minute of the oldest of the latest 100 (none over before the mark), then those 100.
 */
export function gapEvents(tape: readonly SimTrade[], mark: SimTrade | number): TapeEvent[] {
  const markTime = typeof mark === 'number' ? mark : mark.time;
  const found = typeof mark === 'number' ? tape.findIndex((t) => t.time > mark) : tape.indexOf(mark) + 1;
  const [first, oldest] = [found < 0 ? tape.length : found, Math.max(0, tape.length - 100)];
  if (oldest < first) return asEvents(tape.slice(first), true);
  const [from, to] = [floorMinute(markTime), floorMinute(tape[oldest].time)];
  const kept = (c: Candle) => c.start >= from && c.start <= to && c.start + MINUTE_MS > markTime;
  return [...candlesOf(tape).filter(kept), ...asEvents(tape.slice(oldest), true)];
}

/** The fill price at this level, if the event crosses it. `falls`: long stop-loss, short take-profit, `below`. */
function priceAt(event: TapeEvent, level: number | null, falls: boolean): number | undefined {
  if (level === null) return undefined;
  if (event.kind === 'trade')
    return (falls ? event.price <= level : event.price >= level) ? event.price : undefined;
  if (falls ? event.low > level : event.high < level) return undefined;
  return falls ? Math.min(event.open, level) : Math.max(event.open, level);
}

function fillOf(doc: Record<string, unknown>, event: TapeEvent): Fill | undefined {
  const time = event.kind === 'trade' ? event.time : event.start;
  if (doc.condition !== undefined) {
    const [level, falls] = [doc.targetPrice as number, doc.condition === 'below'];
    const price = priceAt(event, level, falls);
    return price === undefined ? undefined : { reason: 'trigger', level, price, time };
  }

  const [sl, tp] = [doc.stopLoss as number | null, doc.takeProfit as number | null];
  const long = doc.side === 'long';
  const [stop, profit] = [priceAt(event, sl, long), priceAt(event, tp, !long)];
  // A candle reaching both: the level its open had already crossed fired first, otherwise the stop-loss.
  const atOpen = (level: number | null, falls: boolean): boolean =>
    event.kind === 'candle' &&
    priceAt({ ...event, high: event.open, low: event.open }, level, falls) !== undefined;
  if (profit !== undefined && (stop === undefined || (atOpen(tp, !long) && !atOpen(sl, long))))
    return { reason: 'take_profit', level: tp!, price: profit, time };
  return stop === undefined ? undefined : { reason: 'stop_loss', level: sl!, price: stop, time };
}

/** The first event crossing the document; a recovered one from before its update time (µs) does not count. */
export function firstFill(doc: Record<string, unknown>, version: number, events: readonly TapeEvent[]) {
  for (const event of events) {
    const at = event.kind === 'candle' ? event.start : event.recovered ? event.time : Infinity;
    const fill = at * 1_000 >= version ? fillOf(doc, event) : undefined;
    if (fill !== undefined) return fill;
  }
  return undefined;
}

/** The documents' update times in µs: the worker's versions. */
export async function readVersions(db: Firestore, paths: readonly string[]): Promise<Map<string, number>> {
  const snaps = await db.getAll(...paths.map((path) => db.doc(path)));
  return new Map(snaps.map((s) => [s.ref.path, versionOf(s.updateTime!)]));
}
