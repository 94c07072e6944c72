import type { Located, PositionEntry, TriggerEntry } from '../../src/domain/crossing';
import type { MarketType, Tick } from '../../src/domain/market';

export const SYMBOLS = 500;
/** With 500 symbols an exponent of 1.1 gives the top symbol about a fifth of everything. */
export const ZIPF_EXPONENT = 1.1;

/** mulberry32: small, fast and deterministic, so every run and both implementations see the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function zipfWeights(count = SYMBOLS, exponent = ZIPF_EXPONENT): number[] {
  const raw = Array.from({ length: count }, (_, rank) => 1 / (rank + 1) ** exponent);
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return raw.map((weight) => weight / total);
}

/** Draws a symbol index with the given weights (inverse CDF by binary search). */
export function sampler(weights: readonly number[], random: () => number): () => number {
  const cdf = new Float64Array(weights.length);
  weights.reduce((sum, weight, i) => (cdf[i] = sum + weight), 0);
  return () => {
    const u = random() * cdf[cdf.length - 1];
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export const symbolName = (i: number): string => `SYM${i}-USDT`;

/** Firestore-shaped paths (28-char uid, 20-char id), joined from segments as firebase-admin does. */
export function documentPath(collection: string, id: number): string {
  const uid = `u${(id % 100_003).toString(36)}`.padEnd(28, 'x');
  return ['users', uid, collection, id.toString(36).padStart(20, '0')].join('/');
}

/** The numeric id back from a path built by documentPath. */
export function idOf(path: string): number {
  return parseInt(path.slice(path.lastIndexOf('/') + 1), 36);
}

export interface Workload {
  readonly symbols: readonly string[];
  readonly basePrices: Float64Array;
  readonly positions: Located<PositionEntry>[];
  readonly triggers: Located<TriggerEntry>[];
}

/** Distances of SL/TP/trigger levels from the price: 1% to 25%. */
const distance = (random: () => number): number => 0.01 + 0.24 * random();

/** P positions (SL on 90%, TP on 80%, at least one of them) and P/10 triggers over 500 Zipf-weighted symbols. */
export function makeWorkload(positions: number, seed = 42): Workload {
  const random = rng(seed);
  const pick = sampler(zipfWeights(), random);
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => symbolName(i));
  const basePrices = Float64Array.from(symbols, () => 10 ** (random() * 4 - 1));
  const streams = symbols.map((symbol) => ({ market: 'spot' as const, symbol }));
  return { symbols, basePrices, ...makeBooks(streams, basePrices, positions, random, pick) };
}

/** One symbol's trade stream on one market. */
export interface Stream {
  readonly market: MarketType;
  readonly symbol: string;
}

/**
 * Positions (SL on 90%, TP on 80%, at least one of them) and P/10 triggers, each on a stream drawn by
 * `pick`; levels 1-25% from the stream's base price.
 */
function makeBooks(
  streams: readonly Stream[],
  basePrices: Float64Array,
  positions: number,
  random: () => number,
  pick: () => number,
): Pick<Workload, 'positions' | 'triggers'> {
  const located: Located<PositionEntry>[] = [];
  for (let id = 0; id < positions; id++) {
    const s = pick();
    const p = basePrices[s];
    const long = random() < 0.5;
    const sign = long ? 1 : -1;
    const hasStop = random() < 0.9;
    const hasTake = !hasStop || random() < 0.8;
    const entry: PositionEntry = {
      path: documentPath('openPositions', id),
      side: long ? 'long' : 'short',
      size: Math.round(1 + random() * 1000) / 100,
      stopLoss: hasStop ? p * (1 - sign * distance(random)) : null,
      takeProfit: hasTake ? p * (1 + sign * distance(random)) : null,
    };
    located.push({ marketType: streams[s].market, symbol: streams[s].symbol, entry, version: 0 });
  }
  const triggers: Located<TriggerEntry>[] = [];
  for (let i = 0; i < Math.floor(positions / 10); i++) {
    const s = pick();
    const above = random() < 0.5;
    const targetPrice = basePrices[s] * (above ? 1 + distance(random) : 1 - distance(random));
    const entry: TriggerEntry = {
      path: documentPath('tradeTriggers', positions + i),
      condition: above ? 'above' : 'below',
      targetPrice,
    };
    triggers.push({ marketType: streams[s].market, symbol: streams[s].symbol, entry, version: 0 });
  }
  return { positions: located, triggers };
}

/**
 * Every symbol's trade stream, a base price for each, and each stream's share of the trades (summing
 * to 1). The wire scenario's universe is the 500 spot symbols of makeWorkload, sent round robin.
 */
export interface Universe {
  readonly streams: readonly Stream[];
  readonly basePrices: Float64Array;
  readonly weights: readonly number[];
}

export function wireUniverse(): Universe {
  const { symbols, basePrices } = makeWorkload(0);
  return {
    streams: symbols.map((symbol) => ({ market: 'spot', symbol })),
    basePrices,
    weights: symbols.map(() => 1 / symbols.length),
  };
}

/**
 * A whole KuCoin venue, as the venue scenario loads it (see VENUE_NOTES in venue.bench.ts for where the
 * figures come from): every listed spot pair and futures contract, each market's trades spread over its
 * symbols by Zipf 1.1 (a few majors carry most of the trades, as on any exchange).
 */
export const VENUE = {
  spotSymbols: 900,
  futuresSymbols: 400,
  /** Average trades per second, whole market (the estimate in venue.bench.ts, rounded up). */
  spotTradesPerSecond: 100,
  futuresTradesPerSecond: 350,
} as const;

export const futuresSymbolName = (i: number): string => `SYM${i}USDTM`;

export function venueUniverse(seed = 43): Universe {
  const random = rng(seed);
  const streams: Stream[] = [
    ...Array.from({ length: VENUE.spotSymbols }, (_, i) => ({
      market: 'spot' as const,
      symbol: symbolName(i),
    })),
    ...Array.from({ length: VENUE.futuresSymbols }, (_, i) => ({
      market: 'futures' as const,
      symbol: futuresSymbolName(i),
    })),
  ];
  const basePrices = Float64Array.from(streams, () => 10 ** (random() * 4 - 1));
  const total = VENUE.spotTradesPerSecond + VENUE.futuresTradesPerSecond;
  const weights = [
    ...zipfWeights(VENUE.spotSymbols).map((w) => (w * VENUE.spotTradesPerSecond) / total),
    ...zipfWeights(VENUE.futuresSymbols).map((w) => (w * VENUE.futuresTradesPerSecond) / total),
  ];
  return { streams, basePrices, weights };
}

/** P positions and P/10 triggers over the venue's symbols: a symbol is held as often as it trades. */
export function makeVenueWorkload(
  positions: number,
  seed = 44,
): Universe & Pick<Workload, 'positions' | 'triggers'> {
  const universe = venueUniverse();
  const random = rng(seed);
  const pick = sampler(universe.weights, random);
  return { ...universe, ...makeBooks(universe.streams, universe.basePrices, positions, random, pick) };
}

export interface StreamOptions {
  readonly ticks: number;
  /** 'zipf': popular symbols tick as often as they are held; 'uniform': every symbol alike. */
  readonly skew: 'zipf' | 'uniform';
  /** Every this many ticks the ticked symbol jumps 1.5% (either way) and then reverts. */
  readonly shockEvery: number;
  readonly seed?: number;
}

/**
 * A mean-reverting random walk per symbol (about 0.3% standard deviation around the base price), which by
 * itself crosses almost nothing, plus periodic 1.5% shocks that cross the nearest levels: the occasional hit.
 */
export function makeTicks(workload: Workload, options: StreamOptions): Tick[] {
  const random = rng(options.seed ?? 7);
  const pick =
    options.skew === 'zipf' ? sampler(zipfWeights(), random) : () => Math.floor(random() * SYMBOLS);
  const drift = new Float64Array(SYMBOLS);
  const ticks: Tick[] = [];
  for (let i = 0; i < options.ticks; i++) {
    const s = pick();
    const gauss = random() + random() + random() + random() - 2;
    drift[s] = drift[s] * 0.98 + 0.0006 * 1.7 * gauss;
    if (i > 0 && i % options.shockEvery === 0) drift[s] += random() < 0.5 ? -0.015 : 0.015;
    const price = workload.basePrices[s] * Math.exp(drift[s]);
    ticks.push({
      marketType: 'spot',
      symbol: workload.symbols[s],
      price,
      exchangeTime: 1_700_000_000_000 + i,
      receivedAt: 1_700_000_000_000 + i,
      source: 'stream',
    });
  }
  return ticks;
}
