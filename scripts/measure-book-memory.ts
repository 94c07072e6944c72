/**
 * Heap bytes per cached position in the price-indexed books and the whole SymbolCache, at 100k and 1M positions over 500 symbols
 * with a Zipf skew (the top symbol holds ~200k of 1M). Counts the V8 heap plus ArrayBuffer memory (the
 * typed-array columns live outside the V8 heap), after forced GCs.
 *
 *   node --expose-gc --max-old-space-size=6144 -r ./test/support/swc-register.js scripts/measure-book-memory.ts
 */
import { randomBytes } from 'node:crypto';
import type { PositionEntry } from '../src/cache/book/book.types';
import { PositionBook } from '../src/cache/book/position-book';
import type { Located } from '../src/cache/book-set';
import { SymbolCache } from '../src/cache/symbol-cache';

const SYMBOLS = 500;
const ZIPF_EXPONENT = 1.1;
const gc = (globalThis as { gc?: () => void }).gc;

function zipfWeights(): number[] {
  const raw = Array.from({ length: SYMBOLS }, (_, rank) => 1 / (rank + 1) ** ZIPF_EXPONENT);
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return raw.map((weight) => weight / total);
}

/** Firestore-shaped ids (28-char uid, 20-char document id), joined from segments as firebase-admin does. */
function firestoreId(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

function makeEntry(i: number): PositionEntry {
  const long = i % 2 === 0;
  const base = 100 + (i % 997);
  return {
    path: ['users', firestoreId(28), 'openPositions', firestoreId(20)].join('/'),
    side: long ? 'long' : 'short',
    size: 0.001 * (1 + (i % 1000)),
    stopLoss: long ? base * 0.95 : base * 1.05,
    takeProfit: i % 3 === 0 ? null : long ? base * 1.1 : base * 0.9,
  };
}

function usedBytes(): number {
  for (let i = 0; i < 4; i++) gc!();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

type Holder = 'books, one add at a time' | 'books, bulk-built' | 'SymbolCache (collector build)';

const HOLDERS: Holder[] = ['books, one add at a time', 'books, bulk-built', 'SymbolCache (collector build)'];

function symbolCounts(positions: number): number[] {
  return zipfWeights().map((weight) => Math.round(weight * positions));
}

function fill(positions: number, holder: Holder): { keep: unknown; held: number; top: number } {
  const counts = symbolCounts(positions);
  let next = 0;
  if (holder === 'SymbolCache (collector build)') {
    const items: Located<PositionEntry>[] = [];
    counts.forEach((count, rank) => {
      for (let i = 0; i < count; i++)
        items.push({ marketType: 'spot', symbol: `S${rank}-USDT`, entry: makeEntry(next++) });
    });
    const cache = new SymbolCache();
    cache.finishCollection(cache.beginCollection(), items, []);
    return { keep: cache, held: cache.stats().positions, top: counts[0] };
  }
  const books = counts.map((count) => {
    const entries = Array.from({ length: count }, () => makeEntry(next++));
    if (holder === 'books, bulk-built') return PositionBook.from(entries);
    // As listeners add them: growth slack included.
    const book = new PositionBook();
    for (const entry of entries) book.add(entry);
    return book;
  });
  return { keep: books, held: books.reduce((sum, book) => sum + book.size, 0), top: books[0].size };
}

function measure(positions: number, holder: Holder): string {
  const before = usedBytes();
  let filled: ReturnType<typeof fill> | undefined = fill(positions, holder);
  const after = usedBytes();
  const { held, top } = filled;
  filled = undefined;
  const perPosition = (after - before) / held;
  return `${held.toLocaleString('en')} positions (top symbol ${top.toLocaleString('en')}), ${holder}: ${perPosition.toFixed(1)} B/position`;
}

function main(): void {
  if (!gc) throw new Error('run with node --expose-gc');
  console.log(`heap + ArrayBuffer bytes per cached position, ${SYMBOLS} symbols, Zipf ${ZIPF_EXPONENT}`);
  for (const positions of [100_000, 1_000_000]) {
    for (const holder of HOLDERS) console.log(measure(positions, holder));
  }
}

main();
