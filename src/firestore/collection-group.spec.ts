import { Readable } from 'node:stream';
import { Timestamp } from 'firebase-admin/firestore';
import type { Query } from 'firebase-admin/firestore';
import { type PageReading, readAll } from './collection-group';
import { gather } from '../../test/support/gathered';
import { type ParseResult, reject } from '../domain/parse-result';

const READ_TIME = new Timestamp(1_700_000_100, 0);

/**
 * A query over `count` documents that answers pages as firebase-admin does (limit, startAfter, stream,
 * and get for the read time of an empty one). `streamed` counts the documents each page's stream gave.
 */
function fakeQuery(count: number) {
  const docs = Array.from({ length: count }, (_, i) => ({
    ref: { path: `users/u/openPositions/p${String(i).padStart(4, '0')}` },
    data: () => ({ n: i }),
    updateTime: new Timestamp(1_700_000_000, i * 1_000),
    readTime: READ_TIME,
  }));
  const streamed: number[] = [];
  const page = (from: number, limit: number) => {
    const slice = docs.slice(from, from + limit);
    const index = streamed.push(0) - 1;
    // One document at a time, as the stream is read: what the reader has not asked for is not made.
    return Readable.from(
      (function* () {
        for (const doc of slice) {
          streamed[index]++;
          yield doc;
        }
      })(),
    );
  };
  const query = (from: number) => ({
    limit: (limit: number) => ({
      stream: () => page(from, limit),
      get: () => Promise.resolve({ docs: [], size: 0, readTime: READ_TIME }),
    }),
    startAfter: (last: { ref: { path: string } }) => query(docs.findIndex((d) => d.ref === last.ref) + 1),
  });
  return { query: query(0) as unknown as Query, streamed };
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
    const { query, streamed } = fakeQuery(700);
    const reading = gather((take) => readAll(query, 'openPositions', parse, take, pages));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(parsed).toHaveLength(63); // stopped at its first look, 64 documents in
    // Paused, the page's stream is not read on: no more than its read-ahead of 16 is made.
    expect(streamed[0]).toBeLessThanOrEqual(64 + 16);
    release();
    const read = await reading;
    expect(read.values).toHaveLength(700);
    expect(read.documentsRead).toBe(700);
    expect(parsed).toEqual([...new Set(parsed)]); // each document once, across the pause and the pages
    expect(paces).toEqual([63, 127, 191, 255, 319, 383, 447, 563, 627, 691]); // each page from its start
  });

  it('reports the first page’s read time, an empty query’s too, and reads a full last page’s empty successor', async () => {
    const pages: PageReading = { pageSize: 100, fetch: (page) => page(), pace: () => undefined };
    const parse = (_path: string, data: unknown) => ({ ok: true as const, value: data });
    const empty = await gather((take) => readAll(fakeQuery(0).query, 'openPositions', parse, take, pages));
    expect(empty).toMatchObject({ values: [], documentsRead: 0, readVersion: 1_700_000_100_000_000 });
    const { query, streamed } = fakeQuery(200);
    const full = await readAll(query, 'openPositions', parse, () => undefined, pages);
    expect(full).toMatchObject({ documentsRead: 200, readVersion: 1_700_000_100_000_000 });
    expect(streamed).toEqual([100, 100, 0]);
  });

  it('hands each parsed document to `take` with its update time, and nothing of a rejected one', async () => {
    const pages: PageReading = { pageSize: 2, fetch: (page) => page(), pace: () => undefined };
    const parse = (_path: string, data: unknown): ParseResult<number> => {
      const { n } = data as { n: number };
      return n === 1 ? reject('n', 'invalid_value') : { ok: true, value: n };
    };
    const taken: string[] = [];
    const take = (n: number, version: number) => void taken.push(`${n}@${version}`);
    const read = await readAll(fakeQuery(4).query, 'openPositions', parse, take, pages);
    expect(taken).toEqual(['0@1700000000000000', '2@1700000000000002', '3@1700000000000003']);
    expect(read.rejects).toEqual([
      expect.objectContaining({ path: 'users/u/openPositions/p0001', collection: 'openPositions' }),
    ]);
    expect(read.documentsRead).toBe(4);
  });

  it('reads a page given up to its end without parsing more of it, so its request ends', async () => {
    const parsed: string[] = [];
    let drained: Promise<unknown> = Promise.resolve();
    const { query, streamed } = fakeQuery(300);
    const pages: PageReading = {
      pageSize: 300,
      // The reader gives the page up (its timeout) while the first pause lasts.
      fetch: (page) => {
        const asked = page();
        drained = asked;
        return new Promise((_, reject) => setImmediate(() => reject(new Error('page timed out'))));
      },
      pace: () => new Promise<void>((resolve) => setTimeout(resolve, 20)),
    };
    const parse = (path: string, data: unknown) => {
      parsed.push(path);
      return { ok: true as const, value: data };
    };
    await expect(readAll(query, 'openPositions', parse, () => undefined, pages)).rejects.toThrow(
      'page timed out',
    );
    await drained;
    expect(streamed).toEqual([300]);
    expect(parsed).toHaveLength(63); // the documents before the pause; none after it
  });
});
