import type { PositionEntry, PositionHit, TriggerEntry, TriggerHit } from '../../src/domain/crossing';
import type { Tick } from '../../src/domain/market';

/**
 * Factories for ticks and hits, valid by default (a spot BTC-USDT trade; a long position's stop-loss hit,
 * or an `above` trigger's hit on XBTUSDTM): a spec names only the fields its case is about.
 */

export const P1 = 'users/u1/openPositions/p1';
export const T1 = 'users/u1/tradeTriggers/t1';

export type TickSpec = Partial<Omit<Tick, 'price'>> & { readonly price: number };

export function makeTick({
  price,
  symbol = 'BTC-USDT',
  marketType = 'spot',
  exchangeTime = 1_000,
  receivedAt = 1_005,
  source = 'stream',
  ...rest
}: TickSpec): Tick {
  return { marketType, symbol, price, exchangeTime, receivedAt, source, ...rest };
}

export type PositionHitSpec = Partial<Omit<PositionHit, 'kind' | 'entry'>> & {
  readonly kind?: 'position';
  readonly entry?: Partial<PositionEntry>;
};

export type TriggerHitSpec = Partial<Omit<TriggerHit, 'kind' | 'entry'>> & {
  readonly kind: 'trigger';
  readonly entry?: Partial<TriggerEntry>;
};

/**
 * A hit as the crossing finder reports it. A position hit's `level` defaults to the crossed level of its
 * entry (the stop-loss, or the take-profit when `reason` says so); a trigger hit's to its target price.
 */
export function makeHit(spec: TriggerHitSpec): TriggerHit;
export function makeHit(spec?: PositionHitSpec): PositionHit;
export function makeHit(spec: PositionHitSpec | TriggerHitSpec = {}): PositionHit | TriggerHit {
  return spec.kind === 'trigger' ? triggerHitOf(spec) : positionHitOf(spec);
}

function positionHitOf({ entry: overrides, ...spec }: PositionHitSpec): PositionHit {
  const entry: PositionEntry = {
    path: P1,
    side: 'long',
    size: 1,
    stopLoss: 90,
    takeProfit: 110,
    ...overrides,
  };
  const reason = spec.reason ?? (entry.stopLoss !== null ? 'stop_loss' : 'take_profit');
  const level = spec.level ?? (reason === 'stop_loss' ? entry.stopLoss : entry.takeProfit) ?? 0;
  return { marketType: 'spot', symbol: 'BTC-USDT', ...spec, kind: 'position', entry, reason, level };
}

function triggerHitOf({ entry: overrides, ...spec }: TriggerHitSpec): TriggerHit {
  const entry: TriggerEntry = { path: T1, condition: 'above', targetPrice: 100, ...overrides };
  return {
    marketType: 'futures',
    symbol: 'XBTUSDTM',
    level: entry.targetPrice,
    ...spec,
    kind: 'trigger',
    entry,
  };
}
