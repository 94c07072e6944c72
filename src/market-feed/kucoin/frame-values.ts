import type { MarketType } from '../../domain/market';

/**
 * The values of a KuCoin push as JSON.parse gives them, turned into a tick's fields. Shared by the full
 * parser (frame-parser) and the byte scanner (frame-scanner), whose fast paths must agree with these.
 */

/**
 * The subjects of the trade pushes: spot `/market/match:{symbol}` and futures
 * `/contractMarket/execution:{symbol}` (Kucoin/kucoin-universal-sdk spec/ws, openapi-*-public.json).
 */
export const TRADE_SUBJECTS: Readonly<Record<MarketType, string>> = {
  spot: 'trade.l3match',
  futures: 'match',
};

/** Parses once; anything not a finite positive number (including '' and null) becomes NaN. */
export function parsePrice(value: unknown): number {
  if (typeof value === 'string') {
    if (value.length === 0) return NaN;
    const n = +value;
    return n > 0 && n !== Infinity ? n : NaN;
  }
  if (typeof value === 'number') return value > 0 && value !== Infinity ? value : NaN;
  return NaN;
}

export function optionalPrice(value: unknown): number | undefined {
  const n = parsePrice(value);
  return n === n ? n : undefined;
}

const DIGITS = /^[0-9]+$/;
const NANOS_PER_MILLI = 1e6;
const TWO_POW_53 = 2 ** 53;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_32_MOD_MILLI = TWO_POW_32 % NANOS_PER_MILLI;
/** Past this a millisecond count is not a safe integer any more (and the rounding below not exact). */
const MAX_NANOS = 1e21;

/**
 * Milliseconds (floor of ns / 1e6) from a time in nanoseconds, or NaN when it is none. KuCoin sends spot
 * trade times as digit strings, and futures `ts` as JSON numbers above 2^53.
 *
 * A digit string is exact: its last six digits are cut off, so no precision is lost.
 *
 * A number has been rounded by JSON.parse to the nearest double, up to half a spacing (128 ns around
 * 1.7e18) either way. A plain floor(n / 1e6) then reads 1 ms early whenever the rounding went down across
 * a millisecond boundary: for exact-millisecond times like KuCoin's (`…522000000`) that is one value in
 * eight. So the half spacing is added back before the floor, exactly: the result is floor(true ns / 1e6)
 * except for times less than one spacing (at most 256 ns today) below a millisecond boundary, which may
 * read as that next millisecond.
 */
export function nanosToMillis(value: unknown): number {
  let n: number;
  if (typeof value === 'string') {
    if (DIGITS.test(value)) {
      const ms = value.length > 6 ? +value.slice(0, -6) : 0;
      return Number.isSafeInteger(ms) ? ms : NaN;
    }
    n = +value;
  } else if (typeof value === 'number') {
    n = value;
  } else {
    return NaN;
  }
  if (!(n >= 0 && n < MAX_NANOS)) return NaN;
  if (n < TWO_POW_53) {
    // Below 2^53 every integer is exact; the division may still round up to the next integer.
    const ms = Math.floor(n / NANOS_PER_MILLI);
    return ms * NANOS_PER_MILLI > n ? ms - 1 : ms;
  }
  let halfSpacing = 1; // doubles in [2^k, 2^(k+1)) are 2^(k-52) apart
  while (n >= TWO_POW_53 * 2 * halfSpacing) halfSpacing *= 2;
  // (n + halfSpacing) mod 1e6 exactly, from n's high and low 32 bits (every product here is below 2^53).
  const high = Math.floor(n / TWO_POW_32);
  const low = n - high * TWO_POW_32;
  const rest = ((high % NANOS_PER_MILLI) * TWO_POW_32_MOD_MILLI + low + halfSpacing) % NANOS_PER_MILLI;
  // n + halfSpacing - rest is a whole number of ms; the doubles below are off from it by well under 0.5 ms.
  return Math.round((n - rest + halfSpacing) / NANOS_PER_MILLI);
}

/**
 * A trade's sequence as decimal digits without leading zeros, or undefined when it cannot order trades:
 * a digit string (spot: it exceeds 2^53, so it stays text) or a safe non-negative integer (futures).
 */
export function tradeSequence(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (!DIGITS.test(value)) return undefined;
    let first = 0;
    while (first < value.length - 1 && value.charCodeAt(first) === 0x30) first++;
    return first === 0 ? value : value.slice(first);
  }
  // A number above 2^53 has been rounded by JSON.parse: two trades could compare equal or out of order.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}
