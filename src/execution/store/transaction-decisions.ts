import type { PositionHit, TriggerHit } from '../../cache/book/book.types';
import { parsePosition, type PositionCloseRequest } from '../../domain/position';
import { parseTrigger, type TriggerCondition, type TriggerExecution } from '../../domain/trade-trigger';
import { positionCrossing, triggerCrossed } from '../evaluators/crossing';
import type { HandledReason } from '../execution.types';

/**
 * What a transaction decides from the documents it read. Pure, so the transaction body stays free of side
 * effects (Firestore may run it more than once) and every branch is unit-testable without the emulator.
 *
 * The cached hit is only a hint: the decision is re-taken on the fresh document, so a level the user moved
 * since the cache saw it is honoured (the current level is written, or nothing if it is no longer crossed).
 */
export type Skip = { readonly kind: 'skip'; readonly reason: HandledReason };

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
  if (position.marketType !== hit.marketType || position.symbol !== hit.symbol) return skip('not_crossed');
  const crossing = positionCrossing(position.side, position.stopLoss, position.takeProfit, tape.price);
  if (crossing === null) return skip('not_crossed');
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
  if (trigger.marketType !== hit.marketType || trigger.symbol !== hit.symbol) return skip('not_crossed');
  if (!triggerCrossed(trigger.condition, trigger.targetPrice, tape.price)) return skip('not_crossed');
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
