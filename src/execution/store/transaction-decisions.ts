import {
  type Crossing,
  type LiquidationOf,
  type PositionHit,
  type Sighting,
  type TriggerHit,
  type Version,
  positionExit,
  positionItem,
  triggerCrossed,
  triggerItem,
  watchesSameStream,
} from '../../domain/crossing';
import type { InstrumentPriceType } from '../../domain/market';
import { positionExitOn } from '../../domain/price-legs';
import { parsePosition, type PositionCloseRequest } from '../../domain/position';
import { parseTrigger, type TriggerCondition, type TriggerExecution } from '../../domain/trade-trigger';
import type { HandledReason } from '../execution.types';

/**
 * What a transaction decides from the documents it read. Pure, so the transaction body stays free of side
 * effects (Firestore may run it more than once) and every branch is unit-testable without the emulator.
 *
 * The cached hit is only a hint: the decision is re-taken on the fresh document, so a level the user moved
 * since the cache saw it is honoured (the current level is written, or nothing if it is no longer crossed).
 */

/** A document as a transaction read it: its data (undefined if missing) and version (update or read time). */
export interface ReadDocument {
  readonly data: unknown;
  readonly version: Version;
}

export interface Skip {
  readonly kind: 'skip';
  readonly reason: HandledReason;
  /** The document as read: open with its current levels (`not_crossed`), or not open (item null). */
  readonly seen: Sighting;
}

/**
 * This replica's own write for this very crossing is already there: an earlier attempt whose commit was
 * reported failed (a deadline, a dropped stream) had landed. It counts as this replica's execution, once:
 * the crossing is retried only after a failure, and ends on this outcome.
 */
export interface Landed {
  readonly kind: 'landed';
  readonly reason: string;
  readonly level: number;
  readonly seen: Sighting;
}

export type CloseDecision = { readonly kind: 'write'; readonly fields: PositionCloseRequest } | Landed | Skip;

export type FireDecision =
  | {
      readonly kind: 'write';
      /** The trigger's own fields plus the execution fields; the store adds `executedAt`. */
      readonly executed: Readonly<Record<string, unknown>> & TriggerExecution;
      readonly level: number;
      readonly condition: TriggerCondition;
    }
  | Landed
  | Skip;

export interface Tape {
  readonly price: number;
  readonly tickTime: number;
  readonly instanceId: string;
}

const gone = (reason: HandledReason, doc: ReadDocument): Skip => ({
  kind: 'skip',
  reason,
  seen: { version: doc.version, item: null },
});

/**
 * The close of a position whose document is still at the version the cache parsed (so it is open, on the
 * hit's market and symbol, with the entry's levels): what `decideClose` would decide on a read of it.
 * Undefined if those levels are not crossed by the tape's price (then only a read can decide).
 */
export function closeOfKnownVersion(hit: PositionHit, tape: Tape): PositionCloseRequest | undefined {
  if (hit.reason === 'trailing_stop') return closeFields(hit, tape, hit.priceType);
  // The hit's entry holds the levels of the price stream it came from (its book's leg).
  const { side, stopLoss, takeProfit, liquidation } = hit.entry;
  const crossing = positionExit(side, stopLoss, takeProfit, liquidation ?? null, tape.price);
  return crossing === null ? undefined : closeFields(crossing, tape, hit.priceType);
}

/**
 * `liquidationOf` gives the read version its liquidation level, as the cache would (LiquidationPolicy): a
 * liquidation is re-decided on the document as read, like a stop. A trailing stop's level follows the
 * prices, which no document holds: its hit stands only on the version it was found on (`hitVersion`),
 * the one its state was built for; on any other, only the static levels are re-decided.
 */
