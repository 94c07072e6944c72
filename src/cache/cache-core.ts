import {
  type EntryKind,
  type Hit,
  type PendingCrossing,
  type Sighting,
  crossingOf,
} from '../domain/crossing';
import type { MarketType, PriceStream, Tick } from '../domain/market';
import type { PositionLadders, TriggerLadders } from './book/book.types';
import { type TurnBudget, finishInTurns } from './book/stepwise';
import { BuildJournal, type ReadTimes, readTimeOf } from './build-journal';
import { type BookSets, carryTrailingStates, emptyBookSets, setOf } from './cache-entries';
import {
  type CollectionOutcome,
  type CollectionTicket,
  type FullRead,
  buildBooks,
  handOverPending,
} from './collection-build';
import { CrossingFinder } from './crossing-finder';
import type { CrossingPort } from './crossing-port';
import { PendingCrossings, type PendingStats } from './pending-crossings';
import { Removals } from './removals';

export type { CollectionOutcome, CollectionTicket, FullRead } from './collection-build';

/**
 * The cache's pure core: the live books, the pending crossings, and the build-then-swap collection.
 * Every document the cache knows open is in exactly one of two places: the live books with its newest
 * known levels, or a pending crossing. Every change to the live books during a collection is journaled
 * and replayed onto the new books before the swap, so a swap never undoes a change or loses an entry.
 */
export class CacheCore implements CrossingPort {
  private live: BookSets = emptyBookSets();
  private readonly pending = new PendingCrossings();
  /** Triggers whose id already exists in executedTriggers: never evaluated while the document exists. */
  private readonly refused = new Set<string>();
  private readonly finder = new CrossingFinder();
  private journal: BuildJournal | undefined;
  /** When the books' last full read was taken: a document missing from them was not open then. */
  private readTimes: ReadTimes = { positions: -Infinity, triggers: -Infinity };
  private readonly removals = new Removals();
  private collections = 0;
  private readonly changeWatchers = new Set<() => void>();

  /** `onRefused` hears of each trigger refused for a reused id, once. */
  constructor(private readonly onRefused: (path: string) => void = () => undefined) {}

  /** A symbol's positions watching one price stream (`spot`/`futures`: the last trade; `mark`, `index`). */
  positionBook(stream: PriceStream, symbol: string): PositionLadders | undefined {
    return this.live.positions.book(stream, symbol);
  }

  triggerBook(stream: PriceStream, symbol: string): TriggerLadders | undefined {
    return this.live.triggers.book(stream, symbol);
  }

  /** A tick reaches only the books watching its price: a trade the last-price books, a mark price the mark books. */
  crossedBy(tick: Tick, out: Hit[]): number {
    const stream = tick.priceType ?? tick.marketType;
    const positions = this.live.positions.book(stream, tick.symbol);
    const triggers = this.live.triggers.book(stream, tick.symbol);
    if (positions === undefined && triggers === undefined) return 0;
    const before = out.length;
    const found = this.finder.find(positions, triggers, tick, out);
    return tick.source === 'backfill' && found > 0 ? this.keepUpdatedBefore(tick, out, before) : found;
  }

  checkOut(hit: Hit, tick: Tick): PendingCrossing | undefined {
    const path = hit.entry.path;
    if (this.pending.has(path)) return undefined;
    const removed = setOf(this.live, hit.kind).remove(path);
    const { marketType, symbol, priceType, entry } = hit;
    const item = removed ?? { marketType, symbol, priceType, entry, version: 0 };
    const crossing = this.pending.open(hit, { version: item.version, item }, (id) =>
      crossingOf(hit, tick, id, item.version),
    );
    this.notify();
    return crossing;
  }

  isPending(crossing: PendingCrossing): boolean {
    return this.pending.isPending(crossing);
  }

