import { type ContractState, contractJson, defaultContract } from './contract-specs';
import { jsonNumber } from './price-format';

/** Keys of the SDK spec's "Get Symbol" example (spec/rest/api/openapi-futures-market.json), in order. */
const SPEC_KEYS =
  'symbol rootSymbol type firstOpenDate expireDate settleDate baseCurrency quoteCurrency settleCurrency ' +
  'maxOrderQty maxPrice lotSize tickSize indexPriceTickSize multiplier initialMargin maintainMargin ' +
  'maxRiskLimit minRiskLimit riskStep makerFeeRate takerFeeRate takerFixFee makerFixFee settlementFee ' +
  'isDeleverage isQuanto isInverse markMethod fairMethod fundingBaseSymbol fundingQuoteSymbol ' +
  'fundingRateSymbol indexSymbol settlementSymbol status fundingFeeRate predictedFundingFeeRate ' +
  'fundingRateGranularity openInterest turnoverOf24h volumeOf24h markPrice indexPrice lastTradePrice ' +
  'nextFundingRateTime maxLeverage sourceExchanges premiumsSymbol1M premiumsSymbol8H fundingBaseSymbol1M ' +
  'fundingQuoteSymbol1M lowPrice highPrice priceChgPct priceChg k m f mmrLimit mmrLevConstant supportCross ' +
  'buyLimit sellLimit';

const HOUR = 3_600_000;
const state = (overrides: Partial<ContractState> = {}): ContractState => ({
  tickSize: 0.1,
  markPrice: 86_378.69,
  indexPrice: 86_382.64,
  lastTradePrice: 86_364,
  now: Date.UTC(2026, 0, 1, 9), // 5 h before the 12:00 UTC funding
  day: { low: 82_205.2, high: 89_299.9, open: 88_859.9, lots: 12_069_225, lotsValue: 1_034_643_198_326 },
  ...overrides,
});

describe('defaultContract', () => {
  it('gives every spec field in the spec example order, XBTUSDTM as in the example', () => {
    const c = defaultContract('XBTUSDTM', state());
    expect(Object.keys(c).join(' ')).toBe(SPEC_KEYS);
    expect(c).toMatchObject({
      symbol: 'XBTUSDTM',
      rootSymbol: 'USDT',
      type: 'FFWCSX',
      baseCurrency: 'XBT',
      quoteCurrency: 'USDT',
      settleCurrency: 'USDT',
      status: 'Open',
      tickSize: 0.1,
      indexPriceTickSize: 0.01,
      lotSize: 1,
      multiplier: 0.001,
      isInverse: false,
      initialMargin: 0.008,
      maintainMargin: 0.004,
      maxLeverage: 125,
      markMethod: 'FairPrice',
      indexSymbol: '.KXBTUSDT',
      fundingRateSymbol: '.XBTUSDTMFPI8H',
      markPrice: 86_378.69,
      indexPrice: 86_382.64,
      lastTradePrice: 86_364,
      lowPrice: 82_205.2,
      highPrice: 89_299.9,
      volumeOf24h: 12_069.225,
      priceChg: -2_495.9,
      priceChgPct: -0.0281,
      nextFundingRateTime: 3 * HOUR,
      openInterest: '0',
      expireDate: null,
    });
  });

  it('derives an inverse contract from …USDM and a USDC one from …USDCM', () => {
    expect(defaultContract('XBTUSDM', state())).toMatchObject({
      rootSymbol: 'XBT',
      baseCurrency: 'XBT',
      quoteCurrency: 'USD',
      settleCurrency: 'XBT',
      multiplier: -1,
      isInverse: true,
      isQuanto: false,
      indexSymbol: '.BXBT',
      maxLeverage: 75,
      maintainMargin: 0.007,
    });
    expect(defaultContract('ETHUSDCM', state())).toMatchObject({
      baseCurrency: 'ETH',
      quoteCurrency: 'USDC',
      settleCurrency: 'USDC',
      multiplier: 0.01,
      isInverse: false,
      indexSymbol: '.KETHUSDC',
    });
  });

  it('counts the funding countdown to the next 04:00, 12:00 or 20:00 UTC', () => {
    expect(defaultContract('XBTUSDTM', state({ now: Date.UTC(2026, 0, 1, 20) })).nextFundingRateTime).toBe(
      8 * HOUR,
    );
    expect(defaultContract('XBTUSDTM', state({ now: Date.UTC(2026, 0, 1, 1) })).nextFundingRateTime).toBe(
      3 * HOUR,
    );
  });
});

describe('contractJson', () => {
  it('writes the fields in order with their JSON types and no exponent notation', () => {
    const c = defaultContract('PEPEUSDTM', state({ tickSize: 1e-9, markPrice: 1.1e-7, indexPrice: 1.1e-7 }));
    const text = contractJson(c);
    expect(text).not.toMatch(/\de-?\d/i);
    expect(text).toContain('"tickSize":0.000000001,');
    expect(text).toContain('"markPrice":0.00000011,');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed).join(' ')).toBe(SPEC_KEYS);
    expect(parsed).toMatchObject({ expireDate: null, openInterest: '0', isInverse: false, tickSize: 1e-9 });
  });
});

describe('jsonNumber', () => {
  it('is String() for ordinary numbers and fixed decimals for tiny ones', () => {
    expect(jsonNumber(90_445.02)).toBe('90445.02');
    expect(jsonNumber(-0.002966)).toBe('-0.002966');
    expect(jsonNumber(0)).toBe('0');
    expect(jsonNumber(1.1e-7)).toBe('0.00000011');
    expect(jsonNumber(-2e-8)).toBe('-0.00000002');
    expect(jsonNumber(1e21)).toBe('1000000000000000000000');
    expect(() => jsonNumber(Number.NaN)).toThrow(RangeError);
  });
});
