import type { MarketType } from '../domain/market';
import type { Hit, PositionEntry, PositionLadders, TriggerEntry, TriggerLadders } from './book/book.types';
import { diffing, RepairCounts } from './book-diff';
import { BookSet, Located, runToEnd } from './book-set';
import {
  PositionSet,
  TriggerSet,
  newPositionBook,
  newTriggerBook,
  samePosition,
  sameTrigger,
} from './cache-entries';

type Kind = Hit['kind'];
type AnyLocated = Located<PositionEntry | TriggerEntry>;

interface InFlight {
  readonly kind: Kind;
  /** The latest known version while it is out of the book; null once it left Firestore. */
  latest: AnyLocated | null;
  /** Checkout order: only a collection that started after the checkout may say the entry is gone. */
  readonly sequence: number;
}

type Change =
  | { readonly kind: 'position'; readonly path: string; readonly item?: Located<PositionEntry> }
  | { readonly kind: 'trigger'; readonly path: string; readonly item?: Located<TriggerEntry> };

export interface CollectionTicket {
  readonly sequence: number;
}

export type CollectionOutcome =
  | { readonly kind: 'swapped'; readonly positions: RepairCounts; readonly triggers: RepairCounts }
  /** Too many listener changes arrived during the read to replay them; the live books were kept. */
  | { readonly kind: 'journal_overflow' };

/** Listener changes remembered during one collection read; beyond this the run gives up and retries. */
const MAX_JOURNAL = 500_000;

/**
 * The cache's pure core: the live books, the entries checked out for execution, and the build-then-swap
 * collection. Listener changes that arrive while a collection reads are journaled and replayed onto the
 * freshly built books, so the swap never undoes a change the listener already delivered.
 */
export class CacheCore {
  protected positions: PositionSet = new BookSet(newPositionBook);
  protected triggers: TriggerSet = new BookSet(newTriggerBook);
  private readonly inFlight = new Map<string, InFlight>();
  private journal: Change[] | undefined;
  private journalOverflow = false;
  private sequence = 0;
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
    const latest = removed ?? { marketType: hit.marketType, symbol: hit.symbol, entry: hit.entry };
    this.inFlight.set(path, { kind: hit.kind, latest, sequence: ++this.sequence });
    this.notify();
  }

  /** Done for good (executed, or already handled elsewhere): forget it. */
  settle(hit: Hit): void {
    if (this.inFlight.delete(hit.entry.path)) this.notify();
  }

  /** A retryable failure gave up: back into the book in its latest known version, unless it left Firestore. */
  restore(hit: Hit): void {
    const flight = this.inFlight.get(hit.entry.path);
    if (!flight) return;
    this.inFlight.delete(hit.entry.path);
    if (flight.latest) this.upsert(this.positions, this.triggers, flight.kind, flight.latest);
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
    return { sequence: this.sequence };
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
    for (const flight of this.inFlight.values())
      if (flight.latest?.marketType === marketType) symbols.add(flight.latest.symbol);
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
    this.applyChange(this.positions, this.triggers, change);
    this.notify();
  }

  private *collecting(
    ticket: CollectionTicket,
    positions: Located<PositionEntry>[],
    triggers: Located<TriggerEntry>[],
  ): Generator<void, CollectionOutcome> {
    const nextPositions = yield* BookSet.building(
      this.outsideFlight(ticket, 'position', positions),
      newPositionBook,
    );
    const nextTriggers = yield* BookSet.building(
      this.outsideFlight(ticket, 'trigger', triggers),
      newTriggerBook,
    );
    let replayed = 0;
    const replay = (): void => {
      const journal = this.journal ?? [];
      for (; replayed < journal.length; replayed++)
        this.replay(nextPositions, nextTriggers, journal[replayed]);
    };
    replay();
    this.keepOutInFlight(nextPositions, nextTriggers);
    const positionRepairs = yield* diffing(this.positions, nextPositions, samePosition, replay);
    const triggerRepairs = yield* diffing(this.triggers, nextTriggers, sameTrigger, replay);
    replay();
    this.journal = undefined;
    if (this.journalOverflow) return { kind: 'journal_overflow' };
    this.keepOutInFlight(nextPositions, nextTriggers);
    this.positions = nextPositions;
    this.triggers = nextTriggers;
    this.notify();
    return { kind: 'swapped', positions: positionRepairs, triggers: triggerRepairs };
  }

  /** Entries checked out while the new books were being built must not come back with the swap. */
  private keepOutInFlight(positions: PositionSet, triggers: TriggerSet): void {
    for (const [path, flight] of this.inFlight)
      if (flight.kind === 'position') positions.remove(path);
      else triggers.remove(path);
  }

  /** A journaled change onto the books being built; in-flight entries are left alone (kept out at the swap). */
  private replay(positions: PositionSet, triggers: TriggerSet, change: Change): void {
    if (this.inFlight.has(change.path)) return;
    if (change.item) this.upsert(positions, triggers, change.kind, change.item);
    else if (change.kind === 'position') positions.remove(change.path);
    else triggers.remove(change.path);
  }

  private applyChange(positions: PositionSet, triggers: TriggerSet, change: Change): void {
    const flight = this.inFlight.get(change.path);
    if (flight && flight.kind === change.kind) {
      flight.latest = change.item ?? null;
      return;
    }
    if (change.item) this.upsert(positions, triggers, change.kind, change.item);
    else if (change.kind === 'position') positions.remove(change.path);
    else triggers.remove(change.path);
  }

  private upsert(positions: PositionSet, triggers: TriggerSet, kind: Kind, item: AnyLocated): void {
    if (kind === 'position') positions.upsert(item as Located<PositionEntry>);
    else triggers.upsert(item as Located<TriggerEntry>);
  }

  /** Leaves checked-out entries out of the new books, refreshing their latest version from the read. */
  private outsideFlight<E extends PositionEntry | TriggerEntry>(
    ticket: CollectionTicket,
    kind: Kind,
    items: Located<E>[],
  ): Located<E>[] {
    if (this.inFlight.size === 0) return items;
    const seen = new Set<string>();
    const kept = items.filter((item) => {
      const flight = this.inFlight.get(item.entry.path);
      if (!flight || flight.kind !== kind) return true;
      if (flight.sequence <= ticket.sequence) flight.latest = item;
      seen.add(item.entry.path);
      return false;
    });
    for (const [path, flight] of this.inFlight)
      if (flight.kind === kind && flight.sequence <= ticket.sequence && !seen.has(path)) flight.latest = null;
    return kept;
  }

  private notify(): void {
    for (const watcher of this.changeWatchers) watcher();
  }
}
