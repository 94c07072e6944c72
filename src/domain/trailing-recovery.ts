import { isActionablePrice } from './crossing';
import {
  MINUTE_MS,
  type MinuteCandle,
  type RecoveredTrade,
  candlesToApply,
  tradesInMinute,
} from './gap-plan';
import { compareSequences } from './market';
import {
  type TrailingOutcome,
  type TrailingSpec,
  type TrailingState,
  afterPrice,
  firingLevel,
  foldTrailing,
  improves,
  isActivatedBy,
  trailingCrossed,
  trailingLevel,
} from './trailing-stop';

/**
 * Recovering a trailing stop's state (activation, best price, first firing) after a start or a gap, from
 * KuCoin's REST data: 1-minute candles, then the latest trades. The peak is not persisted; this rebuilds it.
 *
 * What a candle tells exactly: whether anything in it activates (its favourable extreme does or does not),
 * and, if the stop did not fire, the best price after it (the best of the state's and its favourable
 * extreme: a maximum does not depend on order). What it cannot tell: whether and at which level it fired
 * when the favourable extreme raises the level and the adverse extreme reaches the raised level, because
 * the order of high and low inside the minute is unknown.
 *
 * The rule: inside a candle the adverse extreme comes before the favourable one (long: open, low, high,
 * close; short: open, high, low, close), so a candle fires the stop only when every order of its trades
 * would have: at the open (fill: the open), when its adverse extreme reaches the level in force before it,
 * or when its close reaches the level of its favourable extreme (the close comes after the extreme). A
 * fire inside a candle fills at the level, with the candle's start as time, as README's candle convention
 * says. A false close cannot be undone; a stop the rule leaves open still holds the exact best, so the
 * first later price at or beyond its level fires it.
 *
 * The candle of the oldest recovered trade's minute also holds the trades before it (its prefix): only an
 * extreme the trades do not reach is surely the prefix's and is applied (adverse first, then favourable);
 * the trades bring the rest at their own times, their close included. Later candles are not applied.
 *
 * The result is `exact` when every candle's outcome (fired or not; the level; else the best) is the one
 * its trades give whatever their order, and every minute from `from` on was seen.
 */
export interface TrailingRecoveryInput {
  readonly spec: TrailingSpec;
  /** The state as of `from`: NOT_ACTIVATED for a document's first recovery. */
  readonly state: TrailingState;
  /**
   * Exchange ms from which prices apply: the later of the document's last update and the last trade
   * evaluated. A candle starting before it is not applied (its minute may hold prices from before: a
   * price before the mark, judged again on a raised level, would fire falsely), so an unaligned `from`
   * leaves its minute unseen unless the trades reach back to it.
   */
  readonly from: number;
  /** 1-minute candles, any order; those starting at `from` or later, and not after the first trade, apply. */
  readonly candles: readonly MinuteCandle[];
  /** Recovered trades after the last one evaluated, any order. Those at `from` or later apply, in sequence. */
  readonly trades: readonly RecoveredTrade[];
  /** The trade history reached back to `from` (a `trades` gap plan): the trades alone are exact. */
  readonly tradesReachFrom: boolean;
}

export interface TrailingRecovery extends TrailingOutcome {
  readonly exact: boolean;
  /** Start of the first minute whose outcome the rule chose or that went unseen (an unaligned `from`). */
  readonly uncertainFrom?: number;
}

/** A candle as applied: the last one before the trades holds trades before them (the prefix) and theirs. */
interface CandleView {
  readonly candle: MinuteCandle;
  /** Whether the close (and the extremes) belong to the candle alone, or some are the trades' own. */
  readonly whole: boolean;
  /** The extreme lies in the prefix (the trades do not reach it). Always true for a whole candle. */
  readonly adverseKnown: boolean;
  readonly favourableKnown: boolean;
}

