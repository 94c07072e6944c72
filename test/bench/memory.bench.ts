import { PositionBook } from '../../src/cache/book/position-book';
import { CacheCore } from '../../src/cache/cache-core';
import { SymbolCache } from '../../src/cache/symbol-cache';
import type { Located, PositionEntry } from '../../src/domain/crossing';
import { type ScenarioResult, formatNumber } from './table';
import { makeWorkload } from './workload';
import { loadBooks } from './bench-config';

const TARGET_BYTES = 250;

interface Usage {
  readonly heap: number;
  readonly arrayBuffers: number;
  readonly external: number;
}

/** Memory in use after 4 forced GCs (bench 10 weighs its holders with it too). */
export function settledUsage(): Usage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the bench with node --expose-gc');
  for (let i = 0; i < 4; i++) gc();
  const { heapUsed, arrayBuffers, external } = process.memoryUsage();
  // `external` includes `arrayBuffers`; keep the remainder apart so nothing is counted twice.
  return { heap: heapUsed, arrayBuffers, external: external - arrayBuffers };
}

/**
 * What the cache retains per position once the input documents are gone: the books' typed-array columns
 * and ladders (ArrayBuffer memory), the path strings, and the path -> slot and path -> symbol maps.
 */
async function measure(positions: number, what: 'cache' | 'books'): Promise<(string | number)[]> {
  const before = settledUsage();
  let held = 0;
  let kept: unknown = await fill(positions, what);
  const after = settledUsage();
  held = what === 'cache' ? (kept as SymbolCache).stats().positions : positions;
  const heap = after.heap - before.heap;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const external = after.external - before.external;
  const perPosition = (heap + buffers + external) / held;
  kept = undefined;
  return [
    formatNumber(held),
    what === 'cache' ? 'SymbolCache' : 'books only',
    formatNumber(heap / held, 1),
    formatNumber(buffers / held, 1),
    formatNumber(external / held, 1),
    formatNumber(perPosition, 1),
    perPosition <= TARGET_BYTES ? 'yes' : 'no',
  ];
}

/**
 * The whole cache (a SymbolCache over its CacheCore: books + path -> symbol index), or the per-symbol
 * PositionBooks alone.
 */
async function fill(positions: number, what: 'cache' | 'books'): Promise<SymbolCache | PositionBook[]> {
  const workload = makeWorkload(positions);
  if (what === 'cache') {
    const core = new CacheCore();
    await loadBooks(core, workload.positions);
    return new SymbolCache(core);
  }
  const groups = new Map<string, Located<PositionEntry>[]>();
  for (const item of workload.positions) {
    const group = groups.get(item.symbol) ?? [];
    group.push(item);
    groups.set(item.symbol, group);
  }
  return [...groups.values()].map((items) => PositionBook.from(items));
}

export async function memoryScenario(quick: boolean): Promise<ScenarioResult> {
  const sizes = quick ? [100_000] : [100_000, 1_000_000];
  const rows: (string | number)[][] = [];
  for (const size of sizes) rows.push(await measure(size, 'cache'), await measure(size, 'books'));
  return {
    scenario: 'memory',
    title: '3. Memory per cached position',
    columns: [
      'positions',
      'holder',
      'V8 heap B',
      'ArrayBuffer B',
      'other external B',
      'total B/position',
      `<= ${TARGET_BYTES}`,
    ],
    rows,
    notes: [
      'process.memoryUsage() after 4 forced GCs (--expose-gc), before and after filling a SymbolCache (its CacheCore) through',
      'a collection (each document taken as read, then the sweep), with the input documents dropped: what the cache retains.',
      'Counts heapUsed + arrayBuffers (typed-array columns and ladders live outside the V8 heap) + the rest of external.',
      '"books only": the per-symbol PositionBooks without the cache\'s path -> symbol map.',
      'Paths are Firestore-shaped (users/<28-char uid>/openPositions/<20-char id>), 500 symbols, Zipf 1.1.',
    ],
    summary: Object.fromEntries(rows.map((row) => [`bytesPerPosition@${row[0]}:${row[1]}`, row[5]])),
  };
}
