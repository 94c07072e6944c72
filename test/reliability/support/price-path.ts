import { makePosition, makeTrigger } from '../../support/documents';

/**
 * THE ORACLE METHOD. Each symbol's price moves as a sequence of plateaus on an integer grid
 * (base + g, g a small integer) and every stop-loss, take-profit and trigger level sits on a half
 * step (base + g ± 0.5), strictly between two grid values: no tick ever equals a level, so "crossed"
 * never depends on >= versus >. The driver (plateau-driver.ts) holds each plateau until the simulators
 * show every symbol continuously subscribed by every worker for a healthy window after any fault, with
 * the plateau price re-pushed every few hundred ms, so every plateau is delivered live on a connection
 * the worker kept, or by the REST catch-up that follows each (re)subscription. Hence the set of prices
 * the worker saw is exactly the plateau sequence, in order, and the expected end state is computed from
 * it alone: a document is executed iff some plateau crosses its level, with the first such plateau
 * giving the reason (stop_loss / take_profit) and the price written (closePrice / executedPrice).
 */

export interface SymbolPath {
  readonly symbol: string;
  readonly marketType: 'spot' | 'futures';
  readonly base: number;
  /** Plateau prices; values[0] is the price before the run starts and crosses nothing. */
  readonly values: readonly number[];
}

export type Expectation =
  | { readonly crossed: false }
  | {
      readonly crossed: true;
      readonly reason: 'stop_loss' | 'take_profit' | 'liquidation' | 'trigger';
      readonly level: number;
      readonly price: number;
    };

export interface Scenario {
  readonly paths: readonly SymbolPath[];
  readonly positions: Record<string, Record<string, unknown>>;
  readonly triggers: Record<string, Record<string, unknown>>;
}

/** Deterministic PRNG (mulberry32) so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MAX_OFFSET = 12;

export function symbolsFor(count: number): Array<{ symbol: string; marketType: 'spot' | 'futures' }> {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? { symbol: `R${i}-USDT`, marketType: 'spot' as const }
      : { symbol: `R${i}USDTM`, marketType: 'futures' as const },
  );
}

/** A random walk on the grid, clamped to ±MAX_OFFSET, never standing still between two plateaus. */
export function buildPaths(options: {
  readonly symbols: number;
  readonly plateaus: number;
  readonly random: () => number;
}): SymbolPath[] {
  return symbolsFor(options.symbols).map(({ symbol, marketType }, i) => {
    const base = 1_000 + 100 * i;
    let g = 0;
    const values = [base];
    for (let k = 0; k < options.plateaus; k++) {
      const step = 1 + Math.floor(options.random() * 3);
      const down = g >= MAX_OFFSET - 1 || (g > -(MAX_OFFSET - 1) && options.random() < 0.5);
      g = Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, down ? g - step : g + step));
      values.push(base + g);
    }
    return { symbol, marketType, base, values };
  });
}

/** A level `steps` + 0.5 grid steps away from the base, on the given side. */
function level(base: number, side: 1 | -1, steps: number): number {
  return base + side * (steps + 0.5);
}

/** Positions and triggers spread evenly over the symbols, levels at random half steps. */
export function buildScenario(options: {
  readonly paths: readonly SymbolPath[];
  readonly positions: number;
  readonly triggers: number;
  readonly random: () => number;
}): Scenario {
  const { paths, random } = options;
  const pick = (): number => Math.floor(random() * (MAX_OFFSET - 1));
  const positions: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < options.positions; i++) {
    const { symbol, marketType, base } = paths[i % paths.length];
    const long = random() < 0.5;
    const away: 1 | -1 = long ? -1 : 1; // the stop-loss side
    const shape = random();
    positions[`users/u${i % 37}/openPositions/p${i}`] = makePosition({
      symbol,
      marketType,
      side: long ? 'long' : 'short',
      entryPrice: base,
      stopLoss: shape < 0.1 ? null : level(base, away, pick()),
      takeProfit: shape > 0.9 ? null : level(base, away === 1 ? -1 : 1, pick()),
    });
  }
  const triggers: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < options.triggers; i++) {
    const { symbol, marketType, base } = paths[i % paths.length];
    const above = random() < 0.5;
    triggers[`users/u${i % 37}/tradeTriggers/t${i}`] = makeTrigger({
      symbol,
      marketType,
      condition: above ? 'above' : 'below',
      targetPrice: level(base, above ? 1 : -1, pick()),
      stopLoss: null,
      takeProfit: null,
    });
  }
  return { paths, positions, triggers };
}

/** The first plateau after the start that crosses a position's stop-loss or take-profit, if any. */
export function expectPosition(doc: Record<string, unknown>, path: SymbolPath): Expectation {
  const long = doc.side === 'long';
  const sl = doc.stopLoss as number | null | undefined;
  const tp = doc.takeProfit as number | null | undefined;
  for (const price of path.values.slice(1)) {
    if (sl != null && (long ? price <= sl : price >= sl))
      return { crossed: true, reason: 'stop_loss', level: sl, price };
    if (tp != null && (long ? price >= tp : price <= tp))
      return { crossed: true, reason: 'take_profit', level: tp, price };
  }
  return { crossed: false };
}

export function expectTrigger(doc: Record<string, unknown>, path: SymbolPath): Expectation {
  const target = doc.targetPrice as number;
  for (const price of path.values.slice(1)) {
    if (doc.condition === 'above' ? price >= target : price <= target)
      return { crossed: true, reason: 'trigger', level: target, price };
  }
  return { crossed: false };
}
