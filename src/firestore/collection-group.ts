import type { Query, QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { ParseResult } from '../domain/parse-result';
import type { CollectionRead, DocumentReject, TakeParsed } from './document-change';
import { versionOf } from './versions';

type Parser<T> = (path: string, data: unknown) => ParseResult<T>;

/**
 * How a full read is split into pages: how many documents per query, and how each page's fetch is
 * awaited (the caller bounds it by a timeout, tracks it, and refuses new pages once it is stopping).
 */
export interface PageReading {
  readonly pageSize: number;
  fetch<R>(page: () => Promise<R>): Promise<R>;
  /**
   * Asked while a page is parsed: undefined while this turn of the event loop has time left, otherwise a
   * promise that resolves once the loop has had a turn. Bench 7 parses pages of 25,000 documents at 500,000
   * positions, about 200 ms of `data()` and parsing if done at once. A page's fetch includes its parsing
   * (the page is streamed), so its timeout does too.
   */
  pace(): Promise<void> | undefined;
}

/** Documents parsed between two looks at the turn's time. */
const PARSE_CHECK_EVERY = 64;

/**
 * Reads every document of a collection-group query in pages ordered by path, each after the previous
 * page's last document, and parses each document as it arrives (a page is streamed, not gathered),
 * within the reader's turn budget (`pace`), so no single step holds the event loop for long and a slow
 * read fails one page at a time instead of as a whole. A bad document becomes a reject; a good one goes
 * to `take`.
 *
 * Streamed, because a gathered page keeps every one of its decoded documents alive until the last is
 * parsed: at 25,000 documents a page, parsed over many turns, each young-generation collection copied
 * them, and the reconciliation's longest event-loop stalls were those collections. Streamed, a document
 * is garbage once parsed, and the stream reads no further while a turn is given back (backpressure).
 *
 * The pages are not one snapshot: each is read at its own time. The read time reported is the first
 * page's, the earliest: a document missing from the read was not open at its page's time, which is no
 * earlier, so changes newer than the first page's time are never mistaken for older than the read.
 */
export async function readAll<T>(
  query: Query,
  collection: string,
  parse: Parser<T>,
  takeParsed: TakeParsed<T>,
  pages: PageReading,
): Promise<CollectionRead> {
  const rejects: DocumentReject[] = [];
  const take = (doc: QueryDocumentSnapshot): void => {
    const result = parse(doc.ref.path, doc.data());
    if (result.ok) takeParsed(result.value, versionOf(doc.updateTime));
    else rejects.push({ path: doc.ref.path, collection, rejection: result.rejection });
  };
  const { pageSize } = pages;
  let page = await readPage(query.limit(pageSize), pages, take);
  // An empty first page names no read time: an empty query's answer does.
  const readVersion = page.readVersion ?? versionOf((await pages.fetch(() => query.limit(1).get())).readTime);
  let documentsRead = page.count;
  while (page.count === pageSize && page.last !== undefined) {
    page = await readPage(query.startAfter(page.last).limit(pageSize), pages, take);
    documentsRead += page.count;
  }
  return { rejects, documentsRead, readVersion };
}

interface PageRead {
  readonly count: number;
  readonly last: QueryDocumentSnapshot | undefined;
  /** The read time of the page's documents; undefined for an empty page. */
  readonly readVersion: number | undefined;
}

/**
 * Streams one page into `take`, pausing where the turn is spent. A page given up (timed out, or refused
 * by the reader) is read on to its end without being parsed. Destroying the stream firebase-admin hands
 * out does not end the request behind it (checked against the emulator: its client pool still counted the
 * request as pending seconds later, and `terminate()` waits for pending requests), and during an outage
 * its retries would go on in the background. Read on, it ends as a gathered page would, when Firestore
 * answers or firebase-admin stops retrying, and the collector's overlap guard, which waits for every page
 * asked for, sees it end.
 */
async function readPage(
  query: Query,
  pages: PageReading,
  take: (doc: QueryDocumentSnapshot) => void,
): Promise<PageRead> {
  let givenUp = false;
  try {
    return await pages.fetch(async () => {
      let count = 0;
      let last: QueryDocumentSnapshot | undefined;
      let readVersion: number | undefined;
      for await (const doc of query.stream() as AsyncIterable<QueryDocumentSnapshot>) {
        if (givenUp) continue;
        if (count % PARSE_CHECK_EVERY === PARSE_CHECK_EVERY - 1) {
          const paused = pages.pace();
          if (paused !== undefined) await paused;
          if (givenUp) continue;
        }
        readVersion ??= versionOf(doc.readTime);
        take(doc);
        last = doc;
        count++;
      }
      return { count, last, readVersion };
    });
  } catch (error) {
    givenUp = true;
    throw error;
  }
}