  settle(crossing: PendingCrossing, seen: Sighting): void {
    if (this.pending.isOutdated(crossing, seen)) return;
    const latest = this.pending.end(crossing);
    if (latest === undefined) return this.see(crossing.hit.kind, crossing.hit.entry.path, seen);
    // Ended for good; a sighting newer than the transaction's (the document reopened) goes back to the books.
    this.endInto(crossing, latest.version > seen.version ? latest : seen);
  }

  putBack(crossing: PendingCrossing, current: Sighting): boolean {
    const { kind } = crossing.hit;
    const path = crossing.hit.entry.path;
    if (!this.pending.isPending(crossing)) {
      if (!this.pending.isOutdated(crossing, current)) this.see(kind, path, current);
      return false;
    }
    const verdict = this.pending.rejudge(kind, path, current);
    if (verdict.kind === 'uncrossed')
      this.toLive(kind, path, { version: current.version, item: verdict.item });
    this.notify();
    return verdict.kind === 'ignored' || verdict.kind === 'still_pending';
  }

  keepPending(crossing: PendingCrossing): void {
    this.pending.recordFailure(crossing);
  }

  refuse(crossing: PendingCrossing): void {
    const path = crossing.hit.entry.path;
    this.pending.end(crossing);
    this.refused.add(path);
    setOf(this.live, crossing.hit.kind).remove(path);
    this.onRefused(path);
    this.notify();
  }

  release(crossing: PendingCrossing): void {
    const latest = this.pending.end(crossing);
    if (latest !== undefined) this.endInto(crossing, latest);
  }

  /** A listener change: the document open as `seen.item`, or not open (null), as of `seen.version`. */
  applyPosition(path: string, seen: Sighting): void {
    this.see('position', path, seen);
  }

  applyTrigger(path: string, seen: Sighting): void {
    this.see('trigger', path, seen);
  }

  beginCollection(): CollectionTicket {
    this.journal = new BuildJournal();
    return { sequence: ++this.collections };
  }

  abortCollection(ticket: CollectionTicket): void {
    if (ticket.sequence === this.collections) this.journal = undefined;
  }

  /**
   * Builds new books from a full read, pausing between books (ticks keep being served from the live books
   * while the new ones are built), replays the changes made meanwhile onto them, and swaps them in with
   * one assignment.
   */
  async finishCollectionInSteps(
    ticket: CollectionTicket,
    read: FullRead,
    pause: () => Promise<void>,
    budget?: TurnBudget,
  ): Promise<CollectionOutcome> {
    return finishInTurns(this.collecting(ticket, read), pause, budget);
  }

  /**
   * Merges the live books' waiting inserts, a book at a time, until `budgetMs` of `now` is spent; true once
   * none waits. A listener's first snapshot inserts far from each ladder's tail, and those inserts wait
   * to be merged by the next walk: at a million positions the first ticks after the feeds subscribed
   * merged every ladder of their symbols in one turn (541 ms in bench 7's profile).
   */
  mergePendingInserts(budgetMs: number, now: () => number): boolean {
    const started = now();
    for (const set of [this.live.positions, this.live.triggers])
      for (const [, book] of set.booksByKey()) {
        if (!book.hasPendingInserts()) continue;
        book.mergePendingInserts();
        if (now() - started >= budgetMs) return false; // at least one book a call, so it always ends
      }
    return true;
  }

  /** Symbols with anything watching any of these price streams, including documents with a crossing pending. */
  watchedSymbols(...streams: PriceStream[]): string[] {
    const symbols = new Set<string>();
    for (const stream of streams) {
      for (const set of [this.live.positions, this.live.triggers])
        for (const symbol of set.symbols(stream)) symbols.add(symbol);
      this.pending.addSymbols(stream, symbols);
    }
    return [...symbols];
  }

  /**
   * The earliest exchange time (ms) from which a symbol's trades apply to a trailing stop that no price has
   * reached yet (its document's update time): at a start, the trades since then rebuild its peak.
   */
  trailingSince(stream: PriceStream, symbol: string): number | undefined {
    return this.live.positions.book(stream, symbol)?.earliestDormantTrailing();
  }

