import { indexHistoryUrl, parseIndexHistory, parseIndexSymbol } from './index-history';

describe('index history (GET /api/v1/index/query)', () => {
  it('asks for the latest 100 snapshots from the mark on, newest first', () => {
    const url = new URL(indexHistoryUrl('https://f.test', '.KXBTUSDT', 1_000, 9_000));
    expect(url.pathname).toBe('/api/v1/index/query');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      symbol: '.KXBTUSDT',
      startAt: '1000',
      endAt: '9000',
      reverse: 'true',
      maxCount: '100',
    });
  });

  it('asks in whole milliseconds, from a mark with a fraction (a document’s update time) too', () => {
    const url = new URL(indexHistoryUrl('https://f.test', '.KXBTUSDT', 1_000.813, 9_000.2));
    expect([url.searchParams.get('startAt'), url.searchParams.get('endAt')]).toEqual(['1000', '9001']);
  });

  it('reads each snapshot as a point sequenced by its time, leaving out malformed ones', () => {
    // The SDK spec's example row, then rows without a usable time or value.
    const body = {
      code: '200000',
      data: {
        hasMore: true,
        dataList: [
          {
            symbol: '.KXBTUSDT',
            granularity: 1000,
            timePoint: 1730557515000,
            value: 69202.94,
            decomposionList: [],
          },
          { symbol: '.KXBTUSDT', granularity: 1000, timePoint: 1730557514000, value: '69200.5' },
          { timePoint: 0, value: 1 },
          { timePoint: 1730557513000, value: -1 },
          { timePoint: 1730557512000.5, value: 1 },
          { timePoint: 1730557511000, value: 'NaN' },
          null,
        ],
      },
    };
    expect(parseIndexHistory(body)).toEqual([
      { sequence: '1730557515000', time: 1730557515000, price: 69202.94 },
      { sequence: '1730557514000', time: 1730557514000, price: 69200.5 },
    ]);
    expect(parseIndexHistory({ code: '400100', msg: 'bad' })).toEqual([]);
    expect(parseIndexHistory({ code: '200000', data: { dataList: null } })).toEqual([]);
  });

  it('reads a contract’s index symbol from its details, and nothing from an error', () => {
    expect(parseIndexSymbol({ code: '200000', data: { symbol: 'XBTUSDTM', indexSymbol: '.KXBTUSDT' } })).toBe(
      '.KXBTUSDT',
    );
    expect(parseIndexSymbol({ code: '100003', msg: 'Contract parameter invalid' })).toBeUndefined();
    expect(
      parseIndexSymbol({ code: '200000', data: { symbol: 'XBTUSDTM', indexSymbol: '' } }),
    ).toBeUndefined();
  });
});
