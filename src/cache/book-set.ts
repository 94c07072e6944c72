import type { Located, Version } from '../domain/crossing';
import { type Book, type Legs, ONE_LEG, bookKey, marketOf, splitKey } from './book-keys';
import { type Stepwise, finish } from './book/stepwise';
import { ShardedMap } from './sharded-map';
import {
  type MarketType,
  PRICE_STREAMS,
  type PriceStream,
  marketOfStream,
  priceStream,
} from '../domain/market';

export type { Book, Legs } from './book-keys';

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
  /** Each book's key string, by itself (see canonical). */
  private readonly keyNames = new Map<string, string>();
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
  /** Documents in one book: their book's key. */
  private readonly keyOfPath = new ShardedMap<string>();
  /** Documents with more than one leg: every leg's book key, kept or not, the first being the item's own. */
  private readonly legKeysOf = new ShardedMap<readonly string[]>();
  /** Book entries beyond the first of multi-leg documents, per market: count() counts documents. */
  private readonly extraLegs: Record<MarketType, number> = { spot: 0, futures: 0 };

  constructor(
    /** Builds a book in steps; the set's own (one-entry) books are built at once. */
    private readonly buildBook: (items: Located<E>[]) => Stepwise<B>,
    private readonly legs: Legs<E> = ONE_LEG,
  ) {}

  get size(): number {
    return this.keyOfPath.size + this.legKeysOf.size;
  }

  book(stream: PriceStream, symbol: string): B | undefined {
    return this.byStream[stream].get(symbol);
  }

  get(path: string): Located<E> | undefined {
    const legKeys = this.legKeysOf.get(path);
    if (legKeys !== undefined) return this.joined(path, legKeys);
    const key = this.keyOfPath.get(path);
    const book = key === undefined ? undefined : this.books.get(key);
    const entry = book?.get(path);
    if (key === undefined || book === undefined || entry === undefined) return undefined;
    return { ...splitKey(key), entry, version: book.versionOf(path) as Version };
  }

  versionOf(path: string): Version | undefined {
    const legKeys = this.legKeysOf.get(path);
    if (legKeys !== undefined) return this.legVersion(path, legKeys);
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
    const path = item.entry.path;
    const split = this.legs.split(item);
    // Legs are placed afresh: a document's old legs may be in books its new ones are not.
    if (split.length > 1 || this.legKeysOf.has(path)) this.remove(path);
    if (split.length > 1) {
      for (const leg of split) this.addLeg(leg);
      this.indexLegs(path, split);
      return;
    }
    const key = this.keyOf(item);
    const previous = this.keyOfPath.get(path);
    if (previous !== undefined && previous !== key) this.removeFrom(previous, path);
    if (this.addLeg(item)) this.keyOfPath.set(path, this.canonical(key));
    else this.keyOfPath.delete(path);
  }

  /**
   * Replaces a document's entry with one of the same version (its liquidation level recomputed after the
   * contract's margins changed), keeping what its books carry that no document holds: a trailing stop's
   * best price. An upsert would restart the stop as if the document had just been updated.
   */
  relevel(item: Located<E>): void {
    const path = item.entry.path;
    const carried = this.bookKeysOf(path).map(
      (key) => [key, this.books.get(key)?.carriedState?.(path)] as const,
    );
    this.upsert(item);
    for (const [key, state] of carried)
      if (state !== undefined) this.books.get(key)?.restoreCarried?.(path, state);
  }

  remove(path: string): Located<E> | undefined {
    const legKeys = this.legKeysOf.get(path);
    if (legKeys !== undefined) {
      const item = this.joined(path, legKeys);
      this.extraLegs[marketOf(legKeys[0])] -= this.keptLegs(path, legKeys) - 1;
      this.legKeysOf.delete(path);
      for (const key of legKeys) this.removeFrom(key, path);
      return item;
    }
    const key = this.keyOfPath.get(path);
    if (key === undefined) return undefined;
    const version = this.books.get(key)?.versionOf(path) ?? 0;
    const entry = this.removeFrom(key, path);
    return entry === undefined ? undefined : { ...splitKey(key), entry, version };
  }

  /**
   * Whether the document's entry in this book is the one that stands for it when entries are counted book
   * by book (a multi-leg document is in several books; its first kept leg counts, its stops' if any).
   */
  countsAt(key: string, path: string): boolean {
    const legKeys = this.legKeysOf.get(path);
    if (legKeys === undefined) return true;
    for (const legKey of legKeys) if (this.books.get(legKey)?.has(path)) return legKey === key;
    return false;
  }

  symbols(stream: PriceStream): string[] {
    return [...this.byStream[stream].keys()];
  }

  /** Documents of one market, whatever price they watch. */
  count(marketType: MarketType): number {
    let count = 0 - this.extraLegs[marketType];
    for (const stream of PRICE_STREAMS) {
      if (marketOfStream(stream) !== marketType) continue;
      for (const book of this.byStream[stream].values()) count += book.size;
    }
    return count;
  }

  has(path: string): boolean {
    return this.keyOfPath.has(path) || this.legKeysOf.has(path);
  }

  /** Books by bookKey; the diff walks them book by book. */
  booksByKey(): IterableIterator<[string, B]> {
    return this.books.entries();
  }

  bookByKey(key: string): B | undefined {
    return this.books.get(key);
  }

  private bookKeysOf(path: string): readonly string[] {
    const key = this.keyOfPath.get(path);
    return this.legKeysOf.get(path) ?? (key === undefined ? [] : [key]);
  }

  private keyOf(item: Located<E>): string {
    return bookKey(priceStream(item.marketType, item.priceType), item.symbol);
  }

  /** Into its book (made if missing, dropped if left empty); whether the book keeps it. */
  private addLeg(leg: Located<E>): boolean {
    const key = this.keyOf(leg);
    let book = this.books.get(key);
    if (!book) {
      book = finish(this.buildBook([]));
      this.setBook(key, book);
    }
    book.add(leg.entry, leg.version);
    if (book.has(leg.entry.path)) return true;
    if (book.size === 0) this.deleteBook(key);
    return false;
  }

  /** Records a multi-leg document whose legs are in their books, if any of them was kept. */
  private indexLegs(path: string, split: readonly Located<E>[]): void {
    const legKeys = split.map((leg) => this.canonical(this.keyOf(leg)));
    const kept = this.keptLegs(path, legKeys);
    if (kept === 0) return;
    this.legKeysOf.set(path, legKeys);
    this.extraLegs[split[0].marketType] += kept - 1;
  }

  private keptLegs(path: string, legKeys: readonly string[]): number {
    let kept = 0;
    for (const key of legKeys) if (this.books.get(key)?.has(path)) kept++;
    return kept;
  }

  private joined(path: string, legKeys: readonly string[]): Located<E> | undefined {
    const version = this.legVersion(path, legKeys);
    if (version === undefined) return undefined;
    const entry = this.legs.join(legKeys.map((key) => this.books.get(key)?.get(path)));
    return { ...splitKey(legKeys[0]), entry, version };
  }

  private legVersion(path: string, legKeys: readonly string[]): Version | undefined {
    for (const key of legKeys) {
      const version = this.books.get(key)?.versionOf(path);
      if (version !== undefined) return version;
    }
    return undefined;
  }

  private removeFrom(key: string, path: string): E | undefined {
    this.keyOfPath.delete(path);
    const book = this.books.get(key);
    const entry = book?.remove(path);
    if (book && book.size === 0) this.deleteBook(key);
    return entry;
  }

  /**
   * The one string naming a book, kept per document instead of the one built for its key: a document
   * placed by itself (a listener change, a full read's document) built its own, 40-odd bytes a document kept.
   */
  private canonical(key: string): string {
    return this.keyNames.get(key) ?? key;
  }

  private setBook(key: string, book: B): void {
    const colon = key.indexOf(':');
    this.keyNames.set(key, key);
    this.books.set(key, book);
    this.byStream[key.slice(0, colon) as PriceStream].set(key.slice(colon + 1), book);
  }

  private deleteBook(key: string): void {
    const colon = key.indexOf(':');
    this.keyNames.delete(key);
    this.books.delete(key);
    this.byStream[key.slice(0, colon) as PriceStream].delete(key.slice(colon + 1));
  }
}
