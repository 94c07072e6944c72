import type { MarketType } from '../domain/market';
import type { Hit, PositionEntry, PositionLadders, TriggerEntry, TriggerLadders } from './book/book.types';
import { diffing, RepairCounts } from './book-diff';
import { BookSet, Located, runToEnd } from './book-set';
import { type AnyLocated, Change, InFlightEntries, applyInto, upsertInto } from './in-flight';
import {
  PositionSet,
  TriggerSet,
  newPositionBook,
  newTriggerBook,
  samePosition,
  sameTrigger,
} from './cache-entries';

export interface CollectionTicket {
  readonly sequence: number;
}

export type CollectionOutcome =
  | { readonly kind: 'swapped'; readonly positions: RepairCounts; readonly triggers: RepairCounts }
  /** Too many listener changes arrived during the read to replay them; the live books were kept. */
  | { readonly kind: 'journal_overflow' };

/**
 * Listener changes remembered during one collection; beyond this the run gives up and retries. Large
 * enough for a listener's first snapshot of every open position to arrive during the first collection.
 */
const MAX_JOURNAL = 2_000_000;

/**
 * The cache's pure core: the live books, the entries checked out for execution, and the build-then-swap
 * collection. Listener changes that arrive while a collection reads are journaled and replayed onto the
 * freshly built books, so the swap never undoes a change the listener already delivered.
 */
export class CacheCore {
  protected positions: PositionSet = new BookSet(newPositionBook);
  protected triggers: TriggerSet = new BookSet(newTriggerBook);
  private readonly inFlight = new InFlightEntries();
  private journal: Change[] | undefined;
  private journalOverflow = false;
  private readonly changeWatchers = new Set<() => void>();

  positionBook(marketType: MarketType, symbol: string): PositionLadders | undefined {
    return this.positions.book(marketType, symbol);
  }

  triggerBook(marketType: MarketType, symbol: string): TriggerLadders | undefined {
    return this.triggers.book(marketType, symbol);
  }

  /** Takes the entry out of the live book while it executes: later ticks and collections do not re-add it. */
  checkOut(hit: Hit): void {
    const path = hit.entry.path;
    if (this.inFlight.has(path)) return;
    const removed = hit.kind === 'position' ? this.positions.remove(path) : this.triggers.remove(path);
    this.inFlight.add(
      path,
      hit.kind,
      removed ?? { marketType: hit.marketType, symbol: hit.symbol, entry: hit.entry },
    );
    this.notify();
  }

  /** Done for good (executed, or already handled elsewhere): forget it. */
  settle(hit: Hit): void {
    if (this.inFlight.take(hit.entry.path) !== undefined) this.notify();
  }

  /**
   * Back into the book in its latest known version, unless it left Firestore. `current` is the version an
   * execution has just read: newer than the one checked out, so it is used unless a listener change or a
   * full read replaced that one meanwhile (which of the two is newer is then unknown; the listener's is
   * kept, and any later change reaches the book through the listener or the collector either way).
   */
  restore(hit: Hit, current?: AnyLocated): void {
    const landed = this.inFlight.take(hit.entry.path);
    if (landed === undefined) return;
    const latest = current !== undefined && !landed.replaced ? current : landed.latest;
    if (latest) upsertInto(this.positions, this.triggers, hit.kind, latest);
    this.notify();
  }

  /** A listener change; `item` undefined means the document left the query or became invalid. */
  applyPosition(path: string, item?: Located<PositionEntry>): void {
    this.record({ kind: 'position', path, item });
  }

  applyTrigger(path: string, item?: Located<TriggerEntry>): void {
    this.record({ kind: 'trigger', path, item });
  }

  beginCollection(): CollectionTicket {
    this.journal = [];
    this.journalOverflow = false;
    return { sequence: this.inFlight.mark };
  }

  abortCollection(): void {
    this.journal = undefined;
  }

  /** Builds new books from a full read, replays the journal onto them and swaps them in, all at once. */
  finishCollection(
    ticket: CollectionTicket,
    positions: Located<PositionEntry>[],
    triggers: Located<TriggerEntry>[],
  ): CollectionOutcome {
    return runToEnd(this.collecting(ticket, positions, triggers));
  }

  /**
   * The same, pausing between books: ticks keep being served from the live books while the new ones are
   * built, and listener changes that arrive meanwhile are replayed onto them before the one-assignment swap.
   */
  async finishCollectionInSteps(
    ticket: CollectionTicket,
    positions: Located<PositionEntry>[],
    triggers: Located<TriggerEntry>[],
    pause: () => Promise<void>,
  ): Promise<CollectionOutcome> {
    const steps = this.collecting(ticket, positions, triggers);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await pause();
    }
  }

  /** Symbols with anything to watch, including entries in flight (they may be restored). */
  watchedSymbols(marketType: MarketType): string[] {
    const symbols = new Set([...this.positions.symbols(marketType), ...this.triggers.symbols(marketType)]);
    this.inFlight.addSymbols(marketType, symbols);
    return [...symbols];
  }

  /** Called (synchronously) after anything that may change the watched symbols; returns an unsubscribe. */
  onChange(watcher: () => void): () => void {
    this.changeWatchers.add(watcher);
    return () => this.changeWatchers.delete(watcher);
  }

  protected inFlightCount(): number {
    return this.inFlight.size;
  }

  private record(change: Change): void {
    if (this.journal) {
      if (this.journal.length < MAX_JOURNAL) this.journal.push(change);
      else this.journalOverflow = true;
    }
    if (!this.inFlight.note(change)) applyInto(this.positions, this.triggers, change);
    this.notify();
  }

  private *collecting(
    ticket: CollectionTicket,
    positions: Located<PositionEntry>[],
    triggers: Located<TriggerEntry>[],
  ): Generator<void, CollectionOutcome> {
    const nextPositions = yield* BookSet.building(
      this.inFlight.outside(ticket.sequence, 'position', positions),
      newPositionBook,
    );
    const nextTriggers = yield* BookSet.building(
      this.inFlight.outside(ticket.sequence, 'trigger', triggers),
      newTriggerBook,
    );
    let replayed = 0;
    const replay = (): void => {
      const journal = this.journal ?? [];
      for (; replayed < journal.length; replayed++)
        // Entries in flight are skipped: they are kept out at the swap, and their latest version is noted live.
        if (!this.inFlight.has(journal[replayed].path))
          applyInto(nextPositions, nextTriggers, journal[replayed]);
    };
    replay();
    this.inFlight.keepOut(nextPositions, nextTriggers);
    const positionRepairs = yield* diffing(this.positions, nextPositions, samePosition, replay);
    const triggerRepairs = yield* diffing(this.triggers, nextTriggers, sameTrigger, replay);
    replay();
    this.journal = undefined;
    if (this.journalOverflow) return { kind: 'journal_overflow' };
    this.inFlight.keepOut(nextPositions, nextTriggers);
    this.positions = nextPositions;
    this.triggers = nextTriggers;
    this.notify();
    return { kind: 'swapped', positions: positionRepairs, triggers: triggerRepairs };
  }

  private notify(): void {
    for (const watcher of this.changeWatchers) watcher();
  }
}
