import { isActionablePrice } from './crossing';
import { RawDocument, positiveNumber } from './fields';
import { FieldError, ParseResult, reject } from './parse-result';
import type { Side } from './position';

/**
 * A trailing stop: once activated, the stop follows the best price since activation (long: the highest,
 * short: the lowest) at a fixed distance, and fires on the first price that crosses it.
 *
 * Semantics as KuCoin's spot trailing stop order
 * (https://www.kucoin.com/announcement/en-instructions-on-kucoin-trailing-stop-orders: for a sell, "when
 * the market price rises to the activation price, the trailing stop order will be activated"; it "will
 * continually track the highest market price"; the activation price is optional and defaults to the
 * current market price), with Phemex's level formulas (https://phemex.com/help-center/trailing-stop-order).
 * Neither API spec in kucoin-universal-sdk has a trailing-stop order to check this against:
 * - activation: long at price >= activationPrice, short at price <= activationPrice (equal counts), or at
 *   the first price when there is none. An activation price already passed activates at once (KuCoin
 *   would refuse the order; a paper document cannot be refused). The activating price is the first best.
 * - level: rate r, long best × (1 − r), short best × (1 + r); amount a, long best − a, short best + a.
 * - firing: long price <= level, short price >= level, equal counts (positionCrossing's rule). A price is
 *   judged against the level in force before it: a new best moves the level but cannot fire it, so the
 *   activating price never fires.
 */
export const TRAILING_STOP_FIELD = 'trailingStop';
/** The bound: 0 < callbackRate <= 0.5. */
export const MAX_CALLBACK_RATE = 0.5;

export type TrailingDistance =
  { readonly kind: 'rate'; readonly rate: number } | { readonly kind: 'amount'; readonly amount: number };

export interface TrailingStop {
  readonly distance: TrailingDistance;
  /** null: active from the first price. */
  readonly activationPrice: number | null;
}

/** What a trailing stop is evaluated with: its position's side and its parameters. */
export interface TrailingSpec {
  readonly side: Side;
  readonly stop: TrailingStop;
}

/** The best price since activation; null while not activated. The level follows from it. */
export interface TrailingState {
  readonly best: number | null;
}

export const NOT_ACTIVATED: TrailingState = { best: null };

export interface PricePoint {
  readonly price: number;
  /** Exchange time, ms. */
  readonly time: number;
}

/** What the worker writes: closeReason 'trailing_stop', closeTriggerPrice = level, closePrice = price. */
export interface TrailingFire {
  readonly level: number;
  readonly price: number;
  readonly time: number;
  /** A candle showed it: price and time follow the candle convention (see trailing-recovery.ts). */
  readonly fromCandle: boolean;
}

export interface TrailingOutcome {
  /** The state after the last price folded (before the firing price, if it fired). */
  readonly state: TrailingState;
  readonly fire: TrailingFire | null;
}

/**
 * Field reader for `trailingStop` (absent or null: none), in the style of fields.ts: throws FieldError,
 * which parseUserDocument turns into a rejection. Reasons: `trailingStop.invalid_value` (not a map, or
 * both callbackRate and callbackAmount set), `trailingStop.missing` (neither set),
 * `trailingStop.callbackRate.{not_a_number,not_finite,not_positive,invalid_value}` (invalid_value: above
 * 0.5), `trailingStop.callbackAmount.*` and `trailingStop.activationPrice.*` as positiveNumber gives them.
 * Other keys in the map are ignored, as unknown document fields are.
 */
