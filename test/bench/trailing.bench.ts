import { PositionBook } from '../../src/cache/book/position-book';
import { type TrailingEntry, TrailingBook } from '../../src/cache/book/trailing-book';
import { CrossingFinder } from '../../src/cache/crossing-finder';
import type { Hit, PositionEntry } from '../../src/domain/crossing';
import type { Tick } from '../../src/domain/market';
import { NOT_ACTIVATED, type TrailingState, afterPrice, firingLevel } from '../../src/domain/trailing-stop';
import { type ScenarioResult, formatNumber, median } from './table';
import { documentPath, rng } from './workload';

const STOPS = 100_000;
const BASE_PRICE = 100;
/** Trade-to-trade moves of a liquid pair: about 0.02% standard deviation. */
const STEP_SD = 0.0002;

interface Case {
  readonly ticks: number;
  /**
   * 'walk': a geometric random walk; 'calm': mean-reverting, ~0.3% around the base; 'quiet': the calm path
   * with callbacks of 20-30%, so nothing fires (the cost of a tick that only moves bests).
   */
  readonly path: 'walk' | 'calm' | 'quiet';
  /** The per-stop scan is ~1,000x slower: it checks the decisions on this prefix of the path only. */
  readonly scanTicks: number;
}

interface Workload {
  readonly trailing: TrailingEntry[];
  readonly statics: { entry: PositionEntry; version: number }[];
  readonly prices: Float64Array;
}

type Recorder = (tick: number, path: string, level: number) => void;

interface Pass {
  /** Ticks 1.. (the first price, which activates every stop without an activation price, is apart). */
  readonly ms: number;
  readonly firstMs: number;
  readonly fires: number;
  readonly left: number;
}

/**
 * Half long, half short; half rate, half amount; callback distances 0.5-5% of the base price; 30% with an
 * activation price up to 3% on the favourable side. The static stops sit at each trailing stop's first level.
 */
function makeWorkload(c: Case, seed = 91): Workload {
  const random = rng(seed);
  const trailing: TrailingEntry[] = [];
  const statics: { entry: PositionEntry; version: number }[] = [];
  for (let id = 0; id < STOPS; id++) {
    const long = random() < 0.5;
    const u = random();
    const share = c.path === 'quiet' ? 0.2 + 0.1 * u : 0.005 + 0.045 * u;
    const distance =
      random() < 0.5
        ? { kind: 'rate' as const, rate: share }
        : { kind: 'amount' as const, amount: share * BASE_PRICE };
    const away = BASE_PRICE * 0.03 * random();
    const activationPrice = random() < 0.3 ? BASE_PRICE + (long ? away : -away) : null;
    const path = documentPath('openPositions', id);
    const side = long ? ('long' as const) : ('short' as const);
    trailing.push({ path, side, stop: { distance, activationPrice } });
    const stopLoss = BASE_PRICE * (long ? 1 - share : 1 + share);
    statics.push({ entry: { path, side, size: 1, stopLoss, takeProfit: null }, version: 0 });
  }
  return { trailing, statics, prices: makePath(c, random) };
}

function makePath(c: Case, random: () => number): Float64Array {
  const prices = new Float64Array(c.ticks);
  let drift = 0;
  for (let i = 0; i < c.ticks; i++) {
    const gauss = (random() + random() + random() + random() - 2) * Math.sqrt(3);
    // The calm path is evaluation.bench's mean-reverting walk (makeTicks).
    drift = c.path === 'walk' ? drift + STEP_SD * gauss : drift * 0.98 + 0.0006 * gauss;
    prices[i] = BASE_PRICE * Math.exp(drift);
  }
  return prices;
}

/** A pass over the first `ticks` prices; every fired stop is checked out, as the cache does. */
function trailingPass(w: Workload, ticks: number, record?: Recorder): Pass {
  const book = new TrailingBook(STOPS);
  for (const entry of w.trailing) book.add(entry);
  let fires = 0;
  let i = 0;
  const visit = (entry: TrailingEntry, level: number): void => {
    book.remove(entry.path);
    fires++;
    record?.(i, entry.path, level);
  };
  const first = performance.now();
  book.advance(w.prices[0], visit);
  const start = performance.now();
  for (i = 1; i < ticks; i++) book.advance(w.prices[i], visit);
  return { ms: performance.now() - start, firstMs: start - first, fires, left: book.size };
}

