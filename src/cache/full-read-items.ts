import {
  type EntryKind,
  type LiquidationOf,
  type Located,
  type PositionEntry,
  type TriggerEntry,
  positionItem,
  triggerItem,
} from '../domain/crossing';
import type { CollectionRead } from '../firestore/document-change';
import type { PageReading } from '../firestore/collection-group';
import type { PositionRepository } from '../firestore/position.repository';
import type { TradeTriggerRepository } from '../firestore/trade-trigger.repository';

/**
 * The longest one turn parses or reconciles for: counts alone do not bound a turn, because a pod's first
 * full read runs this code cold (interpreted), several times slower than once it is optimised.
 */
export const BUILD_TURN_BUDGET_MS = 10;

export type FullReadResults = [CollectionRead, CollectionRead];

/** Where each document of a full read goes as its book item, the moment it is parsed. */
export type TakeItem = (kind: EntryKind, item: Located<PositionEntry> | Located<TriggerEntry>) => void;

/**
 * Both collections read in full, each document made its book item and handed to `take` as it is parsed
 * (the parse is paced by `pages`). Kept to the end of the read instead, every item lived through the
 * whole read and a build of new books beside the live ones: 309 bytes a position (bench 10) plus a
 * second set of books, the reconciliation's heap doubled, and collecting it was its longest stalls.
 */
export function readBookItems(
  positions: PositionRepository,
  triggers: TradeTriggerRepository,
  pages: PageReading,
  levelOf: LiquidationOf,
  take: TakeItem,
): Promise<FullReadResults> {
  return Promise.all([
    positions.loadOpen(pages, (position, version) =>
      take('position', positionItem(position, version, levelOf)),
    ),
    triggers.loadAll(pages, (trigger, version) => take('trigger', triggerItem(trigger, version))),
  ]);
}
