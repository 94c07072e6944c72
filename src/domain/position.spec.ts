import { parsePosition } from './position';

const PATH = 'users/u1/openPositions/p1';
const timestamp = { toMillis: () => 1_700_000_000_000 };

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    symbol: 'BTC-USDT',
    marketType: 'spot',
    side: 'long',
    size: 0.5,
    entryPrice: 60_000,
    leverage: 3,
    stopLoss: 55_000,
    takeProfit: 70_000,
    status: 'open',
    openedAt: timestamp,
    ...overrides,
  };
}

function without(field: string): Record<string, unknown> {
  const doc = valid();
  delete doc[field];
  return doc;
}

describe('parsePosition', () => {
  it('parses a valid spot position into a typed value with its path parts', () => {
    expect(parsePosition(PATH, valid())).toEqual({
      ok: true,
      value: {
        path: PATH,
        uid: 'u1',
        id: 'p1',
        symbol: 'BTC-USDT',
        marketType: 'spot',
        side: 'long',
        size: 0.5,
        entryPrice: 60_000,
        leverage: 3,
        stopLoss: 55_000,
        takeProfit: 70_000,
        triggerPriceType: 'last',
        liquidationPrice: null,
        trailingStop: null,
        status: 'open',
        openedAtMs: 1_700_000_000_000,
      },
    });
  });

  it('parses a futures short with no levels and default leverage', () => {
    const result = parsePosition(
      PATH,
      valid({
        symbol: 'XBTUSDTM',
        marketType: 'futures',
        side: 'short',
        leverage: undefined,
        stopLoss: null,
        takeProfit: undefined,
      }),
    );
    expect(result.ok && result.value).toMatchObject({
      leverage: 1,
      stopLoss: null,
      takeProfit: null,
      side: 'short',
    });
  });

  it.each([
    ['symbol', without('symbol'), 'symbol.missing'],
    ['symbol', valid({ symbol: '' }), 'symbol.missing'],
    ['symbol', valid({ symbol: '   ' }), 'symbol.missing'],
    ['symbol', valid({ symbol: 42 }), 'symbol.not_a_string'],
    ['symbol', valid({ symbol: 'BTCUSDT' }), 'symbol.invalid_format'],
    ['symbol', valid({ symbol: 'btc-usdt' }), 'symbol.invalid_format'],
    ['symbol', valid({ symbol: 'BTC-USDT', marketType: 'futures' }), 'symbol.invalid_format'],
    ['marketType', without('marketType'), 'marketType.missing'],
    ['marketType', valid({ marketType: 'margin' }), 'marketType.invalid_value'],
    ['marketType', valid({ marketType: 1 }), 'marketType.not_a_string'],
    ['side', without('side'), 'side.missing'],
    ['side', valid({ side: 'buy' }), 'side.invalid_value'],
    ['side', valid({ side: 'LONG' }), 'side.invalid_value'],
    ['size', without('size'), 'size.missing'],
    ['size', valid({ size: '1' }), 'size.not_a_number'],
    ['size', valid({ size: Number.NaN }), 'size.not_finite'],
    ['size', valid({ size: Number.POSITIVE_INFINITY }), 'size.not_finite'],
    ['size', valid({ size: -1 }), 'size.not_positive'],
    ['size', valid({ size: 0 }), 'size.not_positive'],
    ['entryPrice', without('entryPrice'), 'entryPrice.missing'],
    ['entryPrice', valid({ entryPrice: '60000' }), 'entryPrice.not_a_number'],
    ['entryPrice', valid({ entryPrice: Number.NaN }), 'entryPrice.not_finite'],
    ['entryPrice', valid({ entryPrice: -5 }), 'entryPrice.not_positive'],
    ['leverage', valid({ leverage: '10' }), 'leverage.not_a_number'],
    ['leverage', valid({ leverage: 0.5 }), 'leverage.below_minimum'],
    ['leverage', valid({ leverage: Number.NaN }), 'leverage.not_finite'],
    ['stopLoss', valid({ stopLoss: '55000' }), 'stopLoss.not_a_number'],
    ['stopLoss', valid({ stopLoss: Number.NaN }), 'stopLoss.not_finite'],
    ['stopLoss', valid({ stopLoss: 0 }), 'stopLoss.not_positive'],
    ['stopLoss', valid({ stopLoss: -1 }), 'stopLoss.not_positive'],
    ['takeProfit', valid({ takeProfit: {} }), 'takeProfit.not_a_number'],
    ['takeProfit', valid({ takeProfit: Number.NEGATIVE_INFINITY }), 'takeProfit.not_finite'],
    ['takeProfit', valid({ takeProfit: -70_000 }), 'takeProfit.not_positive'],
    ['liquidationPrice', valid({ liquidationPrice: '100' }), 'liquidationPrice.not_a_number'],
    ['liquidationPrice', valid({ liquidationPrice: 0 }), 'liquidationPrice.not_positive'],
    ['liquidationPrice', valid({ liquidationPrice: Number.NaN }), 'liquidationPrice.not_finite'],
    ['status', without('status'), 'status.missing'],
    ['status', valid({ status: 'pending' }), 'status.invalid_value'],
    ['triggerPriceType', valid({ triggerPriceType: 'mark' }), 'triggerPriceType.not_on_market'],
    ['triggerPriceType', valid({ triggerPriceType: 'index' }), 'triggerPriceType.not_on_market'],
    ['triggerPriceType', valid({ triggerPriceType: 'MARK' }), 'triggerPriceType.invalid_value'],
    ['triggerPriceType', valid({ triggerPriceType: 1 }), 'triggerPriceType.not_a_string'],
    ['openedAt', valid({ openedAt: '2024-01-01' }), 'openedAt.not_a_timestamp'],
    ['openedAt', valid({ openedAt: { toMillis: () => Number.NaN } }), 'openedAt.not_a_timestamp'],
  ])('rejects a bad %s with %s', (_field, doc, reason) => {
    const result = parsePosition(PATH, doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.rejection.reason).toBe(reason);
  });

  it.each([
    [undefined, 'last'],
    [null, 'last'],
    ['last', 'last'],
    ['mark', 'mark'],
    ['index', 'index'],
  ])('reads a futures triggerPriceType of %p as %s', (given, expected) => {
    const doc = valid({ symbol: 'XBTUSDTM', marketType: 'futures', triggerPriceType: given });
    const result = parsePosition(PATH, doc);
    expect(result.ok && result.value.triggerPriceType).toBe(expected);
  });

  it("reads a document's own liquidationPrice, on either market (only futures are liquidated)", () => {
    const futures = valid({ symbol: 'XBTUSDTM', marketType: 'futures', liquidationPrice: 57_000 });
    expect(parsePosition(PATH, futures).ok && parsePosition(PATH, futures)).toMatchObject({
      value: { liquidationPrice: 57_000 },
    });
    expect(parsePosition(PATH, valid({ liquidationPrice: 40_000 }))).toMatchObject({
      ok: true,
      value: { liquidationPrice: 40_000 },
    });
  });

  it.each([
    ['archive/x/openPositions/p1'],
    ['users/u1/openPositions'],
    ['users//openPositions/p1'],
    ['users/u1/tradeTriggers/p1'],
    ['users/u1/openPositions/p1/nested/doc'],
  ])('rejects a document outside users/{uid}/openPositions: %s', (path) => {
    const result = parsePosition(path, valid());
    expect(!result.ok && result.rejection.reason).toBe('path.invalid_format');
  });

  it.each([[null], [undefined], ['a string'], [42]])('rejects a document whose data is %p', (data) => {
    const result = parsePosition(PATH, data);
    expect(!result.ok && result.rejection.reason).toBe('document.missing');
  });

  it('accepts a position without openedAt: the worker does not need it to protect the position', () => {
    const result = parsePosition(PATH, without('openedAt'));
    expect(result.ok && result.value.openedAtMs).toBeUndefined();
  });

  it('reports the first bad field in document order, never throws, for any combination of junk', () => {
    const junk = [undefined, null, '', 'x', -1, 0, Number.NaN, {}, [], true];
    for (const value of junk) {
      for (const field of Object.keys(valid())) {
        expect(() => parsePosition(PATH, valid({ [field]: value }))).not.toThrow();
      }
    }
  });

  describe('trailingStop', () => {
    it('parses a rate or an amount, with or without an activation price', () => {
      const rate = parsePosition(
        PATH,
        valid({ trailingStop: { callbackRate: 0.02, activationPrice: 65_000 } }),
      );
      expect(rate.ok && rate.value.trailingStop).toEqual({
        distance: { kind: 'rate', rate: 0.02 },
        activationPrice: 65_000,
      });
      const amount = parsePosition(PATH, valid({ trailingStop: { callbackAmount: 500 } }));
      expect(amount.ok && amount.value.trailingStop).toEqual({
        distance: { kind: 'amount', amount: 500 },
        activationPrice: null,
      });
    });

    it.each([
      [{ callbackRate: 0.6 }, 'trailingStop.callbackRate.invalid_value'],
      [{ callbackRate: 0.1, callbackAmount: 5 }, 'trailingStop.invalid_value'],
      [{ activationPrice: 5 }, 'trailingStop.missing'],
      [{ callbackAmount: -1 }, 'trailingStop.callbackAmount.not_positive'],
      ['2%', 'trailingStop.invalid_value'],
    ])('rejects %p with %s, naming the field', (trailingStop, reason) => {
      const result = parsePosition(PATH, valid({ trailingStop }));
      expect(!result.ok && result.rejection.reason).toBe(reason);
    });
  });
});
