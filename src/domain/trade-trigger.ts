import { type InstrumentPriceType, MARKET_TYPES, MarketType, type TriggerPriceType } from './market';
import { TRADE_TRIGGERS } from './document-paths';
import {
  leverage,
  oneOf,
  optionalPositiveNumber,
  optionalTimestampMillis,
  positiveNumber,
  triggerPriceType,
} from './fields';
import { parseUserDocument } from './parse-document';
import type { ParseResult } from './parse-result';
import { SIDES, Side, parseSymbol } from './position';

export const TRIGGER_CONDITIONS = ['above', 'below'] as const;
/** `above` fires when price >= targetPrice; `below` fires when price <= targetPrice. */
export type TriggerCondition = (typeof TRIGGER_CONDITIONS)[number];

/** `users/{uid}/tradeTriggers/{id}`: a conditional order the user wants opened when the price gets there. */
export interface TradeTrigger {
  readonly path: string;
  readonly uid: string;
  readonly id: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly condition: TriggerCondition;
  readonly targetPrice: number;
  /** The price `targetPrice` is compared with; `last` unless the document says otherwise. */
  readonly triggerPriceType: TriggerPriceType;
  readonly side: Side;
  readonly size: number;
  readonly leverage: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  readonly createdAtMs?: number;
}

/**
 * What is added to the trigger's own fields in `users/{uid}/executedTriggers/{same id}` when it fires
 * (`executedAt` is the server timestamp, added by the store).
 */
export interface TriggerExecution {
  readonly executedPrice: number;
  /** Only when the trigger watched a futures mark or index price: which one executedPrice is. */
  readonly executedPriceType?: InstrumentPriceType;
  readonly executedTickTime: number;
  readonly executedBy: string;
}

export function parseTrigger(path: string, data: unknown): ParseResult<TradeTrigger> {
  return parseUserDocument(path, TRADE_TRIGGERS, data, (doc, { uid, id }) => {
    const marketType = oneOf(doc, 'marketType', MARKET_TYPES);
    return {
      path,
      uid,
      id,
      symbol: parseSymbol(doc, marketType),
      marketType,
      condition: oneOf(doc, 'condition', TRIGGER_CONDITIONS),
      targetPrice: positiveNumber(doc, 'targetPrice'),
      triggerPriceType: triggerPriceType(doc, marketType),
      side: oneOf(doc, 'side', SIDES),
      size: positiveNumber(doc, 'size'),
      leverage: leverage(doc),
      stopLoss: optionalPositiveNumber(doc, 'stopLoss'),
      takeProfit: optionalPositiveNumber(doc, 'takeProfit'),
      createdAtMs: optionalTimestampMillis(doc, 'createdAt'),
    };
  });
}
