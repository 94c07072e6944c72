import type { SimTrade } from '../../../tools/exchange-simulator';
import { MINUTE_MS, type MinuteCandle, type RecoveredTrade } from '../../../src/domain/gap-plan';
import { type TrailingRecovery, recoverTrailing } from '../../../src/domain/trailing-recovery';
import {
  type PricePoint,
  type TrailingFire,
  type TrailingSpec,
  type TrailingState,
  foldTrailing,
  parseTrailingStop,
} from '../../../src/domain/trailing-stop';
import { makePosition } from '../../support/documents';
import { prng } from './price-path';
import type { Docs, Fill, Sym } from './trade-oracle';

/**
 * THE TRAILING ORACLE. Trailing stops have no level a document holds: it follows the prices. So the
 * expectation is not written out again here but taken from the plain model the book is checked against in
 * the unit specs, run over exactly what the worker evaluates of the simulator's tape: foldTrailing over live
 * trades, recoverTrailing over the candles and latest-100 trades a restart recovers. Prices before a
 * document's update time are not its (README: the peak is reckoned from its last update).
 */

/** A price `offset` thousandths of the base away from it: integers on both bases, on the 0.01 tick. */
export const at = (s: Pick<Sym, 'base'>, offset: number): number => s.base + (offset * s.base) / 1_000;

/** Callback rates up to 8 % and amounts up to 40 (bases are 1,000 and 2,000): some fire early, some late. */
const RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08];
const AMOUNTS = [1, 2.5, 5, 9, 17, 25, 40];

/** Activation offsets in thousandths of the base, per side; a tape reaches some exactly and never others. */
export interface Activations {
  readonly long: readonly number[];
  readonly short: readonly number[];
}

/** `count` positions with only a trailing stop (both sides, rate and amount, 30 % with an activation price). */
export function trailingDocs(tag: string, syms: readonly Sym[], count: number, act: Activations): Docs {
  const random = prng([...tag].reduce((h, c) => h * 31 + c.charCodeAt(0), 11));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const docs: Docs = {};
  for (let i = 0; i < count; i++) {
    const { symbol, marketType, base } = syms[i % syms.length];
    const side = random() < 0.5 ? 'long' : 'short';
    const trailingStop: Record<string, number> =
      random() < 0.5 ? { callbackRate: pick(RATES) } : { callbackAmount: pick(AMOUNTS) };
    if (random() < 0.3)
      trailingStop.activationPrice = at({ base }, pick(side === 'long' ? act.long : act.short));
    docs[`users/u${i % 23}/openPositions/${tag}-${i}`] = makePosition({
      ...{ symbol, marketType, side, entryPrice: base },
      ...{ stopLoss: null, takeProfit: null, trailingStop },
    });
  }
  return docs;
}

/** The model's view of a document: its side and its parsed trailing stop (the worker's own reader). */
export function specOf(doc: Record<string, unknown>): TrailingSpec {
  const parsed = parseTrailingStop(doc);
  if (!parsed.ok || parsed.value === null) throw new Error(`not a trailing stop: ${JSON.stringify(doc)}`);
  return { side: doc.side as TrailingSpec['side'], stop: parsed.value };
}

/** Live trades from `from` (exchange ms, the document's update time) on, in tape order. */
export function livePoints(trades: readonly SimTrade[], from: number): PricePoint[] {
  return trades.filter((t) => t.time >= from).map(({ price, time }) => ({ price, time }));
}

export function fillOf(fire: TrailingFire): Fill {
  return { reason: 'trailing_stop', level: fire.level, price: fire.price, time: fire.time };
}

/** Live prices only, from `state`: the first at or beyond the level in force before it, if any. */
export function liveFill(spec: TrailingSpec, state: TrailingState, points: readonly PricePoint[]) {
  const { fire } = foldTrailing(spec, state, points);
  return fire === null ? undefined : fillOf(fire);
}

/** What a start recovers of one symbol: its candles and latest 100 trades as the simulator serves them. */
export interface Recovered {
  readonly candles: MinuteCandle[];
  readonly trades: RecoveredTrade[];
  /** The latest 100 reach back to the feed's mark: no candle is asked for. */
  readonly reach: boolean;
}

/**
 * The history a start recovers: the feed's mark is the oldest trailing document's update time less its
 * 5 s clock margin (earlier than any restart watermark here), so the latest 100 trades alone cover it
 * only when the oldest of them is not after that mark.
 */
export function recovered(
  candles: readonly MinuteCandle[],
  latest: readonly SimTrade[],
  since: number,
): Recovered {
  const trades = latest.map(({ sequence, time, price }) => ({ sequence, time, price }));
  return { candles: [...candles], trades, reach: trades.length > 0 && trades[0].time <= since - 5_000 };
}

export function recoverFor(spec: TrailingSpec, from: number, history: Recovered): TrailingRecovery {
  const { candles, trades, reach } = history;
  return recoverTrailing({ spec, state: { best: null }, from, candles, trades, tradesReachFrom: reach });
}

/** The minute an exchange time falls in. */
export const minuteOf = (time: number): number => Math.floor(time / MINUTE_MS) * MINUTE_MS;
