import { Timestamp } from 'firebase-admin/firestore';
import type { Query } from 'firebase-admin/firestore';
import { type PageReading, readAll } from './collection-group';

/** A query over `count` documents that answers pages as firebase-admin does (limit, startAfter, get). */
function fakeQuery(count: number): Query {
  const docs = Array.from({ length: count }, (_, i) => ({
    ref: { path: `users/u/openPositions/p${String(i).padStart(4, '0')}` },
    data: () => ({ n: i }),
    updateTime: new Timestamp(1_700_000_000, i * 1_000),
  }));
  const page = (from: number, limit: number) => {
    const slice = docs.slice(from, from + limit);
    return { docs: slice, size: slice.length, readTime: new Timestamp(1_700_000_100, 0) };
  };
  const query = (from: number) => ({
    limit: (limit: number) => ({ get: () => Promise.resolve(page(from, limit)) }),
    startAfter: (last: { ref: { path: string } }) => query(docs.findIndex((d) => d.ref === last.ref) + 1),
  });
  return query(0) as unknown as Query;
}

describe('readAll', () => {
  it('parses a page within the turn budget: it waits where the reader says the turn is spent', async () => {
    let release: () => void = () => undefined;
    const paces: number[] = [];
    const parsed: string[] = [];
    const pages: PageReading = {
      pageSize: 500,
      fetch: (page) => page(),
      // The first look finds the turn spent; the others find time left.
      pace: () => {
        paces.push(parsed.length);
        return paces.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      },
    };
    const parse = (path: string, data: unknown) => {
      parsed.push(path);
      return { ok: true as const, value: data };
    };
    const reading = readAll(fakeQuery(700), 'openPositions', parse, pages);
    await new Promise((resolve) => setImmediate(resolve));
    expect(parsed).toHaveLength(63); // stopped at its first look, 64 documents in
    release();
    const read = await reading;
    expect(read.values).toHaveLength(700);
    expect(read.documentsRead).toBe(700);
    expect(parsed).toEqual([...new Set(parsed)]); // each document once, across the pause and the pages
    expect(paces).toEqual([63, 127, 191, 255, 319, 383, 447, 563, 627, 691]); // each page from its start
  });
});
