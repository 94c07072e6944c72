import { parseTrigger } from './trade-trigger';

const PATH = 'users/u9/tradeTriggers/t1';

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    symbol: 'XBTUSDTM',
    marketType: 'futures',
    condition: 'above',
    targetPrice: 65_000,
    side: 'long',
    size: 2,
    leverage: 5,
    stopLoss: 60_000,
    takeProfit: null,
    createdAt: { toMillis: () => 1_700_000_000_500 },
    ...overrides,
  };
}

function without(field: string): Record<string, unknown> {
  const doc = valid();
  delete doc[field];
  return doc;
}

describe('parseTrigger', () => {
  it('parses a valid futures trigger with the order it opens', () => {
    expect(parseTrigger(PATH, valid())).toEqual({
      ok: true,
      value: {
        path: PATH,
        uid: 'u9',
        id: 't1',
        symbol: 'XBTUSDTM',
        marketType: 'futures',
        condition: 'above',
        targetPrice: 65_000,
        triggerPriceType: 'last',
        side: 'long',
        size: 2,
        leverage: 5,
        stopLoss: 60_000,
        takeProfit: null,
        createdAtMs: 1_700_000_000_500,
      },
    });
  });

  it('reads a futures trigger watching the mark price, and rejects one on spot', () => {
    const mark = parseTrigger(PATH, valid({ triggerPriceType: 'mark' }));
    expect(mark.ok && mark.value.triggerPriceType).toBe('mark');
    const spot = parseTrigger(
      PATH,
      valid({ symbol: 'ETH-USDT', marketType: 'spot', triggerPriceType: 'index' }),
    );
    expect(!spot.ok && spot.rejection.reason).toBe('triggerPriceType.not_on_market');
  });

  it('parses a spot below-trigger with defaults for the optional order fields', () => {
    const result = parseTrigger(
      PATH,
      valid({
        symbol: 'ETH-USDT',
        marketType: 'spot',
        condition: 'below',
        leverage: undefined,
        stopLoss: undefined,
      }),
    );
    expect(result.ok && result.value).toMatchObject({ condition: 'below', leverage: 1, stopLoss: null });
  });

  it.each([
    [without('symbol'), 'symbol.missing'],
    [valid({ symbol: '' }), 'symbol.missing'],
    [valid({ symbol: 'XBT-USDTM' }), 'symbol.invalid_format'],
    [valid({ symbol: ['XBTUSDTM'] }), 'symbol.not_a_string'],
    [without('marketType'), 'marketType.missing'],
    [valid({ marketType: 'options' }), 'marketType.invalid_value'],
    [without('condition'), 'condition.missing'],
    [valid({ condition: 'cross' }), 'condition.invalid_value'],
    [valid({ condition: true }), 'condition.not_a_string'],
    [without('targetPrice'), 'targetPrice.missing'],
    [valid({ targetPrice: null }), 'targetPrice.missing'],
    [valid({ targetPrice: '65000' }), 'targetPrice.not_a_number'],
    [valid({ targetPrice: Number.NaN }), 'targetPrice.not_finite'],
    [valid({ targetPrice: 0 }), 'targetPrice.not_positive'],
    [valid({ targetPrice: -1 }), 'targetPrice.not_positive'],
    [without('side'), 'side.missing'],
    [valid({ side: 'sell' }), 'side.invalid_value'],
    [without('size'), 'size.missing'],
    [valid({ size: -2 }), 'size.not_positive'],
    [valid({ size: '2' }), 'size.not_a_number'],
    [valid({ leverage: 0 }), 'leverage.below_minimum'],
    [valid({ leverage: 'max' }), 'leverage.not_a_number'],
    [valid({ stopLoss: -3 }), 'stopLoss.not_positive'],
    [valid({ takeProfit: Number.NaN }), 'takeProfit.not_finite'],
    [valid({ createdAt: 1_700_000_000_000 }), 'createdAt.not_a_timestamp'],
  ])('rejects %p with %s', (doc, reason) => {
    const result = parseTrigger(PATH, doc);
    expect(!result.ok && result.rejection.reason).toBe(reason);
  });

  it('rejects a trigger outside users/{uid}/tradeTriggers', () => {
    const result = parseTrigger('users/u9/openPositions/t1', valid());
    expect(!result.ok && result.rejection).toEqual({
      field: 'path',
      problem: 'invalid_format',
      reason: 'path.invalid_format',
    });
  });
});
