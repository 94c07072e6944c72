import type { MarketType } from '../../domain/market';
import { candlesUrl, historyUrl, parseCandles, parseHistory, recoverGap } from './kucoin-history';
import type { FetchLike } from './kucoin-rest';

const T0 = 1_700_000_040_000; // a minute boundary
const NS = 1_000_000;

function deps(
  market: MarketType,
  routes: Record<string, unknown>,
  asked: string[] = [],
  spent: number[] = [],
) {
  const fetch: FetchLike = (url: string) => {
    asked.push(url);
    const path = new URL(url).pathname;
    const body = routes[path];
    return Promise.resolve(
      body === undefined
        ? new Response('not found', { status: 404 })
        : new Response(JSON.stringify({ code: '200000', data: body }), { status: 200 }),
    );
  };
  const spendMore = (weight: number): Promise<void> => {
    spent.push(weight);
    return Promise.resolve();
  };
  const now = (): number => T0 + 10 * 60_000;
  return { fetch, market, apiUrl: 'https://k.test', now, horizonMs: 86_400_000, spendMore };
}

describe('parseHistory', () => {
  it('reads spot and futures trade histories, skipping malformed rows', () => {
    expect(
      parseHistory('spot', {
        data: [
          { sequence: '11067996711960577', price: '67523.1', size: '0.1', side: 'buy', time: (T0 + 5) * NS },
          { sequence: 'x', price: '1', time: T0 * NS },
          { sequence: '2', price: '-1', time: T0 * NS },
        ],
      }),
    ).toEqual([{ sequence: '11067996711960577', price: 67523.1, time: T0 + 5 }]);
    expect(
      parseHistory('futures', {
        data: [{ sequence: 1794100537695, price: '90503.9', ts: (T0 + 7) * NS, size: 2 }],
      }),
    ).toEqual([{ sequence: '1794100537695', price: 90503.9, time: T0 + 7 }]);
    expect(parseHistory('spot', { data: null })).toEqual([]);
  });
});

describe('parseCandles', () => {
  it('reads spot (open, close, high, low; seconds) and futures (open, high, low, close; ms) rows', () => {
    expect(parseCandles('spot', { data: [[String(T0 / 1_000), '10', '11', '12', '9', '1', '10']] })).toEqual([
      { start: T0, open: 10, close: 11, high: 12, low: 9 },
    ]);
    expect(parseCandles('futures', { data: [[T0, 10, 12, 9, 11, 5]] })).toEqual([
      { start: T0, open: 10, high: 12, low: 9, close: 11 },
    ]);
  });
});

describe('recoverGap', () => {
  it('replays the trades after the mark when the history reaches back to it', async () => {
    const asked: string[] = [];
    const d = deps(
      'spot',
      {
        '/api/v1/market/histories': [
          { sequence: '12', price: '99', time: (T0 + 30) * NS },
          { sequence: '11', price: '98', time: (T0 + 20) * NS },
          { sequence: '10', price: '100', time: (T0 + 10) * NS },
        ],
      },
      asked,
    );
    const ticks = await recoverGap(d, 'BTC-USDT', { sequence: '10', time: T0 + 10 });
    expect(ticks.map((t) => [t.sequence, t.price, t.exchangeTime, t.source])).toEqual([
      ['11', 98, T0 + 20, 'backfill'],
      ['12', 99, T0 + 30, 'backfill'],
    ]);
    expect(asked).toEqual([historyUrl(d, 'BTC-USDT')]);
  });

  it('recovers from candles first when the history does not reach back, then the trades', async () => {
    const asked: string[] = [];
    const d = deps(
      'futures',
      {
        '/api/v1/trade/history': [{ sequence: 500, price: '95', ts: (T0 + 3 * 60_000 + 5) * NS }],
        '/api/v1/kline/query': [
          [T0 + 3 * 60_000, 96, 97, 95, 95, 1],
          [T0, 100, 101, 90, 99, 1],
          [T0 + 60_000, 99, 100, 98, 99, 1],
        ],
      },
      asked,
    );
    const ticks = await recoverGap(d, 'XBTUSDTM', { sequence: '10', time: T0 + 30_000 });
    expect(ticks.map((t) => [t.exchangeTime, t.candle, t.sequence, t.price])).toEqual([
      [T0, { open: 100, high: 101, low: 90 }, undefined, 99],
      [T0 + 60_000, { open: 99, high: 100, low: 98 }, undefined, 99],
      // The last candle holds the trade that follows it: it says how far that trade reaches in its minute.
      [T0 + 3 * 60_000, { open: 96, high: 97, low: 95, overlap: { high: 95, low: 95 } }, undefined, 95],
      [T0 + 3 * 60_000 + 5, undefined, '500', 95],
    ]);
    expect(asked[1]).toBe(candlesUrl(d, 'XBTUSDTM', T0, T0 + 3 * 60_000));
  });

  it('charges every candles call after the first: a day-long futures gap takes three', async () => {
    const asked: string[] = [];
    const spent: number[] = [];
    const d = {
      ...deps(
        'futures',
        {
          '/api/v1/trade/history': [{ sequence: 500, price: '95', ts: (T0 + 5) * NS }],
          '/api/v1/kline/query': [],
        },
        asked,
        spent,
      ),
      now: () => T0 + 60_000,
    };
    await recoverGap(d, 'XBTUSDTM', { sequence: '10', time: T0 - 1_400 * 60_000 });
    // 1,401 minutes of candles at 500 per call: three calls, the job paid for the first.
    expect(asked.filter((url) => url.includes('/kline/query'))).toHaveLength(3);
    expect(spent).toEqual([3, 3]);
  });

  it('asks for nothing more when no trade came after the mark', async () => {
    const asked: string[] = [];
    const d = deps('spot', { '/api/v1/market/histories': [] }, asked);
    await expect(recoverGap(d, 'BTC-USDT', { sequence: '10', time: T0 })).resolves.toEqual([]);
    expect(asked).toHaveLength(1);
  });

  it('fails as a KuCoin REST error when a call fails, so the queue retries it', async () => {
    const d = deps('spot', {});
    await expect(recoverGap(d, 'BTC-USDT', { sequence: '1', time: T0 })).rejects.toMatchObject({
      status: 404,
    });
  });
});
