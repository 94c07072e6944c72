import {
  type AnyLocated,
  type EntryKind,
  type Hit,
  type PendingCrossing,
  type Sighting,
  type Version,
} from '../domain/crossing';
import { crossesItem } from '../domain/price-legs';
import { type MarketType, type PriceStream, priceStream } from '../domain/market';

interface Pending {
  readonly crossing: PendingCrossing;
  readonly kind: EntryKind;
  /** The newest sighting of the document while it is out of the books. */
  latest: Sighting;
  /** Failed write attempts so far. */
  failures: number;
}

/** What a newer sighting does to a pending crossing. */
export type Rejudged =
  /** Still open and still crossed by the crossing's price: it stays pending. */
  | { readonly kind: 'still_pending' }
  /** Open with levels the crossing's price no longer crosses (moved, or another symbol): back to the books. */
  | { readonly kind: 'uncrossed'; readonly item: AnyLocated }
  /** Left `open` (closed, deleted, invalid): nothing to watch any more. */
  | { readonly kind: 'gone' }
  /** Older than what is already known: nothing changed, the crossing stays pending. */
  | { readonly kind: 'ignored' }
  | { readonly kind: 'not_pending' };

export interface PendingStats {
  readonly count: number;
  /** Crossings with at least one failed write. */
  readonly retrying: number;
  /** Receive time (ms) of the oldest pending crossing's tick, if any. */
  readonly oldestCrossedAt?: number;
  /** Per market, the exchange time (ms) of the earliest pending crossing's tick: a restart must recover it. */
  readonly earliestTickTime: Partial<Record<MarketType, number>>;
}

/**
 * Crossings taken out of the books while they are written. Each keeps the tick that crossed it and the
 * newest sighting of its document, so it ends exactly when the document is written or leaves `open`, or
 * when a sighting shows levels the crossing price does not cross; never because a write attempt failed.
 */
export class PendingCrossings {
  private readonly byPath = new Map<string, Pending>();
  /**
   * The version each ended crossing ended at, for as long as anyone holds the crossing: a transaction that
   * answers after its crossing ended may carry an older sighting, which must not undo the newer one.
   */
  private readonly endedAt = new WeakMap<PendingCrossing, Version>();
  private nextId = 1;

  get size(): number {
    return this.byPath.size;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** A new crossing for `hit`, or undefined if its document already has one pending. */
  open(
    hit: Hit,
    latest: Sighting,
    makeCrossing: (id: number) => PendingCrossing,
  ): PendingCrossing | undefined {
    if (this.byPath.has(hit.entry.path)) return undefined;
    const crossing = makeCrossing(this.nextId++);
    this.byPath.set(hit.entry.path, { crossing, kind: hit.kind, latest, failures: 0 });
    return crossing;
  }

  /** True while this very crossing (not an earlier or later one of the same document) is pending. */
  isPending(crossing: PendingCrossing): boolean {
    return this.byPath.get(crossing.hit.entry.path)?.crossing === crossing;
  }

  /** Ends the crossing; returns the newest sighting it had, or undefined if it was not pending. */
  end(crossing: PendingCrossing): Sighting | undefined {
    const pending = this.byPath.get(crossing.hit.entry.path);
    if (pending?.crossing !== crossing) return undefined;
    this.finish(pending, pending.latest.version);
    return pending.latest;
  }

  /** Whether a sighting about a crossing that already ended is older than what ended it. */
  isOutdated(crossing: PendingCrossing, seen: Sighting): boolean {
    const ended = this.endedAt.get(crossing);
    return ended !== undefined && seen.version < ended;
  }

  recordFailure(crossing: PendingCrossing): void {
    const pending = this.byPath.get(crossing.hit.entry.path);
    if (pending?.crossing === crossing) pending.failures++;
  }

  /** A sighting of a pending document from the listener, a full read or a transaction. */
  rejudge(kind: EntryKind, path: string, seen: Sighting): Rejudged {
    const pending = this.byPath.get(path);
    if (pending === undefined || pending.kind !== kind) return { kind: 'not_pending' };
    if (seen.version < pending.latest.version) return { kind: 'ignored' };
    pending.latest = seen;
    if (seen.item !== null && crossesItem(pending.crossing, seen.item)) return { kind: 'still_pending' };
    this.finish(pending, seen.version);
    return seen.item === null ? { kind: 'gone' } : { kind: 'uncrossed', item: seen.item };
  }

  private finish(pending: Pending, version: Version): void {
    this.byPath.delete(pending.crossing.hit.entry.path);
    this.endedAt.set(pending.crossing, version);
  }

  /** A copy: the caller may end crossings while it walks them. */
  paths(): [string, EntryKind][] {
    return [...this.byPath].map(([path, pending]) => [path, pending.kind]);
  }

  addSymbols(stream: PriceStream, symbols: Set<string>): void {
    for (const { crossing } of this.byPath.values()) {
      const { marketType, priceType, symbol } = crossing.hit;
      if (priceStream(marketType, priceType) === stream) symbols.add(symbol);
    }
  }

  stats(): PendingStats {
    let retrying = 0;
    let oldestCrossedAt: number | undefined;
    const earliestTickTime: Partial<Record<MarketType, number>> = {};
    for (const { crossing, failures } of this.byPath.values()) {
      if (failures > 0) retrying++;
      if (oldestCrossedAt === undefined || crossing.crossedAt < oldestCrossedAt)
        oldestCrossedAt = crossing.crossedAt;
      const market = crossing.hit.marketType;
      earliestTickTime[market] = Math.min(earliestTickTime[market] ?? Infinity, crossing.tickTime);
    }
    return { count: this.byPath.size, retrying, oldestCrossedAt, earliestTickTime };
  }
}
