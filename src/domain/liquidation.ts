import { isActionablePrice, positionCrossing } from './crossing';
import type { MarketType } from './market';
import type { Side } from './position';

/**
 * The liquidation price of an isolated-margin KuCoin futures position, fees and funding ignored.
 *
 * Source: KuCoin Help Center, "How to Calculate Futures Liquidation Price",
 * https://www.kucoin.com/support/26694703491737, in force since KuCoin's isolated-margin update of
 * 22 May 2025 (https://www.kucoin.com/announcement/update-to-the-isolated-margin-calculation-formula:
 * "Entry Price is replaced with Mark Price for maintenance margin calculation"; liquidation fee added):
 *   linear (USDT/USDC):  LP = (value − margin) / [qty × multiplier × (1 − side × MMR − side × LFR)]
 *   inverse (coin):      LP = [qty × multiplier × (1 − side × MMR − side × LFR)] / (value − margin)
 * with signed quantities. That is: liquidation when margin + unrealised PnL = MMR × position value at the
 * mark. With margin = entry value / leverage and LFR = 0 (fees ignored), quantity and multiplier cancel:
 *   linear long   LP = E × (1 − 1/L) / (1 − MMR)     linear short   LP = E × (1 + 1/L) / (1 + MMR)
 *   inverse long  LP = E × (1 + MMR) / (1 + 1/L)     inverse short  LP = E × (1 − MMR) / (1 − 1/L)
 * (inverse PnL is qty × multiplier × (1/E − 1/P) coins for a long). The help-center formula before the
 * update took the maintenance margin at the entry price, E × (1 ∓ 1/L ± MMR) for linear; its worked example
 * (short, 28,000, 100x, MMR 0.4 %: 28,168) gives 28,167.33 here.
 *
 * MMR is the contract details' `maintainMargin` (GET /api/v1/contracts/{symbol}, "Maintenance margin
 * requirement", e.g. 0.004 for XBTUSDTM) and `isInverse` tells the contract type: kucoin-universal-sdk
 * spec/rest/api/openapi-futures-market.json (@78c90c7). That is the first risk-limit tier's rate; a
 * paper position is assumed to stay in it.
 */
export interface ContractMargin {
  /** Coin-margined (XBTUSDM): PnL and margin in the base coin. */
  readonly isInverse: boolean;
  /** KuCoin's `maintainMargin`: a rate, 0 <= MMR < 1. */
  readonly maintenanceMarginRate: number;
}

export interface LiquidationInput {
  readonly side: Side;
  readonly entryPrice: number;
  readonly leverage: number;
  readonly contract: ContractMargin;
}

export type LiquidationPrice =
  /**
   * `underMargined`: MMR >= 1/leverage, so the margin is below maintenance from the entry on and the
   * price lies at or beyond the entry (long >= entry, short <= entry): the first mark price at or beyond
   * it liquidates, in practice the first one seen. KuCoin refuses such a leverage (its maxLeverage keeps
   * 1/L above the initial margin rate); a paper document may still carry one.
   */
  | { readonly kind: 'price'; readonly price: number; readonly underMargined: boolean }
  /** `not_leveraged`: leverage <= 1 is never liquidated (the rule). */
  | { readonly kind: 'none'; readonly reason: 'not_leveraged' | 'invalid_input' };

export function liquidationPrice(input: LiquidationInput): LiquidationPrice {
  const { side, entryPrice: e, leverage, contract } = input;
  const mmr = contract.maintenanceMarginRate;
  if (!isActionablePrice(e) || !Number.isFinite(leverage) || !(mmr >= 0 && mmr < 1))
    return { kind: 'none', reason: 'invalid_input' };
  if (leverage <= 1) return { kind: 'none', reason: 'not_leveraged' };
  const im = 1 / leverage;
  const long = side === 'long';
  const price = contract.isInverse
    ? long
      ? (e * (1 + mmr)) / (1 + im)
      : (e * (1 - mmr)) / (1 - im)
    : long
      ? (e * (1 - im)) / (1 - mmr)
      : (e * (1 + im)) / (1 + mmr);
  return { kind: 'price', price, underMargined: mmr >= im };
}

/** What decides a position's liquidation level: its document and its contract's details. */
export interface LiquidationSubject {
  readonly marketType: MarketType;
  readonly side: Side;
  readonly entryPrice: number;
  readonly leverage: number;
  /** The document's own `liquidationPrice`, if it carries one (> 0). */
  readonly liquidationPrice: number | null;
}

/**
 * The level to watch, or null: only futures with leverage > 1; the document's own price first, else the
 * computed one (null while the contract's details are unknown).
 */
export function liquidationLevel(
  subject: LiquidationSubject,
  contract: ContractMargin | undefined,
): number | null {
  if (subject.marketType !== 'futures' || !(subject.leverage > 1)) return null;
  if (subject.liquidationPrice !== null) return subject.liquidationPrice;
  if (contract === undefined) return null;
  const computed = liquidationPrice({ ...subject, contract });
  return computed.kind === 'price' ? computed.price : null;
}

/**
 * Whether a mark price crosses the liquidation level: long mark <= level, short mark >= level, equal
 * counts. It is a stop-loss's rule, so it is positionCrossing's, by construction.
 */
export function liquidationCrossed(side: Side, level: number, markPrice: number): boolean {
  return isActionablePrice(markPrice) && positionCrossing(side, level, null, markPrice) !== null;
}
