import type { Located, Version } from '../domain/crossing';
import {
  type MarketType,
  PRICE_STREAMS,
  type PriceStream,
  marketOfStream,
  priceStream,
} from '../domain/market';

/** Entries grouped between two pauses of a stepwise build. */
const GROUPING_STEP = 50_000;

/** What PositionBook and TriggerBook have in common, as the cache uses them. */
export interface Book<E> {
  readonly size: number;
  add(entry: E, version: Version): void;
  remove(path: string): E | undefined;
  get(path: string): E | undefined;
  versionOf(path: string): Version | undefined;
  has(path: string): boolean;
  entries(): IterableIterator<E>;
}

/** A document seen open as `item`, or not open (null), as of `version`. */
export interface SeenAs<E> {
  readonly version: Version;
  readonly item: Located<E> | null;
}

/**
 * One kind of book (positions or triggers) for every symbol and price stream, plus a path -> book index,
 * because a listener's `removed` change carries only the path. A book that becomes empty is dropped, so
 * the set of keys is exactly the set of symbols with something to watch, per stream.
 */
export class BookSet<E extends { readonly path: string }, B extends Book<E>> {
  /** Keyed by bookKey(stream, symbol). */
  private readonly books = new Map<string, B>();
  /**
   * The same books by price stream, then symbol, for the tick path: looking up by the tick's own symbol
   * string avoids building (and hashing) a new key string on every tick.
   */
  private readonly byStream: Record<PriceStream, Map<string, B>> = {
    spot: new Map(),
    futures: new Map(),
    mark: new Map(),
    index: new Map(),
  };
  private readonly keyOfPath = new Map<string, string>();

  constructor(private readonly createBook: (items: Located<E>[]) => B) {}

  /**
   * Builds a whole set (one sort per ladder) for the collector's build-then-swap, as a generator that
   * pauses between books and every GROUPING_STEP entries, so a caller can spread a million-entry build
   * over many event-loop turns instead of blocking ticks for the whole build.
   */
  static *building<E extends { readonly path: string }, B extends Book<E>>(
    items: Iterable<Located<E>>,
    createBook: (items: Located<E>[]) => B,
  ): Generator<void, BookSet<E, B>> {
    const set = new BookSet<E, B>(createBook);
    const grouped: Record<PriceStream, Map<string, Located<E>[]>> = {
      spot: new Map(),
      futures: new Map(),
      mark: new Map(),
      index: new Map(),
    };
    let count = 0;
    for (const item of items) {
      const bySymbol = grouped[priceStream(item.marketType, item.priceType)];
      const group = bySymbol.get(item.symbol);
      if (group) group.push(item);
      else bySymbol.set(item.symbol, [item]);
      if (++count % GROUPING_STEP === 0) yield;
    }
    for (const stream of PRICE_STREAMS) {
      for (const [symbol, group] of grouped[stream]) {
        const book = createBook(group);
        if (book.size === 0) continue;
        const key = bookKey(stream, symbol);
        set.setBook(key, book);
        for (const { entry } of group) if (book.has(entry.path)) set.keyOfPath.set(entry.path, key);
        yield;
      }
    }
    return set;
  }

  get size(): number {
    return this.keyOfPath.size;
  }

  book(stream: PriceStream, symbol: string): B | undefined {
    return this.byStream[stream].get(symbol);
  }

  get(path: string): Located<E> | undefined {
    const key = this.keyOfPath.get(path);
    const book = key === undefined ? undefined : this.books.get(key);
    const entry = book?.get(path);
    if (key === undefined || book === undefined || entry === undefined) return undefined;
    return { ...splitKey(key), entry, version: book.versionOf(path) as Version };
  }

  versionOf(path: string): Version | undefined {
    const key = this.keyOfPath.get(path);
    return key === undefined ? undefined : this.books.get(key)?.versionOf(path);
  }

