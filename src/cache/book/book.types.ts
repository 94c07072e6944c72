import type { MarketType } from '../../domain/market';
import type { CloseReason, Side } from '../../domain/position';
import type { TriggerCondition } from '../../domain/trade-trigger';

/**
 * What the books hold: only what evaluation and execution need. Everything else about a document is
 * re-read inside the execution transaction, which must read the document anyway.
 */
export interface PositionEntry {
  /** `users/{uid}/openPositions/{id}`: the identity of the entry everywhere in the cache. */
  readonly path: string;
  readonly side: Side;
  readonly size: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
}

export interface TriggerEntry {
  /** `users/{uid}/tradeTriggers/{id}`. */
  readonly path: string;
  readonly condition: TriggerCondition;
  readonly targetPrice: number;
}

export interface PositionHit {
  readonly kind: 'position';
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly entry: PositionEntry;
  readonly reason: CloseReason;
  /** The stop-loss or take-profit level that was crossed. */
  readonly level: number;
}

export interface TriggerHit {
  readonly kind: 'trigger';
  readonly marketType: MarketType;
  readonly symbol: string;
  readonly entry: TriggerEntry;
  readonly level: number;
}

export type Hit = PositionHit | TriggerHit;