/**
 * The same stops as the cache holds them: trailing-only entries of a PositionBook, every price a tick through
 * the CrossingFinder (as CacheCore.crossedBy), each hit checked out of the book.
 */
function wiredPass(w: Workload, ticks: number): Pass {
  const book = PositionBook.from(
    w.trailing.map(({ path, side, stop }) => ({
      entry: { path, side, size: 1, stopLoss: null, takeProfit: null, trailing: stop },
      version: 0,
    })),
  );
  const finder = new CrossingFinder();
  const out: Hit[] = [];
  const tick = {
    marketType: 'spot',
    symbol: 'BTC-USDT',
    price: 0,
    exchangeTime: 0,
    receivedAt: 0,
    source: 'stream',
  };
  let fires = 0;
  const step = (price: number): void => {
    tick.price = price;
    out.length = 0;
    finder.find(book, undefined, tick as Tick, out);
    for (const hit of out) book.remove(hit.entry.path);
    fires += out.length;
  };
  const first = performance.now();
  step(w.prices[0]);
  const start = performance.now();
  for (let i = 1; i < ticks; i++) step(w.prices[i]);
  return { ms: performance.now() - start, firstMs: start - first, fires, left: book.size };
}

function staticPass(w: Workload): Pass {
  const book = PositionBook.from(w.statics);
  let fires = 0;
  const visit = (entry: PositionEntry): void => {
    book.remove(entry.path);
    fires++;
  };
  const first = performance.now();
  book.forEachCrossed(w.prices[0], visit);
  const start = performance.now();
  for (let i = 1; i < w.prices.length; i++) book.forEachCrossed(w.prices[i], visit);
  return { ms: performance.now() - start, firstMs: start - first, fires, left: book.size };
}

/** The reference: every live stop folded on its own (firingLevel, afterPrice) at every price. */
function scanPass(w: Workload, ticks: number, record: Recorder): number {
  const states: (TrailingState | null)[] = w.trailing.map(() => NOT_ACTIVATED);
  const start = performance.now();
  for (let i = 0; i < ticks; i++) {
    const price = w.prices[i];
    for (let s = 0; s < w.trailing.length; s++) {
      const state = states[s];
      if (state === null) continue;
      const spec = w.trailing[s];
      const level = firingLevel(spec, state, price);
      if (level === null) states[s] = afterPrice(spec, state, price);
      else {
        states[s] = null;
        record(i, spec.path, level);
      }
    }
  }
  return performance.now() - start;
}

/** Throws unless the book and the per-stop scan fire the same stops at the same ticks and levels; ns/tick of the scan. */
function checkDecisions(w: Workload, ticks: number): number {
  const book: string[] = [];
  const scan: string[] = [];
  trailingPass(w, ticks, (i, path, level) => book.push(`${i}|${path}|${level}`));
  const ms = scanPass(w, ticks, (i, path, level) => scan.push(`${i}|${path}|${level}`));
  book.sort();
  scan.sort();
  if (book.length !== scan.length || book.some((d, i) => d !== scan[i]))
    throw new Error('trailing: the book and the per-stop scan decided differently');
  return (ms * 1e6) / ticks;
}

interface Figures {
  readonly row: (string | number)[];
  readonly trailingNs: number;
  readonly wiredNs: number;
  readonly staticNs: number;
}

