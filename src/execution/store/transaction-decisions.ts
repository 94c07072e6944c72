import type { PositionHit, TriggerHit } from '../../cache/book/book.types';
import { parsePosition, type PositionCloseRequest } from '../../domain/position';
import { parseTrigger, type TriggerCondition, type TriggerExecution } from '../../domain/trade-trigger';
import { positionCrossing, triggerCrossed } from '../evaluators/crossing';
import { positionItem, triggerItem } from '../../cache/cache-entries';
import type { CurrentEntry, HandledReason } from '../execution.types';

/**
 * What a transaction decides from the documents it read. Pure, so the transaction body stays free of side
 * effects (Firestore may run it more than once) and every branch is unit-testable without the emulator.
 *
 * The cached hit is only a hint: the decision is re-taken on the fresh document, so a level the user moved
 * since the cache saw it is honoured (the current level is written, or nothing if it is no longer crossed).
 */
export interface Skip {
  readonly kind: 'skip';
  readonly reason: HandledReason;
  /** With `not_crossed`: the document as it is now, so the cache can hold its current levels. */
  readonly current?: CurrentEntry;
}

export type CloseDecision = { readonly kind: 'write'; readonly fields: PositionCloseRequest } | Skip;

export type FireDecision =
  | {
      readonly kind: 'write';
      /** The trigger's own fields plus the execution fields; the store adds `executedAt`. */
      readonly executed: Readonly<Record<string, unknown>> & TriggerExecution;
      readonly level: number;
      readonly condition: TriggerCondition;
    }
  | Skip;

export interface Tape {
  readonly price: number;
  readonly tickTime: number;
  readonly instanceId: string;
}

const skip = (reason: HandledReason): Skip => ({ kind: 'skip', reason });

export function decideClose(hit: PositionHit, data: unknown, tape: Tape): CloseDecision {
  if (data === undefined || data === null) return skip('missing');
  if ((data as { status?: unknown }).status !== 'open') return skip('not_open');
  const parsed = parsePosition(hit.entry.path, data);
  if (!parsed.ok) return skip('invalid_document');
  const position = parsed.value;
  const crossing =
    position.marketType === hit.marketType && position.symbol === hit.symbol
      ? positionCrossing(position.side, position.stopLoss, position.takeProfit, tape.price)
      : null;
  if (crossing === null) return { kind: 'skip', reason: 'not_crossed', current: positionItem(position) };
  return {
    kind: 'write',
    fields: {
      status: 'closing',
      closeReason: crossing.reason,
      closeTriggerPrice: crossing.level,
      closePrice: tape.price,
      closeTickTime: tape.tickTime,
      closedBy: tape.instanceId,
    },
  };
}

/** `executedExists`: the same id in executedTriggers means this trigger was fired already (by anyone). */
export function decideFire(
  hit: TriggerHit,
  data: unknown,
  executedExists: boolean,
  tape: Tape,
): FireDecision {
  if (executedExists) return skip('already_executed');
  if (data === undefined || data === null) return skip('missing');
  const parsed = parseTrigger(hit.entry.path, data);
  if (!parsed.ok) return skip('invalid_document');
  const trigger = parsed.value;
  const crossed =
    trigger.marketType === hit.marketType &&
    trigger.symbol === hit.symbol &&
    triggerCrossed(trigger.condition, trigger.targetPrice, tape.price);
  if (!crossed) return { kind: 'skip', reason: 'not_crossed', current: triggerItem(trigger) };
  return {
    kind: 'write',
    executed: {
      ...(data as Record<string, unknown>),
      executedPrice: tape.price,
      executedTickTime: tape.tickTime,
      executedBy: tape.instanceId,
    },
    level: trigger.targetPrice,
    condition: trigger.condition,
  };
}
