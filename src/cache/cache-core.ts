import {
  type AnyLocated,
  type EntryKind,
  type Hit,
  type PendingCrossing,
  type Sighting,
  crossingOf,
} from '../domain/crossing';
import type { MarketType, PriceStream, Tick } from '../domain/market';
import type { PositionLadders, TriggerLadders } from './book/book.types';
import { type TurnBudget, finishInTurns } from './book/stepwise';
import { type BookSets, emptyBookSets, keepUpdatedBefore, mergingInserts, setOf } from './cache-entries';
import { CrossingFinder } from './crossing-finder';
import type { CrossingPort } from './crossing-port';
import { PendingCrossings, type PendingStats } from './pending-crossings';
import {
  type ReadTimes,
  Reconciliation,
  type RepairCounts,
  judgeRead,
  readTimeOf,
  unfound,
} from './reconciliation';
import { Removals } from './removals';

export type { ReadTimes, RepairCounts } from './reconciliation';

export interface CollectionTicket {
  readonly sequence: number;
}

export type CollectionOutcome =
  | { readonly kind: 'reconciled'; readonly positions: RepairCounts; readonly triggers: RepairCounts }
  /** Another collection began meanwhile; this one's sweep was left undone. */
  | { readonly kind: 'superseded' };

/**
 * The cache's pure core: the live books, the pending crossings, and the reconciliation of the books with
 * a full read. Every document the cache knows open is in exactly one of two places: the live books with
 * its newest known levels, or a pending crossing. A full read repairs the live books in place as its
 * documents arrive, version-checked like any other sighting, so it never undoes a newer change; what it
 * did not find is swept out at its end.
 */