function runCase(c: Case, rounds: number): Figures {
  const w = makeWorkload(c);
  const scanNs = checkDecisions(w, Math.min(c.scanTicks, c.ticks));
  // Round 0 warms both up; later rounds alternate which goes first.
  trailingPass(w, c.ticks);
  wiredPass(w, c.ticks);
  staticPass(w);
  const trailing: Pass[] = [];
  const wired: Pass[] = [];
  const statics: Pass[] = [];
  for (let r = 0; r < rounds; r++) {
    const runTrailing = (): void => void trailing.push(trailingPass(w, c.ticks));
    const runWired = (): void => void wired.push(wiredPass(w, c.ticks));
    const runStatic = (): void => void statics.push(staticPass(w));
    const order = [runTrailing, runWired, runStatic];
    for (let k = 0; k < order.length; k++) order[(k + r) % order.length]();
  }
  const nsPerTick = (passes: Pass[]): number => (median(passes.map((p) => p.ms)) * 1e6) / (c.ticks - 1);
  const trailingNs = nsPerTick(trailing);
  const wiredNs = nsPerTick(wired);
  const staticNs = nsPerTick(statics);
  const { fires, left } = trailing[0];
  if (wired[0].fires !== fires || wired[0].left !== left)
    throw new Error('trailing: the cache path fired other stops than the trailing book');
  return {
    row: [
      formatNumber(STOPS),
      c.path,
      formatNumber(c.ticks),
      `${formatNumber(fires)} (${formatNumber(left)} left)`,
      formatNumber(median(trailing.map((p) => p.firstMs)), 1),
      formatNumber(trailingNs, 1),
      formatNumber(wiredNs, 1),
      formatNumber(statics[0].fires),
      formatNumber(staticNs, 1),
      `${formatNumber(trailingNs / staticNs, 2)}x`,
      formatNumber(scanNs, 0),
    ],
    trailingNs,
    wiredNs,
    staticNs,
  };
}

export function trailingScenario(quick: boolean): ScenarioResult {
  const ticks = quick ? 20_000 : 200_000;
  const rounds = quick ? 3 : 5;
  const scanTicks = quick ? 500 : 2_000;
  const cases = (['walk', 'calm', 'quiet'] as const).map((path) => ({
    path,
    figures: runCase({ ticks, path, scanTicks }, rounds),
  }));
  const summary: Record<string, number> = {};
  for (const { path, figures } of cases) {
    summary[`${path}TrailingNsPerTick`] = Number(figures.trailingNs.toFixed(1));
    summary[`${path}InCacheNsPerTick`] = Number(figures.wiredNs.toFixed(1));
    summary[`${path}StaticNsPerTick`] = Number(figures.staticNs.toFixed(1));
    summary[`${path}TrailingOverStatic`] = Number((figures.trailingNs / figures.staticNs).toFixed(2));
  }
  return {
    scenario: 'trailing',
    title: '8. Trailing stops: TrailingBook.advance against static stops (in process, one core)',
    columns: [
      'stops',
      'path',
      'ticks',
      'trailing fires',
      'first tick ms',
      'trailing ns/tick',
      'in the cache ns/tick',
      'static fires',
      'static ns/tick',
      'trailing/static',
      'per-stop scan ns/tick',
    ],
    rows: cases.map((c) => c.figures.row),
    notes: [
      `${formatNumber(STOPS)} trailing stops on one symbol: half long, half short, half rate, half amount, callback`,
      '0.5-5% of the price ("quiet": 20-30%), 30% with an activation price up to 3% on the favourable side. Static =',
      "PositionBook with as many stop-losses, at each trailing stop's first level, walked with forEachCrossed.",
      `"walk": a geometric random walk from ${BASE_PRICE}, ${STEP_SD * 100}% standard deviation per tick; "calm" and`,
      '"quiet": the mean-reverting walk of the evaluation scenario (~0.3% around the base). Same path for both books.',
      'A fired stop is checked out (removed) in the visitor, for both books; both are rebuilt before each pass.',
      'ns/tick: ticks 2.. (every fire, activation and checkout included). The first price, which activates the 70%',
      'without an activation price at once, is timed apart ("first tick ms", the trailing book).',
      `The trailing book's fires must equal a per-stop fold (firingLevel, afterPrice) over the first`,
      `${formatNumber(scanTicks)} ticks (tick, stop, level), or the run throws; that scan's cost is the last column.`,
      '"in the cache": the same stops as trailing-only entries of a PositionBook, each price a tick through the',
      'CrossingFinder (as CacheCore.crossedBy) and each hit removed from the book; it must fire the same stops.',
      'Median of passes in rotating order.',
    ],
    summary,
  };
}
