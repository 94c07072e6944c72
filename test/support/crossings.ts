import type {
  Located,
  PositionEntry,
  PositionHit,
  Sighting,
  TriggerEntry,
  TriggerHit,
} from '../../src/domain/crossing';
import type { InstrumentPriceType, MarketType, Tick } from '../../src/domain/market';
import { P1, T1, makeHit, makeTick } from './ticks';

/** Factories for the crossing vocabulary, shared by the unit specs of the cache and execution. */

export { P1, T1 };

interface Where {
  readonly symbol?: string;
  readonly marketType?: MarketType;
  readonly version?: number;
  /** A futures document watching its contract's mark or index price. */
  readonly priceType?: InstrumentPriceType;
}

export function positionAt(
  overrides: Partial<PositionEntry> = {},
  { symbol = 'BTC-USDT', marketType = 'spot', version = 10, priceType }: Where = {},
): Located<PositionEntry> {
  return {
    marketType,
    symbol,
    ...(priceType === undefined ? {} : { priceType }),
    entry: { path: P1, side: 'long', size: 1, stopLoss: 90, takeProfit: 110, ...overrides },
    version,
  };
}

export function triggerAt(
  overrides: Partial<TriggerEntry> = {},
  { symbol = 'XBTUSDTM', marketType = 'futures', version = 10, priceType }: Where = {},
): Located<TriggerEntry> {
  return {
    marketType,
    symbol,
    ...(priceType === undefined ? {} : { priceType }),
    entry: { path: T1, condition: 'above', targetPrice: 100, ...overrides },
    version,
  };
}

/** The stop-loss hit of a position (its take-profit if it has no stop-loss). */
export function positionHit(item: Located<PositionEntry> = positionAt()): PositionHit {
  const { marketType, symbol, priceType, entry } = item;
  return makeHit({ marketType, symbol, priceType, entry });
}

export function triggerHit(item: Located<TriggerEntry> = triggerAt()): TriggerHit {
  const { marketType, symbol, priceType, entry } = item;
  return makeHit({ kind: 'trigger', marketType, symbol, priceType, entry });
}

/** A live trade at `price` (see makeTick for the defaults). */
export function tickAt(
  price: number,
  where: Partial<Pick<Tick, 'symbol' | 'marketType' | 'exchangeTime' | 'receivedAt' | 'priceType'>> = {},
): Tick {
  return makeTick({ price, ...where });
}

export function seenOpen(item: Located<PositionEntry> | Located<TriggerEntry>): Sighting {
  return { version: item.version, item };
}

export function seenGone(version: number): Sighting {
  return { version, item: null };
}
