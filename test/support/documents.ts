import { Timestamp } from 'firebase-admin/firestore';

/** Factories for the web app's documents, valid by default; override any field (or set it to undefined). */
export function makePosition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return withoutUndefined({
    symbol: 'BTC-USDT',
    marketType: 'spot',
    side: 'long',
    size: 0.5,
    entryPrice: 60_000,
    leverage: 1,
    stopLoss: 55_000,
    takeProfit: 70_000,
    status: 'open',
    openedAt: Timestamp.fromMillis(1_700_000_000_000),
    ...overrides,
  });
}

export function makeTrigger(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return withoutUndefined({
    symbol: 'XBTUSDTM',
    marketType: 'futures',
    condition: 'above',
    targetPrice: 65_000,
    side: 'long',
    size: 2,
    leverage: 5,
    stopLoss: 60_000,
    takeProfit: null,
    createdAt: Timestamp.fromMillis(1_700_000_000_000),
    ...overrides,
  });
}

function withoutUndefined(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([, value]) => value !== undefined));
}
