import type { MarketType } from '../domain/market';
import type { Hit, PositionEntry, TriggerEntry } from './book/book.types';
import type { Located } from './book-set';
import type { PositionSet, TriggerSet } from './cache-entries';

export type Kind = Hit['kind'];
export type AnyLocated = Located<PositionEntry | TriggerEntry>;

/** A listener change; no item means the document left the query or became invalid. */
export type Change =
  | { readonly kind: 'position'; readonly path: string; readonly item?: Located<PositionEntry> }
  | { readonly kind: 'trigger'; readonly path: string; readonly item?: Located<TriggerEntry> };

interface Flight {
  readonly kind: Kind;
  /** The latest known version while it is out of the book; null once it left Firestore. */
  latest: AnyLocated | null;
  /** Checkout order: only a collection that started after the checkout may say the entry is gone. */
  readonly sequence: number;
  /** A listener change or a full read replaced the version checked out. */
  replaced: boolean;
}

/** What an entry leaves the in-flight set with. */
export interface Landed {
  readonly latest: AnyLocated | null;
  readonly replaced: boolean;
}

/**
 * Entries checked out of the books while they execute. Their latest version is tracked from listener
 * changes and full reads, so a restore puts back what Firestore holds now, or nothing if it left.
 */
export class InFlightEntries {
  private readonly flights = new Map<string, Flight>();
  private sequence = 0;

  get size(): number {
    return this.flights.size;
  }

  /** The checkout sequence so far; a collection records it when its read starts. */
  get mark(): number {
    return this.sequence;
  }

  has(path: string): boolean {
    return this.flights.has(path);
  }

  add(path: string, kind: Kind, latest: AnyLocated): void {
    this.flights.set(path, { kind, latest, sequence: ++this.sequence, replaced: false });
  }

  /** Removes the entry and returns its latest version (null if it left Firestore); undefined if not in flight. */
  take(path: string): Landed | undefined {
    const flight = this.flights.get(path);
    this.flights.delete(path);
    return flight;
  }

  /** Records a listener change for an entry in flight; false if the entry is not in flight. */
  note(change: Change): boolean {
    const flight = this.flights.get(change.path);
    if (!flight || flight.kind !== change.kind) return false;
    flight.latest = change.item ?? null;
    flight.replaced = true;
    return true;
  }

  /** Leaves entries in flight out of a full read, refreshing their latest version from it. */
  outside<E extends PositionEntry | TriggerEntry>(
    mark: number,
    kind: Kind,
    items: Located<E>[],
  ): Located<E>[] {
    if (this.flights.size === 0) return items;
    const seen = new Set<string>();
    const kept = items.filter((item) => {
      const flight = this.flights.get(item.entry.path);
      if (!flight || flight.kind !== kind) return true;
      if (flight.sequence <= mark) {
        flight.latest = item;
        flight.replaced = true;
      }
      seen.add(item.entry.path);
      return false;
    });
    for (const [path, flight] of this.flights)
      if (flight.kind === kind && flight.sequence <= mark && !seen.has(path)) {
        flight.latest = null;
        flight.replaced = true;
      }
    return kept;
  }

  /** Removes every entry in flight from books being built, so the swap cannot bring one back. */
  keepOut(positions: PositionSet, triggers: TriggerSet): void {
    for (const [path, flight] of this.flights)
      if (flight.kind === 'position') positions.remove(path);
      else triggers.remove(path);
  }

  addSymbols(marketType: MarketType, symbols: Set<string>): void {
    for (const flight of this.flights.values())
      if (flight.latest?.marketType === marketType) symbols.add(flight.latest.symbol);
  }
}

export function upsertInto(positions: PositionSet, triggers: TriggerSet, kind: Kind, item: AnyLocated): void {
  if (kind === 'position') positions.upsert(item as Located<PositionEntry>);
  else triggers.upsert(item as Located<TriggerEntry>);
}

export function applyInto(positions: PositionSet, triggers: TriggerSet, change: Change): void {
  if (change.item) upsertInto(positions, triggers, change.kind, change.item);
  else if (change.kind === 'position') positions.remove(change.path);
  else triggers.remove(change.path);
}
