import {
  type InstrumentPriceType,
  MARKET_TYPES,
  MarketType,
  type TriggerPriceType,
  isValidSymbol,
} from './market';
import { OPEN_POSITIONS } from './document-paths';
import {
  RawDocument,
  leverage,
  nonEmptyString,
  oneOf,
  optionalPositiveNumber,
  optionalTimestampMillis,
  positiveNumber,
  triggerPriceType,
} from './fields';
import { parseUserDocument } from './parse-document';
import { FieldError, ParseResult } from './parse-result';
import { type TrailingStop, optionalTrailingStop } from './trailing-stop';

export const SIDES = ['long', 'short'] as const;
export type Side = (typeof SIDES)[number];

export const POSITION_STATUSES = ['open', 'closing', 'closed'] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];

export type CloseReason = 'stop_loss' | 'take_profit' | 'liquidation' | 'trailing_stop';

/** `users/{uid}/openPositions/{id}`, as the web app writes it. */
export interface OpenPosition {
  readonly path: string;
  readonly uid: string;
  readonly id: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly side: Side;
  readonly size: number;
  readonly entryPrice: number;
  readonly leverage: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  readonly status: PositionStatus;
  /** The price its stop-loss and take-profit watch; `last` unless the document says otherwise. */
  readonly triggerPriceType: TriggerPriceType;
  /** The document's own liquidation price (> 0), if it carries one: watched instead of a computed one. */
  readonly liquidationPrice: number | null;
  /** A trailing stop on the same price as the stops (see trailing-stop.ts); null: none. */
  readonly trailingStop: TrailingStop | null;
  readonly openedAtMs?: number;
}

/** The fields the worker writes, in one transaction, when a stop-loss or take-profit is hit. */
export interface PositionCloseRequest {
  readonly status: 'closing';
  readonly closeReason: CloseReason;
  /** The level that was crossed (a liquidation: the liquidation price; a trailing stop: its level then). */
  readonly closeTriggerPrice: number;
  /** The tick price that crossed it: with a gap it is worse than the level, as a real fill would be. */
  readonly closePrice: number;
  /** Only when closePrice is a futures mark or index price (a liquidation's always is the mark): which. */
  readonly closePriceType?: InstrumentPriceType;
  /** Exchange time of that tick, in milliseconds. */
  readonly closeTickTime: number;
  readonly closedBy: string;
}

export function parseSymbol(doc: RawDocument, marketType: MarketType): string {
  const symbol = nonEmptyString(doc, 'symbol');
  if (!isValidSymbol(marketType, symbol)) throw new FieldError('symbol', 'invalid_format');
  return symbol;
}

export function parsePosition(path: string, data: unknown): ParseResult<OpenPosition> {
  return parseUserDocument(path, OPEN_POSITIONS, data, (doc, { uid, id }) => {
    const marketType = oneOf(doc, 'marketType', MARKET_TYPES);
    return {
      path,
      uid,
      id,
      symbol: parseSymbol(doc, marketType),
      marketType,
      side: oneOf(doc, 'side', SIDES),
      size: positiveNumber(doc, 'size'),
      entryPrice: positiveNumber(doc, 'entryPrice'),
      leverage: leverage(doc),
      stopLoss: optionalPositiveNumber(doc, 'stopLoss'),
      takeProfit: optionalPositiveNumber(doc, 'takeProfit'),
      triggerPriceType: triggerPriceType(doc, marketType),
      liquidationPrice: optionalPositiveNumber(doc, 'liquidationPrice'),
      trailingStop: optionalTrailingStop(doc),
      status: oneOf(doc, 'status', POSITION_STATUSES),
      openedAtMs: optionalTimestampMillis(doc, 'openedAt'),
    };
  });
}
