/**
 * Prices on a tick size, written as plain decimals. KuCoin never sends exponent notation ("0.00000011",
 * not "1.1e-7"), and a client that handles prices as text must be tested against the same, so every
 * price, size and volume the simulator writes goes through `plain`.
 */

/** Decimal places of a tick size: 0.1 → 1, 0.00000001 → 8, 0.25 → 2, 5 → 0. */
export function decimalsOf(tick: number): number {
  for (let d = 0; d < 20; d++) {
    const scaled = tick * Number(`1e${d}`);
    const whole = Math.round(scaled);
    if (whole >= 1 && Math.abs(scaled - whole) < 1e-9 * whole) return d;
  }
  return 20;
}

/**
 * The tick size given to a symbol nobody configured: about six significant digits of its first price,
 * never coarser than 1. That is 0.1 for BTC near 67 000 and 0.01 for ETH near 2 500 (KuCoin's own
 * increments), and tiny for micro-priced coins, so a first price is never rounded away.
 */
export function autoTickSize(firstPrice: number): number {
  const exponent = Math.floor(Math.log10(firstPrice)) - 5;
  // Parsed, not 10 ** n: Math.pow gives 0.000009999999999999999 for 1e-5.
  return Number(`1e${Math.max(-18, Math.min(0, exponent))}`);
}

/** The nearest multiple of `tick`, free of binary noise at `decimals` places. */
export function roundToTick(value: number, tick: number, decimals: number): number {
  return Number((Math.round(value / tick) * tick).toFixed(decimals));
}

/** Fixed-point text without trailing zeros: plain(67220, 1) = "67220", plain(1.1e-7, 12) = "0.00000011". */
export function plain(value: number, decimals: number): string {
  const text = value.toFixed(Math.min(100, decimals));
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (text.charCodeAt(end - 1) === 46 /* . */) end--;
  return text.slice(0, end);
}

/**
 * Integer units of 10^-decimals, written as a plain decimal: units 6722005 at 2 decimals = "67220.05".
 * The tape's hot path formats prices this way (no toFixed), a few times faster for the wire benchmark.
 */
export function unitsText(units: number, decimals: number): string {
  let digits = String(units);
  if (decimals === 0) return digits;
  if (digits.length <= decimals) digits = '0'.repeat(decimals - digits.length + 1) + digits;
  const point = digits.length - decimals;
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end === point ? digits.slice(0, point) : `${digits.slice(0, point)}.${digits.slice(point, end)}`;
}

/** One symbol's price grid: values on the tick, their exact text, and the cheap way to get both. */
export class TickGrid {
  readonly decimals: number;
  private readonly scale: number;
  private readonly tickUnits: number;

  constructor(readonly tick: number) {
    this.decimals = decimalsOf(tick);
    this.scale = Number(`1e${this.decimals}`);
    this.tickUnits = Math.round(tick * this.scale);
  }

  /** `value` on the nearest tick: an integer divided by a power of ten, so exactly the decimal's double. */
  round(value: number): number {
    const units = Math.round(value / this.tick) * this.tickUnits;
    return Number.isSafeInteger(units) ? units / this.scale : roundToTick(value, this.tick, this.decimals);
  }

  /** The text of a value already on the grid. */
  text(value: number): string {
    const units = Math.round(value * this.scale);
    return Number.isSafeInteger(units) ? unitsText(units, this.decimals) : plain(value, this.decimals);
  }
}

/**
 * A JSON number without exponent notation, for the values KuCoin sends as numbers (mark prices, rates,
 * contract figures): String() where it is plain (1e-6 and up), else enough fixed decimals for ~15 digits.
 */
export function jsonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-6 && magnitude < 1e21)) return String(value);
  return magnitude < 1
    ? plain(value, 15 - Math.floor(Math.log10(magnitude)))
    : BigInt(Math.trunc(value)).toString();
}
