import { Timestamp } from 'firebase-admin/firestore';
import { parsePosition } from '../../src/domain/position';
import { parseTrigger } from '../../src/domain/trade-trigger';
import { buildSeedPlan } from './seed-plan';

const prices = new Map([
  ['BTC-USDT', 60_000],
  ['ETH-USDT', 3_000],
  ['XBTUSDTM', 60_010],
  ['ETHUSDTM', 3_001],
]);
const now = new Date(1_700_000_000_000);
const plan = buildSeedPlan({ prices, nearFraction: 0.001, now });

/** The emulator stores a Date as a Timestamp; the parsers expect what a read returns. */
function asRead(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      value instanceof Date ? Timestamp.fromDate(value) : value,
    ]),
  );
}

describe('buildSeedPlan', () => {
  it('writes documents the worker accepts', () => {
    for (const doc of plan.positions)
      expect(parsePosition(doc.path, asRead(doc.data))).toMatchObject({ ok: true });
    for (const doc of plan.triggers)
      expect(parseTrigger(doc.path, asRead(doc.data))).toMatchObject({ ok: true });
  });

  it('covers both markets, both sides, both conditions and positions without a target', () => {
    const field = (docs: readonly { data: Record<string, unknown> }[], name: string): Set<unknown> =>
      new Set(docs.map((doc) => doc.data[name]));
    expect(field(plan.positions, 'marketType')).toEqual(new Set(['spot', 'futures']));
    expect(field(plan.positions, 'side')).toEqual(new Set(['long', 'short']));
    expect(field(plan.triggers, 'condition')).toEqual(new Set(['above', 'below']));
    expect(field(plan.positions, 'takeProfit').has(null)).toBe(true);
  });

  it('seeds leveraged futures positions with their own liquidation price on the losing side', () => {
    const liquidated = plan.positions.filter(({ data }) => data.liquidationPrice !== undefined);
    expect(liquidated.map(({ data }) => data.side)).toEqual(['long', 'short']);
    for (const { data } of liquidated) {
      expect(data).toMatchObject({ marketType: 'futures', leverage: 50, stopLoss: null });
      const [level, entry] = [data.liquidationPrice as number, data.entryPrice as number];
      expect(data.side === 'long' ? level < entry : level > entry).toBe(true);
    }
  });

  it('seeds trailing stops the worker parses: a long by rate from the first price, a short by amount below', () => {
    const trailing = plan.positions.filter(({ data }) => data.trailingStop !== undefined);
    expect(trailing.map(({ data }) => [data.symbol, data.side, data.trailingStop])).toEqual([
      ['BTC-USDT', 'long', { callbackRate: 0.002 }],
      ['ETHUSDTM', 'short', { callbackAmount: 4.5, activationPrice: 2_999.5 }],
    ]);
    for (const doc of trailing) {
      expect(doc.data).toMatchObject({ stopLoss: null, takeProfit: null });
      const parsed = parsePosition(doc.path, asRead(doc.data));
      expect(parsed.ok && parsed.value.trailingStop).toBeTruthy();
    }
  });

  it('puts stops on the losing side and targets on the winning side of the entry', () => {
    for (const { data } of plan.positions) {
      const entry = data.entryPrice as number;
      const stop = data.stopLoss as number | null;
      const target = data.takeProfit as number | null;
      const long = data.side === 'long';
      if (stop !== null) expect(long ? stop < entry : stop > entry).toBe(true);
      if (target !== null) expect(long ? target > entry : target < entry).toBe(true);
    }
  });

  it('places levels the configured units from the market, so some are near and some far', () => {
    const btcLong = plan.positions.find((doc) => doc.path === 'users/demo-alice/openPositions/pos-1')!;
    expect(btcLong.data).toMatchObject({ entryPrice: 60_000, stopLoss: 59_880, takeProfit: 60_060 });
    const distances = plan.positions.map(
      ({ data }) => Math.abs((data.stopLoss as number) / (data.entryPrice as number) - 1) / 0.001,
    );
    expect(Math.min(...distances)).toBeLessThanOrEqual(1.5);
    expect(Math.max(...distances)).toBeGreaterThanOrEqual(6);
  });

  it('sets trigger targets on the side of their condition', () => {
    for (const { data } of plan.triggers) {
      const market = prices.get(data.symbol as string)!;
      const target = data.targetPrice as number;
      expect(data.condition === 'above' ? target > market : target < market).toBe(true);
    }
  });

  it('uses demo- user ids and unique document paths', () => {
    const paths = [...plan.positions, ...plan.triggers].map((doc) => doc.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(path).toMatch(/^users\/demo-[a-z]+\/(openPositions|tradeTriggers)\//);
  });

  it('refuses to seed without a price for a symbol', () => {
    expect(() => buildSeedPlan({ prices: new Map(), nearFraction: 0.001 })).toThrow(/no price for BTC-USDT/);
  });
});
