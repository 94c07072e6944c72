import { Timestamp } from 'firebase-admin/firestore';
import { positionItem } from '../../src/domain/crossing';
import { parsePosition } from '../../src/domain/position';
import { settledUsage } from './memory.bench';
import { seedDocuments } from './million-seed';
import { type ScenarioResult, formatNumber } from './table';

/**
 * What a full read kept of each parsed position until its books were built, in the forms it had before it
 * reconciled each document with the live books as it arrived (since then it keeps none of them).
 */
const HOLDERS = {
  'parsed value + version (the first form)': (value: unknown) => value,
  'book item (the second, as each document was parsed)': (_: unknown, item: unknown) => item,
  'both (what the first form held in the build: the values beside their items)': (
    value: unknown,
    item: unknown,
  ) => [value, item],
} as const;

/**
 * A copy with every string and timestamp made afresh, as firebase-admin decodes each document of a read:
 * no string is shared between documents, as the seed's constants would be.
 */
function decodedAfresh(data: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    copy[fresh(key)] =
      typeof value === 'string'
        ? fresh(value)
        : value instanceof Timestamp
          ? new Timestamp(value.seconds, value.nanoseconds)
          : value;
  }
  return copy;
}

/** The same text in a string of its own, as a decoder makes it: shares nothing with `text`. */
export function fresh(text: string): string {
  return Buffer.from(text).toString();
}

/** Bytes of V8 heap per position that `hold` keeps, the input documents dropped. */
function bytesKept(count: number, hold: (value: unknown, item: unknown) => unknown): number {
  const before = settledUsage().heap;
  const kept: unknown[] = [];
  let version = 1_760_000_000_000_000;
  for (const [path, data] of seedDocuments('position', count, 11)) {
    const parsed = parsePosition(fresh(path), decodedAfresh(data as Record<string, unknown>));
    if (!parsed.ok)
      throw new Error(`the seed wrote a document the parser rejects: ${parsed.rejection.reason}`);
    version++;
    kept.push(hold({ value: parsed.value, version }, positionItem(parsed.value, version)));
  }
  const bytes = (settledUsage().heap - before) / count;
  if (kept.length !== count) throw new Error('a document was not kept');
  return bytes;
}

/**
 * 10. What a full read keeps per position between its pages and the build: bench 7's seeded documents,
 * parsed with every string fresh per document, kept each way in turn.
 */
export function readMemoryScenario(quick: boolean): ScenarioResult {
  const count = quick ? 100_000 : 200_000;
  const rows = Object.entries(HOLDERS).map(([holder, hold]) => [
    holder,
    formatNumber(bytesKept(count, hold)),
  ]);
  const [value, item, both] = rows.map((row) => Number(String(row[1]).replace(/,/g, '')));
  return {
    scenario: 'read-memory',
    title: `10. What a full read keeps per position (${formatNumber(count)} of bench 7's documents)`,
    columns: ['kept', 'V8 heap B/position'],
    rows: [
      ...rows,
      ['through the read: second / first (item / value)', `${formatNumber(item / value, 2)}x`],
      ['during the build: second / first (item / both)', `${formatNumber(item / both, 2)}x`],
    ],
    notes: [
      'process.memoryUsage().heapUsed after 4 forced GCs, before and after parsing the documents and keeping each as named;',
      "every string and timestamp of a document is made afresh, as a read decodes them; paths as the seed's.",
    ],
    summary: {
      valueBytes: value,
      itemBytes: item,
      bothBytes: both,
      readRatio: item / value,
      buildRatio: item / both,
    },
  };
}