  count(kind: EntryKind, marketType?: MarketType): number {
    const set = setOf(this.live, kind);
    return marketType === undefined ? set.size : set.count(marketType);
  }

  pendingStats(): PendingStats {
    return this.pending.stats();
  }

  /** Called (synchronously) after anything that may change the watched symbols; returns an unsubscribe. */
  onChange(watcher: () => void): () => void {
    this.changeWatchers.add(watcher);
    return () => this.changeWatchers.delete(watcher);
  }

  /**
   * A document's levels hold only from its last update: a trade or candle recovered for a gap is not applied
   * to a document updated after it (its time, or the candle's start). Live ticks are judged as they come.
   */
  private keepUpdatedBefore(tick: Tick, out: Hit[], from: number): number {
    const at = tick.exchangeTime * 1_000;
    let kept = from;
    for (let i = from; i < out.length; i++) {
      const hit = out[i];
      const book = hit.kind === 'position' ? this.live.positions : this.live.triggers;
      if ((book.versionOf(hit.entry.path) ?? Infinity) <= at) out[kept++] = hit;
    }
    out.length = kept;
    return kept - from;
  }

  /** Any sighting: a pending crossing takes it first (and may end); otherwise it goes to the live books. */
  private see(kind: EntryKind, path: string, seen: Sighting): void {
    const verdict = this.pending.rejudge(kind, path, seen);
    // A document missing from the live books was missing from the last full read too, unless it was pending.
    if (verdict.kind === 'not_pending') this.toLive(kind, path, seen, readTimeOf(this.readTimes, kind));
    else if (verdict.kind === 'uncrossed' || verdict.kind === 'gone') this.toLive(kind, path, seen);
    this.notify();
  }

  /** A crossing just ended: its document returns to the books as `seen` says (or stays out, if gone). */
  private endInto(crossing: PendingCrossing, seen: Sighting): void {
    this.toLive(crossing.hit.kind, crossing.hit.entry.path, seen);
    this.notify();
  }

  /**
   * Into the live books (journaled too, so a collection building meanwhile does not bring back what its
   * read saw), unless the books hold a newer version or `absentSince` says the sighting is stale.
   */
  private toLive(kind: EntryKind, path: string, seen: Sighting, absentSince = -Infinity): void {
    if (kind === 'trigger' && this.refused.has(path)) {
      if (seen.item !== null) return;
      this.refused.delete(path);
    }
    if (this.removals.isStale(kind, path, seen)) return;
    // What the live books refuse as older, a collection's new books hold at least as new: not journaled.
    const books = setOf(this.live, kind);
    if (!books.observe(path, seen, absentSince)) return;
    this.removals.note(kind, path, seen, books.versionOf(path) !== undefined);
    this.journal?.record(kind, path, seen);
  }

  private *collecting(ticket: CollectionTicket, read: FullRead): Generator<void, CollectionOutcome> {
    const journal = this.journal;
    if (journal === undefined || ticket.sequence !== this.collections) return { kind: 'superseded' };
    const basis = () => ({ live: this.live, pending: this.pending, refused: this.refused });
    const built = yield* buildBooks(basis, journal, read);
    this.journal = undefined;
    if (ticket.sequence !== this.collections) return { kind: 'superseded' };
    if (journal.overflow) return { kind: 'journal_overflow' };
    const { next } = built;
    handOverPending(next, read.readTimes, this.pending);
    for (const path of this.refused) next.triggers.remove(path);
    carryTrailingStates(this.live.positions, next.positions);
    this.live = next;
    this.readTimes = read.readTimes;
    this.removals.forgetBefore(read.readTimes);
    this.notify();
    return { kind: 'swapped', positions: built.positions, triggers: built.triggers };
  }

  private notify(): void {
    for (const watcher of this.changeWatchers) watcher();
  }
}