export class CacheCore implements CrossingPort {
  private live: BookSets = emptyBookSets();
  private readonly pending = new PendingCrossings();
  /** Triggers whose id already exists in executedTriggers: never evaluated while the document exists. */
  private readonly refused = new Set<string>();
  private readonly finder = new CrossingFinder();
  private reconciling: Reconciliation | undefined;
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
    return tick.source === 'backfill' && found > 0 ? keepUpdatedBefore(this.live, tick, out, before) : found;
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
    this.reconciling = new Reconciliation(++this.collections);
    return { sequence: this.collections };
  }

  /** What the collection repaired before it failed (its repairs stay: each was a newer sighting). */
  abortCollection(ticket: CollectionTicket): Record<EntryKind, RepairCounts> | undefined {
    const run = this.reconcilingFor(ticket);
    if (run !== undefined) this.reconciling = undefined;
    return run?.repairs;
  }

  /**
   * One document of a collection's full read, as its page arrives: a sighting like a listener's, except
   * that the read vouches for the document being open, so it is taken even where the books miss it.
   */
  takeRead(ticket: CollectionTicket, kind: EntryKind, item: AnyLocated): void {
    const run = this.reconcilingFor(ticket);
    if (run === undefined) return;
    const path = item.entry.path;
    const seen = { version: item.version, item };
    // A pending crossing takes the read's document like any other sighting of it.
    if (this.pending.has(path)) {
      run.find(kind, path);
      return this.see(kind, path, seen);
    }
    const books = setOf(this.live, kind);
    const held = books.get(path);
    // Found by the books' own copy of the path where they hold one: the read's copy is then garbage with
    // its page, where kept until the sweep it would be promoted and a million of them compacted later.
    run.find(kind, held?.entry.path ?? path);
    const judged = judgeRead(kind, held, item);
    if (judged === 'older' || judged === 'identical') return;
    // The same version with other levels: a liquidation level recomputed. A trailing stop keeps its peak.
    if (held?.version === item.version) {
      books.relevel(item);
      this.removals.note(kind, path, seen, books.has(path));
    } else if (!this.toLive(kind, path, seen)) return;
    if (judged === 'drifted') run.count(kind, 'updated');
    else if (judged === 'new' && books.has(path)) run.count(kind, 'added');
    this.notify();
  }

  /**
   * Ends a collection whose read has arrived whole (every page through takeRead): from now on a document
   * missing from the books was not open at `readTimes`. Sweeps out, in steps with `pause` between turns
   * (ticks keep being served meanwhile), what the read did not find, and merges the inserts it made.
   */
  async finishCollectionInSteps(
    ticket: CollectionTicket,
    readTimes: ReadTimes,
    pause: () => Promise<void>,
    budget?: TurnBudget,
  ): Promise<CollectionOutcome> {
    const run = this.reconcilingFor(ticket);
    if (run === undefined) return { kind: 'superseded' };
    this.readTimes = readTimes;
    run.whole = true;
    this.removals.forgetBefore(readTimes);
    const swept = await finishInTurns(this.sweeping(run, readTimes), pause, budget);
    if (!swept) return { kind: 'superseded' };
    this.reconciling = undefined;
    this.notify();
    return { kind: 'reconciled', positions: run.repairs.position, triggers: run.repairs.trigger };
  }

  /**
   * Merges the live books' waiting inserts, a book at a time, until `budgetMs` of `now` is spent; true once
   * none waits. A listener's first snapshot inserts far from each ladder's tail, and those inserts wait
   * to be merged by the next walk: at a million positions the first ticks after the feeds subscribed
   * merged every ladder of their symbols in one turn (541 ms in bench 7's profile).
   */
  mergePendingInserts(budgetMs: number, now: () => number): boolean {
    const started = now();
    // At least one book a call, so it always ends.
    for (const _ of mergingInserts(this.live)) if (now() - started >= budgetMs) return false;
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
   * Into the live books, unless they hold a newer version, the document left them later, or `absentSince`
   * says the sighting is stale. Returns whether the sighting was taken.
   */
  private toLive(kind: EntryKind, path: string, seen: Sighting, absentSince = -Infinity): boolean {
    if (kind === 'trigger' && this.refused.has(path)) {
      if (seen.item !== null) return false;
      this.refused.delete(path);
    }
    if (this.removals.isStale(kind, path, seen)) return false;
    const books = setOf(this.live, kind);
    if (!books.observe(path, seen, Math.max(absentSince, this.missedBySweptRead(kind, path)))) return false;
    this.removals.note(kind, path, seen, books.versionOf(path) !== undefined);
    return true;
  }

  /**
   * While a whole read is swept, a document it did not find was not open at its read time. The sweep may
   * pass it by while it is pending, so a sighting older than the read (a released or put-back crossing, a
   * listener's late change ending one) must not bring it back behind the sweep.
   */
  private missedBySweptRead(kind: EntryKind, path: string): number {
    const run = this.reconciling;
    return run?.whole === true && !run.hasFound(kind, path) ? readTimeOf(this.readTimes, kind) : -Infinity;
  }

  private reconcilingFor(ticket: CollectionTicket): Reconciliation | undefined {
    const run = this.reconciling;
    return run !== undefined && run.sequence === ticket.sequence ? run : undefined;
  }

  /** Removes what the read did not find, ends the crossings of documents it did not find, merges inserts. */
  private *sweeping(run: Reconciliation, readTimes: ReadTimes): Generator<void, boolean> {
    for (const kind of ['position', 'trigger'] as const) {
      const readAt = readTimeOf(readTimes, kind);
      const gone = { version: readAt, item: null };
      const found = (path: string): boolean => run.hasFound(kind, path);
      yield* unfound(setOf(this.live, kind), found, readAt, (path) => {
        if (this.toLive(kind, path, gone)) run.count(kind, 'removed');
      });
      if (this.reconciling !== run) return false;
      for (const [path, pendingKind] of this.pending.paths())
        if (pendingKind === kind && !found(path)) this.see(kind, path, gone);
    }
    yield* mergingInserts(this.live);
    return this.reconciling === run;
  }

  private notify(): void {
    for (const watcher of this.changeWatchers) watcher();
  }
}