export function recoverTrailing(input: TrailingRecoveryInput): TrailingRecovery {
  const { spec, from } = input;
  const trades = input.trades
    .filter((t) => t.time >= from && isActionablePrice(t.price))
    .sort((a, b) => compareSequences(a.sequence, b.sequence));
  let state = input.state;
  let uncertainFrom: number | undefined;
  if (!input.tradesReachFrom) {
    if (from % MINUTE_MS !== 0) uncertainFrom = from;
    for (const view of candleViews(spec, input.candles, trades, from)) {
      if (uncertainFrom === undefined && !isExact(spec, state, view)) uncertainFrom = view.candle.start;
      const outcome = foldCandle(spec, state, view);
      if (outcome.fire !== null) return finish(outcome, uncertainFrom);
      state = outcome.state;
    }
  }
  return finish(foldTrailing(spec, state, trades), uncertainFrom);
}

function finish(outcome: TrailingOutcome, uncertainFrom: number | undefined): TrailingRecovery {
  return uncertainFrom === undefined
    ? { ...outcome, exact: true }
    : { ...outcome, exact: false, uncertainFrom };
}

function candleViews(
  spec: TrailingSpec,
  candles: readonly MinuteCandle[],
  trades: readonly RecoveredTrade[],
  from: number,
): CandleView[] {
  const first = trades[0]?.time ?? Infinity;
  return candlesToApply(candles, from, first, { time: from }).map((candle) => {
    const end = candle.start + MINUTE_MS;
    if (end <= first) return { candle, whole: true, adverseKnown: true, favourableKnown: true };
    // The trades begin inside this minute: its extremes beyond theirs are surely the prefix's.
    const range = tradesInMinute(trades, candle.start);
    const lowKnown = range === undefined || range.low > candle.low;
    const highKnown = range === undefined || range.high < candle.high;
    const long = spec.side === 'long';
    return {
      candle,
      whole: false,
      adverseKnown: long ? lowKnown : highKnown,
      favourableKnown: long ? highKnown : lowKnown,
    };
  });
}

function adverse(spec: TrailingSpec, candle: MinuteCandle): number {
  return spec.side === 'long' ? candle.low : candle.high;
}

function favourable(spec: TrailingSpec, candle: MinuteCandle): number {
  return spec.side === 'long' ? candle.high : candle.low;
}

/** The candle as the path open, adverse extreme, favourable extreme, close (prefix: what it surely holds). */
function foldCandle(spec: TrailingSpec, state: TrailingState, view: CandleView): TrailingOutcome {
  const { candle } = view;
  const path = [candle.open];
  if (view.adverseKnown) path.push(adverse(spec, candle));
  if (view.favourableKnown) path.push(favourable(spec, candle));
  if (view.whole) path.push(candle.close);
  let current = state;
  for (let i = 0; i < path.length; i++) {
    const level = firingLevel(spec, current, path[i]);
    if (level !== null) {
      const price = i === 0 ? candle.open : level;
      return { state: current, fire: { level, price, time: candle.start, fromCandle: true } };
    }
    current = afterPrice(spec, current, path[i]);
  }
  return { state: current, fire: null };
}

/** Whether every order of the candle's trades gives the rule's outcome. */
function isExact(spec: TrailingSpec, state: TrailingState, view: CandleView): boolean {
  const { side, stop } = spec;
  const { open } = view.candle;
  const worst = adverse(spec, view.candle);
  const top = favourable(spec, view.candle);
  const levelOf = (best: number): number => trailingLevel(side, stop.distance, best);
  let best = state.best;
  if (best === null) {
    if (!isActivatedBy(side, stop.activationPrice, top)) return true;
    // Activated inside: the favourable extreme comes at or after activation; a fire needs a later price.
    if (!isActivatedBy(side, stop.activationPrice, open)) return !trailingCrossed(side, levelOf(top), worst);
    best = open;
  } else {
    if (trailingCrossed(side, levelOf(best), open)) return true;
    if (improves(side, open, best)) best = open;
  }
  // After the open: with no new best the level stands still, and the adverse extreme alone decides.
  if (!improves(side, top, best)) return view.adverseKnown || !trailingCrossed(side, levelOf(best), worst);
  return !trailingCrossed(side, levelOf(top), worst);
}
