/** A source of uniform numbers in [0, 1); Math.random in the demo, a seeded one in tests. */
export type Uniform = () => number;

/** Small deterministic PRNG (mulberry32), so a walk can be replayed from a seed. */
export function seededUniform(seed: number): Uniform {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(uniform: Uniform): number {
  const u = 1 - uniform(); // (0, 1]: log(0) would be -Infinity
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A geometric random walk: each step multiplies the price by exp(volatility · N(0,1)), so the price stays
 * positive and moves by the same proportion at any level. Rounded to the symbol's tick size, as an
 * exchange would quote it.
 */
export class RandomWalk {
  private current: number;

  constructor(
    start: number,
    private readonly volatility: number,
    private readonly uniform: Uniform = Math.random,
  ) {
    if (!(start > 0)) throw new RangeError(`a walk needs a positive start price (got ${start})`);
    this.current = start;
  }

  get price(): number {
    return this.current;
  }

  next(): number {
    const moved = this.current * Math.exp(this.volatility * normal(this.uniform));
    const rounded = roundToTick(moved);
    this.current = rounded > 0 ? rounded : this.current;
    return this.current;
  }
}

/** About five significant digits past the integer part: 0.1 at 60 000, 0.01 at 3 000, 0.0001 at 0.5. */
export function tickSize(price: number): number {
  if (price >= 10_000) return 0.1;
  if (price >= 100) return 0.01;
  const magnitude = Math.floor(Math.log10(price));
  return 10 ** (magnitude - 4);
}

export function roundToTick(price: number): number {
  const tick = tickSize(price);
  const decimals = Math.max(0, -Math.floor(Math.log10(tick) + 1e-9));
  return Number((Math.round(price / tick) * tick).toFixed(decimals));
}
