import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { fakeKucoin } from '../../test/support/doubles/fake-kucoin';
import { settleSockets as settle } from '../../test/support/doubles/settle-sockets';
import { recordedFrame } from '../../test/support/doubles/frame-samples';
import type { FetchLike } from './kucoin/kucoin-rest';
import { KucoinFeedGateway } from './kucoin-feed.gateway';

const MARK_PRICE_URL = /\/api\/v1\/mark-price\/([^/]+)\/current$/;

const push = (symbol: string, markPrice: number, indexPrice: number, timestamp: number): string =>
  JSON.stringify({
    topic: `/contract/instrument:${symbol}`,
    type: 'message',
    subject: 'mark.index.price',
    data: { markPrice, indexPrice, granularity: 1000, timestamp },
  });

/** The fake KuCoin edge plus GET /api/v1/mark-price/{symbol}/current, whose answers the test sets. */
function setup() {
  const kucoin = fakeKucoin();
  const markFetches: string[] = [];
  const fetch: FetchLike = (url, init) => {
    const symbol = MARK_PRICE_URL.exec(url)?.[1];
    if (symbol === undefined) return kucoin.fetch(url, init);
    kucoin.fetchedUrls.push(url);
    markFetches.push(symbol);
    const data = {
      symbol,
      granularity: 1000,
      timePoint: 1_700_000_000_000,
      value: 100.5,
      indexPrice: 100.25,
    };
    const body = { code: '200000', data };
    return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) } as Response);
  };
  const metrics = new WorkerMetrics();
  const feed = new KucoinFeedGateway({
    market: 'futures',
    channel: 'instrument',
    apiUrl: 'https://f.test',
    maxTopicsPerConnection: 300,
    metrics,
    silentTopicMs: 3_000,
    limits: { symbolsPerMessage: 100, staleFeedMs: 30_000 },
    io: { openSocket: kucoin.factory, fetch, random: () => 0.5 },
  });
  const ticks: Tick[] = [];
  feed.ticks$.subscribe((tick) => ticks.push(tick));
  return { kucoin, markFetches, metrics, feed, ticks };
}

describe('KucoinFeedGateway on the instrument channel (futures mark and index prices)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('subscribes each contract to /contract/instrument, one per subscribe, on futures-mark connections', async () => {
    const { kucoin, feed } = setup();
    feed.updateDesired(['XBTUSDTM', 'ETHUSDTM', 'BTC-USDT']);
    await settle(kucoin);
    const subscribes = kucoin.latest().sentOfType('subscribe');
    expect(subscribes.map((m) => m.topic)).toEqual([
      '/contract/instrument:XBTUSDTM',
      '/contract/instrument:ETHUSDTM',
    ]);
    expect(feed.status()).toMatchObject({
      marketType: 'futures',
      desiredSymbols: 2,
      recoveringSymbols: 0,
      connections: [{ id: 'futures-mark-0', state: 'connected', subscribedTopics: 2 }],
    });
    await feed.stop();
  });

  it('sends every push straight out as a mark and an index tick; the funding rate is no tick and no fault', async () => {
    const { kucoin, feed, ticks, metrics } = setup();
    feed.updateDesired(['XBTUSDTM']);
    await settle(kucoin);
    ticks.length = 0;
    const socket = kucoin.latest();
    socket.serverSends(recordedFrame('futures-instrument.json'));
    // No sequence to order by: an earlier timestamp is passed on too (the books judge the price itself).
    socket.serverSends(push('XBTUSDTM', 90_400, 90_401, 1731899128000));
    socket.serverSends(recordedFrame('futures-instrument.json').replace('mark.index.price', 'funding.rate'));
    socket.serverSends(push('XBTUSDTM', 0, 90_401, 1731899130000));
    socket.serverSends(push('ETHUSDTM', 3_000, 3_001, 1731899130000));
    expect(ticks.map((t) => [t.priceType, t.price, t.exchangeTime, t.source])).toEqual([
      ['mark', 90445.02, 1731899129000, 'stream'],
      ['index', 90445.02, 1731899129000, 'stream'],
      ['mark', 90_400, 1731899128000, 'stream'],
      ['index', 90_401, 1731899128000, 'stream'],
    ]);
    await jest.advanceTimersByTimeAsync(1_000);
    await feed.stop();
    const text = await metrics.registry.metrics();
    expect(text).toContain('worker_ticks_received_total{market="futures",source="stream"} 4');
    expect(text).toContain('worker_frames_rejected_total{market="futures",reason="invalid_price"} 1');
    expect(text).toContain('worker_frames_rejected_total{market="futures",reason="unexpected_symbol"} 1');
    expect(text).not.toMatch(/worker_frames_rejected_total\{[^}]*reason="unknown_subject"/);
    expect(text).toContain('worker_ws_connection_up{market="futures",connection="futures-mark-0"} 0');
  });

  it('catches up every subscribed contract from the mark price after every (re)subscribe, and asks KuCoin nothing else', async () => {
    const { kucoin, feed, ticks, markFetches } = setup();
    feed.updateDesired(['XBTUSDTM', 'ETHUSDTM']);
    await settle(kucoin);
    expect(markFetches).toEqual(['XBTUSDTM', 'ETHUSDTM']);
    expect(ticks.map((t) => [t.symbol, t.priceType, t.price, t.source, t.exchangeTime])).toEqual([
      ['XBTUSDTM', 'mark', 100.5, 'catch_up', 1_700_000_000_000],
      ['XBTUSDTM', 'index', 100.25, 'catch_up', 1_700_000_000_000],
      ['ETHUSDTM', 'mark', 100.5, 'catch_up', 1_700_000_000_000],
      ['ETHUSDTM', 'index', 100.25, 'catch_up', 1_700_000_000_000],
    ]);

    // Seen before or not, a resubscribed contract catches up again: there is no gap to recover it from.
    kucoin.latest().handlers.onClose(1006, '');
    await jest.advanceTimersByTimeAsync(2_000);
    await settle(kucoin);
    expect(kucoin.sockets).toHaveLength(2);
    expect(markFetches).toEqual(['XBTUSDTM', 'ETHUSDTM', 'XBTUSDTM', 'ETHUSDTM']);
    expect(ticks.filter((t) => t.source === 'catch_up')).toHaveLength(8);

    // Long past the silent-topic interval: no all-tickers audit, no trade history, no candles.
    await jest.advanceTimersByTimeAsync(10_000);
    const paths = new Set(
      kucoin.fetchedUrls.map((url) => new URL(url).pathname.replace(/\/[A-Z]+USDTM\//, '/{symbol}/')),
    );
    expect([...paths]).toEqual(['/api/v1/bullet-public', '/api/v1/mark-price/{symbol}/current']);
    expect(ticks.some((t) => t.source === 'backfill')).toBe(false);
    await feed.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps no restart watermark: a mark-price path cannot be recovered', async () => {
    const { kucoin, feed } = setup();
    feed.seedWatermark(1_000);
    feed.updateDesired(['XBTUSDTM']);
    await settle(kucoin);
    kucoin.latest().serverSends(push('XBTUSDTM', 1, 2, 1_000_500));
    expect(feed.evaluatedThrough()).toBeUndefined();
    expect(feed.status().recoveringSymbols).toBe(0);
    await feed.stop();
  });

  it('exists for futures only', () => {
    expect(
      () =>
        new KucoinFeedGateway({
          market: 'spot',
          channel: 'instrument',
          apiUrl: 'https://api.test',
          maxTopicsPerConnection: 300,
          limits: { symbolsPerMessage: 100, staleFeedMs: 30_000 },
        }),
    ).toThrow(/futures only/);
  });
});
