import {
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
 * The longest one turn parses or builds for: counts alone do not bound a turn, because a pod's first
 * full read runs this code cold (interpreted), several times slower than once it is optimised.
 */
export const BUILD_TURN_BUDGET_MS = 10;

export type FullReadItems = [CollectionRead<Located<PositionEntry>>, CollectionRead<Located<TriggerEntry>>];

/**
 * Both collections read in full, each document kept as its book item as it is parsed (the parse is paced
 * by `pages`). Converted after the read instead, every parsed document lived to the end of the read and
 * then beside its item while the new books were built: 693 bytes a position, where the item alone is
 * 309 (bench 10: strings fresh per document, as a read decodes them).
 */
export function readBookItems(
  positions: PositionRepository,
  triggers: TradeTriggerRepository,
  pages: PageReading,
  levelOf: LiquidationOf,
): Promise<FullReadItems> {
  return Promise.all([
    positions.loadOpen(pages, (position, version) => positionItem(position, version, levelOf)),
    triggers.loadAll(pages, triggerItem),
  ]);
}
