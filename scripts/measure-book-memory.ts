/**
 * Heap bytes per cached position in the price-indexed books, at 100k and 1M positions over 500 symbols
 * with a Zipf skew (the top symbol holds ~200k of 1M). Counts the V8 heap plus ArrayBuffer memory (the
 * typed-array columns live outside the V8 heap), after forced GCs.
 *
 *   node --expose-gc -r ./test/support/swc-register.js scripts/measure-book-memory.ts
 */
import { randomBytes } from 'node:crypto';
import type { PositionEntry } from '../src/cache/book/book.types';
import { PositionBook } from '../src/cache/book/position-book';

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

function measure(positions: number): { perPosition: number; topSymbol: number } {
  const weights = zipfWeights();
  const counts = weights.map((weight) => Math.round(weight * positions));
  const before = usedBytes();
  const books: PositionBook[] = [];
  let next = 0;
  for (const count of counts) {
    const book = new PositionBook();
    // One at a time, as listeners add them; the bulk path (PositionBook.from) ends up the same size.
    for (let i = 0; i < count; i++) book.add(makeEntry(next++));
    books.push(book);
  }
  const after = usedBytes();
  const held = books.reduce((sum, book) => sum + book.size, 0);
  return { perPosition: (after - before) / held, topSymbol: books[0].size };
}

function main(): void {
  if (!gc) throw new Error('run with node --expose-gc');
  for (const positions of [100_000, 1_000_000]) {
    const { perPosition, topSymbol } = measure(positions);
    console.log(
      `${positions.toLocaleString('en')} positions over ${SYMBOLS} symbols (top symbol ${topSymbol.toLocaleString('en')}): ` +
        `${perPosition.toFixed(1)} heap+ArrayBuffer bytes per position`,
    );
  }
}

main();