export function optionalTrailingStop(doc: RawDocument): TrailingStop | null {
  const value = doc[TRAILING_STOP_FIELD];
  if (value === undefined || value === null) return null;
  if (!isPlainMap(value)) throw new FieldError(TRAILING_STOP_FIELD, 'invalid_value');
  const hasRate = isSet(value.callbackRate);
  const hasAmount = isSet(value.callbackAmount);
  if (hasRate === hasAmount) throw new FieldError(TRAILING_STOP_FIELD, hasRate ? 'invalid_value' : 'missing');
  const activationPrice = isSet(value.activationPrice) ? nestedPositive(value, 'activationPrice') : null;
  if (hasAmount)
    return { distance: { kind: 'amount', amount: nestedPositive(value, 'callbackAmount') }, activationPrice };
  const rate = nestedPositive(value, 'callbackRate');
  if (rate > MAX_CALLBACK_RATE) throw new FieldError(`${TRAILING_STOP_FIELD}.callbackRate`, 'invalid_value');
  return { distance: { kind: 'rate', rate }, activationPrice };
}

/** The reader as a value, for callers outside a document parser. */
export function parseTrailingStop(doc: RawDocument): ParseResult<TrailingStop | null> {
  try {
    return { ok: true, value: optionalTrailingStop(doc) };
  } catch (error) {
    if (error instanceof FieldError) return reject(error.field, error.problem);
    throw error;
  }
}

export function trailingLevel(side: Side, distance: TrailingDistance, best: number): number {
  if (distance.kind === 'rate')
    return side === 'long' ? best * (1 - distance.rate) : best * (1 + distance.rate);
  return side === 'long' ? best - distance.amount : best + distance.amount;
}

export function isActivatedBy(side: Side, activationPrice: number | null, price: number): boolean {
  if (activationPrice === null) return true;
  return side === 'long' ? price >= activationPrice : price <= activationPrice;
}

/** The same inclusive rule as a stop-loss in positionCrossing. */
export function trailingCrossed(side: Side, level: number, price: number): boolean {
  return side === 'long' ? price <= level : price >= level;
}

/** Whether `price` is a new best: long strictly higher, short strictly lower. */
export function improves(side: Side, price: number, best: number): boolean {
  return side === 'long' ? price > best : price < best;
}

/** The level `price` crosses, judged on the state before it; null if it crosses none. */
export function firingLevel(spec: TrailingSpec, state: TrailingState, price: number): number | null {
  if (state.best === null) return null;
  const level = trailingLevel(spec.side, spec.stop.distance, state.best);
  return trailingCrossed(spec.side, level, price) ? level : null;
}

/** The state after a price that did not fire. */
export function afterPrice(spec: TrailingSpec, state: TrailingState, price: number): TrailingState {
  const { side, stop } = spec;
  if (state.best === null) return isActivatedBy(side, stop.activationPrice, price) ? { best: price } : state;
  return improves(side, price, state.best) ? { best: price } : state;
}

/**
 * Folds prices (live ticks or recovered trades, in sequence order) into the state, stopping at the first
 * that fires. A zero, negative or non-finite price is skipped, as everywhere else.
 */
export function foldTrailing(
  spec: TrailingSpec,
  state: TrailingState,
  points: Iterable<PricePoint>,
): TrailingOutcome {
  let current = state;
  for (const { price, time } of points) {
    if (!isActionablePrice(price)) continue;
    const level = firingLevel(spec, current, price);
    if (level !== null) return { state: current, fire: { level, price, time, fromCandle: false } };
    current = afterPrice(spec, current, price);
  }
  return { state: current, fire: null };
}

/** Whether two documents' trailing stops are the same order (absent equals absent). */
export function sameTrailingStop(
  a: TrailingStop | undefined | null,
  b: TrailingStop | undefined | null,
): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  return a.activationPrice === b.activationPrice && sameDistance(a.distance, b.distance);
}

function sameDistance(a: TrailingDistance, b: TrailingDistance): boolean {
  if (a.kind === 'rate') return b.kind === 'rate' && a.rate === b.rate;
  return b.kind === 'amount' && a.amount === b.amount;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A Firestore map arrives as a plain object; a Timestamp, GeoPoint or array is not one. */
function isPlainMap(value: unknown): value is RawDocument {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** positiveNumber on a nested key, with the rejection naming its dotted path. */
function nestedPositive(map: RawDocument, key: string): number {
  const field = `${TRAILING_STOP_FIELD}.${key}`;
  return positiveNumber({ [field]: map[key] }, field);
}
