import type {
  Located,
  PositionEntry,
  PositionHit,
  Sighting,
  TriggerEntry,
  TriggerHit,
} from '../../src/domain/crossing';
import type { MarketType, Tick } from '../../src/domain/market';

/** Factories for the crossing vocabulary, shared by the unit specs of the cache and execution. */

export const P1 = 'users/u1/openPositions/p1';
export const T1 = 'users/u1/tradeTriggers/t1';

interface Where {
  readonly symbol?: string;
  readonly marketType?: MarketType;
  readonly version?: number;
}

export function positionAt(
  overrides: Partial<PositionEntry> = {},
  { symbol = 'BTC-USDT', marketType = 'spot', version = 10 }: Where = {},
): Located<PositionEntry> {
  return {
    marketType,
    symbol,
    entry: { path: P1, side: 'long', size: 1, stopLoss: 90, takeProfit: 110, ...overrides },
    version,
  };
}

export function triggerAt(
  overrides: Partial<TriggerEntry> = {},
  { symbol = 'XBTUSDTM', marketType = 'futures', version = 10 }: Where = {},
): Located<TriggerEntry> {
  return {
    marketType,
    symbol,
    entry: { path: T1, condition: 'above', targetPrice: 100, ...overrides },
    version,
  };
}

/** The stop-loss hit of a position (its take-profit if it has no stop-loss). */
export function positionHit(item: Located<PositionEntry> = positionAt()): PositionHit {
  const { marketType, symbol, entry } = item;
  const reason = entry.stopLoss !== null ? 'stop_loss' : 'take_profit';
  const level = (reason === 'stop_loss' ? entry.stopLoss : entry.takeProfit) ?? 0;
  return { kind: 'position', marketType, symbol, entry, reason, level };
}

export function triggerHit(item: Located<TriggerEntry> = triggerAt()): TriggerHit {
  const { marketType, symbol, entry } = item;
  return { kind: 'trigger', marketType, symbol, entry, level: entry.targetPrice };
}

export function tickAt(
  price: number,
  {
    symbol = 'BTC-USDT',
    marketType = 'spot',
    exchangeTime = 1_000,
    receivedAt = 1_005,
  }: Partial<Pick<Tick, 'symbol' | 'marketType' | 'exchangeTime' | 'receivedAt'>> = {},
): Tick {
  return { marketType, symbol, price, exchangeTime, receivedAt, source: 'stream' };
}

export function seenOpen(item: Located<PositionEntry> | Located<TriggerEntry>): Sighting {
  return { version: item.version, item };
}

export function seenGone(version: number): Sighting {
  return { version, item: null };
}
