import { type LiquidationOf, positionItem, triggerItem } from '../domain/crossing';
import type { OpenPosition } from '../domain/position';
import type { TradeTrigger } from '../domain/trade-trigger';
import type { CollectionRead } from '../firestore/document-change';
import type { TurnBudget } from './book/stepwise';
import type { FullRead } from './collection-build';
import { mapInSlices } from './sliced-apply';

/**
 * Documents converted to book items per turn of the event loop: about 10 ms' worth (bench 7's profile at
 * 200,000 positions: 2 us a document, liquidation level included).
 */
const CONVERT_SLICE = 5_000;

/**
 * The longest one turn converts or builds for: counts alone do not bound a turn, because a pod's first
 * full read runs this code cold (interpreted), several times slower than once it is optimised.
 */
export const BUILD_TURN_BUDGET_MS = 10;

/**
 * A full read's documents as book items, converted a turn's worth at a time with the loop given back
 * between turns: at a million positions the conversion takes seconds, and ticks must keep flowing.
 */
export async function fullReadItems(
  positions: CollectionRead<OpenPosition>,
  triggers: CollectionRead<TradeTrigger>,
  levelOf: LiquidationOf,
  yieldToOthers: () => Promise<void>,
  budget: TurnBudget,
): Promise<FullRead> {
  const slices = { sliceSize: CONVERT_SLICE, yieldToOthers, budgetMs: budget.ms, now: budget.now };
  return {
    positions: await mapInSlices(positions.values, (p) => positionItem(p.value, p.version, levelOf), slices),
    triggers: await mapInSlices(triggers.values, (t) => triggerItem(t.value, t.version), slices),
    readTimes: { positions: positions.readVersion, triggers: triggers.readVersion },
  };
}
