import { parseContractMargins, sameMargins } from './contract-margins';

/**
 * GET /api/v1/contracts/active as recorded in the `x-response-example` of Kucoin/kucoin-universal-sdk
 * spec/rest/api/openapi-futures-market.json (commit 78c90c77d749e4e57d61e99b7c04f090150e08d2), verbatim.
 */
const RECORDED = `{
    "code": "200000",
    "data": [
        {
            "symbol": "XBTUSDTM",
            "rootSymbol": "USDT",
            "type": "FFWCSX",
            "firstOpenDate": 1585555200000,
            "expireDate": null,
            "settleDate": null,
            "baseCurrency": "XBT",
            "quoteCurrency": "USDT",
            "settleCurrency": "USDT",
            "maxOrderQty": 1000000,
            "maxPrice": 1000000,
            "lotSize": 1,
            "tickSize": 0.1,
            "indexPriceTickSize": 0.01,
            "multiplier": 0.001,
            "initialMargin": 0.008,
            "maintainMargin": 0.004,
            "maxRiskLimit": 100000,
            "minRiskLimit": 100000,
            "riskStep": 50000,
            "makerFeeRate": 0.0002,
            "takerFeeRate": 0.0006,
            "takerFixFee": 0,
            "makerFixFee": 0,
            "settlementFee": null,
            "isDeleverage": true,
            "isQuanto": true,
            "isInverse": false,
            "markMethod": "FairPrice",
            "fairMethod": "FundingRate",
            "fundingBaseSymbol": ".XBTINT8H",
            "fundingQuoteSymbol": ".USDTINT8H",
            "fundingRateSymbol": ".XBTUSDTMFPI8H",
            "indexSymbol": ".KXBTUSDT",
            "settlementSymbol": "",
            "status": "Open",
            "fundingFeeRate": 0.000052,
            "predictedFundingFeeRate": 0.000083,
            "fundingRateGranularity": 28800000,
            "openInterest": "6748176",
            "turnoverOf24h": 1034643198.3265533,
            "volumeOf24h": 12069.225,
            "markPrice": 86378.69,
            "indexPrice": 86382.64,
            "lastTradePrice": 86364,
            "nextFundingRateTime": 17752926,
            "maxLeverage": 125,
            "sourceExchanges": [
                "okex",
                "binance",
                "kucoin",
                "bybit",
                "bitmart",
                "gateio"
            ],
            "premiumsSymbol1M": ".XBTUSDTMPI",
            "premiumsSymbol8H": ".XBTUSDTMPI8H",
            "fundingBaseSymbol1M": ".XBTINT",
            "fundingQuoteSymbol1M": ".USDTINT",
            "lowPrice": 82205.2,
            "highPrice": 89299.9,
            "priceChgPct": -0.028,
            "priceChg": -2495.9,
            "k": 490,
            "m": 300,
            "f": 1.3,
            "mmrLimit": 0.3,
            "mmrLevConstant": 125,
            "supportCross": true,
            "buyLimit": 90700.7115,
            "sellLimit": 82062.5485
        }
    ]
}`;

const recordedRow = (): Record<string, unknown> =>
  (JSON.parse(RECORDED) as { data: Record<string, unknown>[] }).data[0];

const body = (...rows: unknown[]): unknown => ({ code: '200000', data: rows });

describe('parseContractMargins', () => {
  it("reads the SDK's recorded answer: XBTUSDTM, linear, MMR 0.4 %", () => {
    const table = parseContractMargins(JSON.parse(RECORDED));
    expect(table?.skipped).toBe(0);
    expect([...(table?.margins ?? [])]).toEqual([
      ['XBTUSDTM', { isInverse: false, maintenanceMarginRate: 0.004 }],
    ]);
  });

  it('reads an inverse contract, and keeps contracts of every status', () => {
    const inverse = { ...recordedRow(), symbol: 'XBTUSDM', isInverse: true, maintainMargin: 0.007 };
    const paused = { ...recordedRow(), symbol: 'ETHUSDTM', status: 'Paused', maintainMargin: 0 };
    const table = parseContractMargins(body(inverse, paused));
    expect(table?.margins.get('XBTUSDM')).toEqual({ isInverse: true, maintenanceMarginRate: 0.007 });
    expect(table?.margins.get('ETHUSDTM')).toEqual({ isInverse: false, maintenanceMarginRate: 0 });
  });

  it.each([
    ['no symbol', { symbol: undefined }],
    ['an empty symbol', { symbol: '' }],
    ['a symbol not a string', { symbol: 42 }],
    ['maintainMargin as a string', { maintainMargin: '0.004' }],
    ['maintainMargin missing', { maintainMargin: undefined }],
    ['maintainMargin null', { maintainMargin: null }],
    ['maintainMargin negative', { maintainMargin: -0.001 }],
    ['maintainMargin of 1', { maintainMargin: 1 }],
    ['maintainMargin infinite', { maintainMargin: Infinity }],
    ['maintainMargin NaN', { maintainMargin: NaN }],
    ['isInverse as a string', { isInverse: 'false' }],
    ['isInverse as a number', { isInverse: 0 }],
    ['isInverse missing', { isInverse: undefined }],
  ])('skips and counts a row with %s, keeping the others', (_what, change) => {
    const bad = { ...recordedRow(), symbol: 'BADUSDTM', ...change };
    const table = parseContractMargins(body(bad, recordedRow()));
    expect(table?.skipped).toBe(1);
    expect([...(table?.margins.keys() ?? [])]).toEqual(['XBTUSDTM']);
  });

  it('skips and counts rows that are no objects', () => {
    expect(parseContractMargins(body(null, 'XBTUSDTM', [1], recordedRow()))?.skipped).toBe(3);
  });

  it('gives nothing for a body that is no list of contracts', () => {
    expect(parseContractMargins(null)).toBeUndefined();
    expect(parseContractMargins('text')).toBeUndefined();
    expect(parseContractMargins({ code: '100003', msg: 'Contract parameter invalid' })).toBeUndefined();
    expect(parseContractMargins({ code: '200000', data: null })).toBeUndefined();
    expect(parseContractMargins({ code: '200000', data: recordedRow() })).toBeUndefined();
    expect(parseContractMargins({ data: [recordedRow()] })).toBeUndefined();
  });

  it('reads an empty list as an empty table', () => {
    expect(parseContractMargins(body())).toEqual({ margins: new Map(), skipped: 0 });
  });
});

describe('sameMargins', () => {
  const linear = { isInverse: false, maintenanceMarginRate: 0.004 };
  const table = new Map([['XBTUSDTM', linear]]);

  it('compares contracts and values, not identity', () => {
    expect(sameMargins(table, new Map([['XBTUSDTM', { ...linear }]]))).toBe(true);
    expect(sameMargins(table, new Map([['XBTUSDTM', { ...linear, maintenanceMarginRate: 0.01 }]]))).toBe(
      false,
    );
    expect(sameMargins(table, new Map([['XBTUSDTM', { ...linear, isInverse: true }]]))).toBe(false);
    expect(sameMargins(table, new Map([['XBTUSDCM', linear]]))).toBe(false);
    expect(sameMargins(table, new Map([...table, ['XBTUSDM', linear]]))).toBe(false);
    expect(sameMargins(table, new Map())).toBe(false);
  });
});