  /**
   * Applies a sighting unless this set holds a newer version of the document. A document the set does not
   * hold is added only if seen after `absentSince`: a set built from a full read knows that any document
   * missing from it was not open at the read's time. Returns whether the sighting was applied.
   */
  observe(path: string, seen: SeenAs<E>, absentSince = -Infinity): boolean {
    const held = this.versionOf(path);
    if (held !== undefined ? seen.version < held : seen.version <= absentSince) return false;
    // The same version of a document it holds open is the same entry: nothing to move (a listener's first
    // snapshot replayed onto a collection that read the same documents is all such sightings).
    if (held === seen.version && seen.item !== null) return false;
    if (seen.item) this.upsert(seen.item);
    else this.remove(path);
    return true;
  }

  /** Adds or replaces the entry, moving it if its symbol changed. An entry the book does not keep is removed. */
  upsert(item: Located<E>): void {
    const key = bookKey(priceStream(item.marketType, item.priceType), item.symbol);
    const previous = this.keyOfPath.get(item.entry.path);
    if (previous !== undefined && previous !== key) this.removeFrom(previous, item.entry.path);
    let book = this.books.get(key);
    if (!book) {
      book = this.createBook([]);
      this.setBook(key, book);
    }
    book.add(item.entry, item.version);
    if (book.has(item.entry.path)) this.keyOfPath.set(item.entry.path, key);
    else {
      this.keyOfPath.delete(item.entry.path);
      if (book.size === 0) this.deleteBook(key);
    }
  }

  remove(path: string): Located<E> | undefined {
    const key = this.keyOfPath.get(path);
    if (key === undefined) return undefined;
    const version = this.books.get(key)?.versionOf(path) ?? 0;
    const entry = this.removeFrom(key, path);
    return entry === undefined ? undefined : { ...splitKey(key), entry, version };
  }

  symbols(stream: PriceStream): string[] {
    return [...this.byStream[stream].keys()];
  }

  /** Entries of one market, whatever price they watch. */
  count(marketType: MarketType): number {
    let count = 0;
    for (const stream of PRICE_STREAMS) {
      if (marketOfStream(stream) !== marketType) continue;
      for (const book of this.byStream[stream].values()) count += book.size;
    }
    return count;
  }

  has(path: string): boolean {
    return this.keyOfPath.has(path);
  }

  /** Books by bookKey; the diff walks them book by book. */
  booksByKey(): IterableIterator<[string, B]> {
    return this.books.entries();
  }

  bookByKey(key: string): B | undefined {
    return this.books.get(key);
  }

  private removeFrom(key: string, path: string): E | undefined {
    this.keyOfPath.delete(path);
    const book = this.books.get(key);
    const entry = book?.remove(path);
    if (book && book.size === 0) this.deleteBook(key);
    return entry;
  }

  private setBook(key: string, book: B): void {
    const colon = key.indexOf(':');
    this.books.set(key, book);
    this.byStream[key.slice(0, colon) as PriceStream].set(key.slice(colon + 1), book);
  }

  private deleteBook(key: string): void {
    const colon = key.indexOf(':');
    this.books.delete(key);
    this.byStream[key.slice(0, colon) as PriceStream].delete(key.slice(colon + 1));
  }
}

/** A book's key: its price stream and symbol (a spot and a futures symbol never collide). */
function bookKey(stream: PriceStream, symbol: string): string {
  return `${stream}:${symbol}`;
}

/** Where a book's entries are, from its key: market, symbol and, for mark or index, the price type. */
function splitKey(key: string): { marketType: MarketType; symbol: string; priceType?: 'mark' | 'index' } {
  const colon = key.indexOf(':');
  const stream = key.slice(0, colon) as PriceStream;
  const symbol = key.slice(colon + 1);
  if (stream === 'spot' || stream === 'futures') return { marketType: stream, symbol };
  return { marketType: 'futures', symbol, priceType: stream };
}
