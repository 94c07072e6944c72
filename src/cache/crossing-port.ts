import type { Hit, PendingCrossing, Sighting } from '../domain/crossing';
import type { Tick } from '../domain/market';
import type { PendingStats } from './pending-crossings';

/**
 * The one seam between the books and execution. The cache owns every consequence of these calls,
 * including while a collection reconciles the books: its read never undoes a newer change they made.
 */
export interface CrossingPort {
  /** Appends what the tick's price crosses to `out` (read-only, allocation-free when nothing crosses). */
  crossedBy(tick: Tick, out: Hit[]): number;
  /**
   * Takes the hit's entry out of the books as a pending crossing with this tick's price and time; undefined
   * if its document already has a crossing pending.
   */
  checkOut(hit: Hit, tick: Tick): PendingCrossing | undefined;
  /** False once the crossing ended: written, its document gone, or moved so the price no longer crosses it. */
  isPending(crossing: PendingCrossing): boolean;
  /** Written by this worker, or found not open (`seen.item` null): the crossing ends. */
  settle(crossing: PendingCrossing, seen: Sighting): void;
  /**
   * Found open with levels this price does not cross: the document goes back into the books as seen. Returns
   * true if the crossing stays pending instead, because a newer sighting still has it crossed.
   */
  putBack(crossing: PendingCrossing, current: Sighting): boolean;
  /** A write attempt failed; the crossing stays pending and keeps its tick. */
  keepPending(crossing: PendingCrossing): void;
  /**
   * A trigger whose id already exists in executedTriggers (the writer reused it): the crossing ends and the
   * trigger is refused until its document is deleted.
   */
  refuse(crossing: PendingCrossing): void;
  /** How many crossings are pending, and the oldest one's tick: for the pending gauges. */
  pendingStats(): PendingStats;
  /** Shutdown: the crossing is abandoned and its document goes back into the books in its newest version. */
  release(crossing: PendingCrossing): void;
}

export const CROSSING_PORT = Symbol('CROSSING_PORT');
