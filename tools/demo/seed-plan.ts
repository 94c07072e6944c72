import { positionPath, triggerPath } from '../../src/domain/document-paths';
import { roundToTick, tickSize } from './feed/random-walk';
import {
  DEMO_POSITIONS,
  DEMO_TRIGGERS,
  type PositionSpec,
  type TrailingSeed,
  type TriggerSpec,
} from './seed-catalog';

/** Last prices per symbol, from the live REST tickers or the simulator's start prices. */
export type PriceMap = ReadonlyMap<string, number>;

export interface SeedDocument {
  readonly path: string;
  readonly data: Record<string, unknown>;
}

export interface SeedPlan {
  readonly positions: readonly SeedDocument[];
  readonly triggers: readonly SeedDocument[];
}

/** Demo users are `users/demo-alice`, … so they can never be mistaken for real ones. */
export const DEMO_UID_PREFIX = 'demo-';

export interface SeedOptions {
  readonly prices: PriceMap;
  /** One "near" unit as a fraction of price. */
  readonly nearFraction: number;
  readonly now?: Date;
  readonly positions?: readonly PositionSpec[];
  readonly triggers?: readonly TriggerSpec[];
}

/**
 * The web app's documents for a handful of demo users, levels placed in units of `nearFraction` from the
 * market, so what fires and roughly when does not depend on where BTC happens to trade today.
 */
export function buildSeedPlan(options: SeedOptions): SeedPlan {
  const { prices, nearFraction, now = new Date() } = options;
  const priceOf = (symbol: string): number => {
    const price = prices.get(symbol);
    if (price === undefined || !(price > 0)) throw new Error(`no price for ${symbol} to seed from`);
    return price;
  };
  const at = (price: number, units: number): number => roundToTick(price * (1 + units * nearFraction));

  const positions = (options.positions ?? DEMO_POSITIONS).map((spec, index): SeedDocument => {
    const price = priceOf(spec.symbol);
    const profit = spec.side === 'long' ? 1 : -1;
    return {
      path: positionPath(DEMO_UID_PREFIX + spec.uid, `pos-${index + 1}`),
      data: {
        symbol: spec.symbol,
        marketType: spec.marketType,
        side: spec.side,
        size: spec.size,
        entryPrice: price,
        leverage: spec.leverage,
        stopLoss: spec.stopLoss === null ? null : at(price, -profit * spec.stopLoss),
        takeProfit: spec.takeProfit === null ? null : at(price, profit * spec.takeProfit),
        ...(spec.liquidation === undefined
          ? {}
          : { liquidationPrice: at(price, -profit * spec.liquidation) }),
        ...(spec.trailing === undefined
          ? {}
          : { trailingStop: trailingStop(spec.trailing, price, profit, nearFraction) }),
        status: 'open',
        openedAt: now,
      },
    };
  });

  const triggers = (options.triggers ?? DEMO_TRIGGERS).map((spec, index): SeedDocument => {
    const price = priceOf(spec.symbol);
    return {
      path: triggerPath(DEMO_UID_PREFIX + spec.uid, `trg-${index + 1}`),
      data: {
        symbol: spec.symbol,
        marketType: spec.marketType,
        condition: spec.condition,
        targetPrice: at(price, (spec.condition === 'above' ? 1 : -1) * spec.distance),
        side: spec.side,
        size: spec.size,
        leverage: spec.leverage,
        stopLoss: null,
        takeProfit: null,
        createdAt: now,
      },
    };
  });
  return { positions, triggers };
}

/** The document's trailingStop map: a callback rate or amount, and an activation price on the winning side. */
function trailingStop(
  seed: TrailingSeed,
  price: number,
  profit: number,
  nearFraction: number,
): Record<string, number> {
  const distance: Record<string, number> =
    seed.rate !== undefined
      ? { callbackRate: Number((seed.rate * nearFraction).toPrecision(6)) }
      : { callbackAmount: inTicksOf(price, price * seed.amount * nearFraction) };
  return seed.activation === undefined
    ? distance
    : { ...distance, activationPrice: roundToTick(price * (1 + profit * seed.activation * nearFraction)) };
}

/** A distance in price, in whole ticks of `price` (at least one). */
function inTicksOf(price: number, distance: number): number {
  const tick = tickSize(price);
  return Number((Math.max(1, Math.round(distance / tick)) * tick).toPrecision(12));
}