export function decideClose(
  hit: PositionHit,
  doc: ReadDocument,
  tape: Tape,
  liquidationOf: LiquidationOf = () => null,
  hitVersion?: Version,
): CloseDecision {
  const { data } = doc;
  if (data === undefined || data === null) return gone('missing', doc);
  if ((data as { status?: unknown }).status !== 'open')
    return (
      ownWrite(data as Readonly<Record<string, unknown>>, CLOSE_FIELDS, doc, tape) ?? gone('not_open', doc)
    );
  const parsed = parsePosition(hit.entry.path, data);
  if (!parsed.ok) return gone('invalid_document', doc);
  const position = parsed.value;
  // The item knows the document's market, symbol and price type: the hit's price counts only on the levels
  // that watch the hit's price (the stops on theirs, the liquidation on the mark).
  const item = positionItem(position, doc.version, liquidationOf);
  if (hit.reason === 'trailing_stop' && doc.version === hitVersion && watchesSameStream(item, hit))
    return { kind: 'write', fields: closeFields(hit, tape, hit.priceType) };
  const crossing = positionExitOn(item, hit, tape.price);
  if (crossing === null) return { kind: 'skip', reason: 'not_crossed', seen: { version: doc.version, item } };
  return { kind: 'write', fields: closeFields(crossing, tape, hit.priceType) };
}

function closeFields(crossing: Crossing, tape: Tape, priceType?: InstrumentPriceType): PositionCloseRequest {
  return {
    status: 'closing',
    closeReason: crossing.reason,
    closeTriggerPrice: crossing.level,
    closePrice: tape.price,
    // Which price closePrice is, when it is not the last trade's: the mark or index price that crossed.
    ...(priceType === undefined ? {} : { closePriceType: priceType }),
    closeTickTime: tape.tickTime,
    closedBy: tape.instanceId,
  };
}

/** Where a written document says who wrote it, for which tape, and what it decided. */
interface WrittenFields {
  readonly by: string;
  readonly tickTime: string;
  readonly price: string;
  readonly reason: string;
  readonly level: string;
}

/** A position's close, as closeFields writes it. */
const CLOSE_FIELDS: WrittenFields = {
  by: 'closedBy',
  tickTime: 'closeTickTime',
  price: 'closePrice',
  reason: 'closeReason',
  level: 'closeTriggerPrice',
};

/** A trigger's executed copy, as decideFire writes it: the trigger's own condition and target. */
const FIRE_FIELDS: WrittenFields = {
  by: 'executedBy',
  tickTime: 'executedTickTime',
  price: 'executedPrice',
  reason: 'condition',
  level: 'targetPrice',
};

/** This replica's write for this tape, if `written` (read at `doc`'s version) is one. */
function ownWrite(
  written: Readonly<Record<string, unknown>>,
  fields: WrittenFields,
  doc: ReadDocument,
  tape: Tape,
): Landed | undefined {
  if (written[fields.by] !== tape.instanceId || written[fields.tickTime] !== tape.tickTime) return undefined;
  if (written[fields.price] !== tape.price) return undefined;
  const reason = written[fields.reason];
  const level = written[fields.level];
  if (typeof reason !== 'string' || typeof level !== 'number') return undefined;
  return { kind: 'landed', reason, level, seen: { version: doc.version, item: null } };
}

/**
 * `executed`: the executedTriggers document of the same id (its data), undefined if there is none. Its
 * existence means this trigger was fired already (by anyone; by this replica for this tape if an earlier
 * commit landed). If the trigger document exists beside it, the writer reused an id: it can never fire,
 * and is reported.
 */
export function decideFire(
  hit: TriggerHit,
  trigger: ReadDocument,
  executed: Readonly<Record<string, unknown>> | undefined,
  tape: Tape,
): FireDecision {
  const { data } = trigger;
  if (executed !== undefined) {
    if (data !== undefined && data !== null) return gone('reused_id', trigger);
    return ownWrite(executed, FIRE_FIELDS, trigger, tape) ?? gone('already_executed', trigger);
  }
  if (data === undefined || data === null) return gone('missing', trigger);
  const parsed = parseTrigger(hit.entry.path, data);
  if (!parsed.ok) return gone('invalid_document', trigger);
  const value = parsed.value;
  const item = triggerItem(value, trigger.version);
  const crossed =
    watchesSameStream(item, hit) && triggerCrossed(value.condition, value.targetPrice, tape.price);
  if (!crossed) return { kind: 'skip', reason: 'not_crossed', seen: { version: trigger.version, item } };
  return {
    kind: 'write',
    executed: {
      ...(data as Record<string, unknown>),
      executedPrice: tape.price,
      ...(hit.priceType === undefined ? {} : { executedPriceType: hit.priceType }),
      executedTickTime: tape.tickTime,
      executedBy: tape.instanceId,
    },
    level: value.targetPrice,
    condition: value.condition,
  };
}
