import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { fakeKucoin } from '../../test/support/doubles/fake-kucoin';
import { settleSockets as settle } from '../../test/support/doubles/settle-sockets';
import { recordedFrame } from '../../test/support/doubles/frame-samples';
import { fakeInstrumentRest } from '../../test/support/doubles/fake-instrument-rest';
import { KucoinFeedGateway } from './kucoin-feed.gateway';

const push = (symbol: string, markPrice: number, indexPrice: number, timestamp: number): string =>
  JSON.stringify({
    topic: `/contract/instrument:${symbol}`,
    type: 'message',
    subject: 'mark.index.price',
    data: { markPrice, indexPrice, granularity: 1000, timestamp },
  });

/** The fake KuCoin edge plus the instrument REST (fake-instrument-rest), whose answers the test sets. */
function setup() {
  const kucoin = fakeKucoin();
  const rest = fakeInstrumentRest(kucoin);
  const metrics = new WorkerMetrics();
  const feed = new KucoinFeedGateway({
    market: 'futures',
    channel: 'instrument',
    apiUrl: 'https://f.test',
    maxTopicsPerConnection: 300,
    metrics,
    silentTopicMs: 3_000,
    limits: { symbolsPerMessage: 100, staleFeedMs: 30_000 },
    io: { openSocket: kucoin.factory, fetch: rest.fetch, random: () => 0.5 },
  });
  const ticks: Tick[] = [];
  feed.ticks$.subscribe((tick) => ticks.push(tick));
  return { kucoin, rest: rest.state, markFetches: rest.state.markFetches, metrics, feed, ticks };
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

  it('sends every mark price straight out, and every index price in time order; the funding rate is no tick and no fault', async () => {
    const { kucoin, feed, ticks, metrics } = setup();
    feed.updateDesired(['XBTUSDTM']);
    await settle(kucoin);
    ticks.length = 0;
    const socket = kucoin.latest();
    socket.serverSends(recordedFrame('futures-instrument.json'));
    // An earlier timestamp: its mark price is passed on (the books judge the price itself), its index
    // price is not (the index path is ordered by time: it is stale).
    socket.serverSends(push('XBTUSDTM', 90_400, 90_401, 1731899128000));
    socket.serverSends(recordedFrame('futures-instrument.json').replace('mark.index.price', 'funding.rate'));
    socket.serverSends(push('XBTUSDTM', 0, 90_401, 1731899130000));
    socket.serverSends(push('ETHUSDTM', 3_000, 3_001, 1731899130000));
    socket.serverSends(push('XBTUSDTM', 90_500, 90_502, 1731899131000));
    // Another price stamped the same millisecond is a later push, not a repeat: evaluated too.
    socket.serverSends(push('XBTUSDTM', 90_510, 90_503, 1731899131000));
    expect(ticks.map((t) => [t.priceType, t.price, t.exchangeTime, t.source])).toEqual([
      ['mark', 90445.02, 1731899129000, 'stream'],
      ['index', 90445.02, 1731899129000, 'stream'],
      ['mark', 90_400, 1731899128000, 'stream'],
      ['mark', 90_500, 1731899131000, 'stream'],
      ['index', 90_502, 1731899131000, 'stream'],
      ['mark', 90_510, 1731899131000, 'stream'],
      ['index', 90_503, 1731899131000, 'stream'],
    ]);
    await jest.advanceTimersByTimeAsync(1_000);
    await feed.stop();
    const text = await metrics.registry.metrics();
    expect(text).toContain('worker_ticks_received_total{market="futures",source="stream"} 8');
    expect(text).toContain('worker_trades_skipped_total{market="futures",reason="stale"} 1');
    expect(text).toContain('worker_frames_rejected_total{market="futures",reason="invalid_price"} 1');
    expect(text).toContain('worker_frames_rejected_total{market="futures",reason="unexpected_symbol"} 1');
    expect(text).not.toMatch(/worker_frames_rejected_total\{[^}]*reason="unknown_subject"/);
    expect(text).toContain('worker_ws_connection_up{market="futures",connection="futures-mark-0"} 0');
  });

  it('catches up every subscribed contract from the mark price after every (re)subscribe; a repeated index price is evaluated once', async () => {
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

    // Seen before or not, a resubscribed contract catches up its mark price again: there is no gap to
    // recover it from. Its index price at the same time point was evaluated already.
    kucoin.latest().handlers.onClose(1006, '');
    await jest.advanceTimersByTimeAsync(2_000);
    await settle(kucoin);
    expect(kucoin.sockets).toHaveLength(2);
    expect(markFetches).toEqual(['XBTUSDTM', 'ETHUSDTM', 'XBTUSDTM', 'ETHUSDTM']);
    expect(ticks.filter((t) => t.source === 'catch_up').map((t) => t.priceType)).toEqual([
      'mark',
      'index',
      'mark',
      'index',
      'mark',
      'mark',
    ]);

    // Long past the silent-topic interval: no all-tickers audit and no trade history.
    await jest.advanceTimersByTimeAsync(10_000);
    const paths = new Set(
      kucoin.fetchedUrls.map((url) => new URL(url).pathname.replace(/\/[A-Z]+USDTM(\/|$)/, '/{symbol}$1')),
    );
    expect([...paths].sort()).toEqual([
      '/api/v1/bullet-public',
      '/api/v1/contracts/{symbol}',
      '/api/v1/index/query',
      '/api/v1/mark-price/{symbol}/current',
    ]);
    expect(ticks.some((t) => t.source === 'backfill')).toBe(false);
    await feed.stop();
    expect(jest.getTimerCount()).toBe(0);
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

describe('KucoinFeedGateway on the instrument channel: gaps in the index price', () => {
  /** A minute's start, as candles are. */
  const T = 1_700_000_040_000;
  const view = (t: Tick) => [t.priceType, t.price, t.exchangeTime - T, t.source];

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: T + 60_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Subscribes XBTUSDTM (its catch-up evaluates the index at T), then drops the connection. */
  async function seenThenDropped() {
    const context = setup();
    const { kucoin, feed, rest, ticks } = context;
    rest.mark.timePoint = T;
    feed.updateDesired(['XBTUSDTM']);
    await settle(kucoin);
    expect(ticks.map(view)).toEqual([
      ['mark', 100.5, 0, 'catch_up'],
      ['index', 100.25, 0, 'catch_up'],
    ]);
    ticks.length = 0;
    kucoin.latest().handlers.onClose(1006, '');
    return context;
  }

  it('recovers the index prices missed while disconnected from the snapshots, in order, before the live ones', async () => {
    const { kucoin, feed, rest, ticks, metrics } = await seenThenDropped();
    rest.indexPoints = [
      { time: T, value: 100.25 },
      { time: T + 1_000, value: 101 },
      { time: T + 2_000, value: 99 },
      { time: T + 3_000, value: 100 },
    ];
    rest.mark = { value: 100.7, indexPrice: 100, timePoint: T + 3_000 };
    let open!: () => void;
    rest.indexGate = new Promise((resolve) => (open = resolve));
    await jest.advanceTimersByTimeAsync(2_000);
    await settle(kucoin);
    // While the snapshots are asked for, a live index price waits; the mark price does not.
    kucoin.latest().serverSends(push('XBTUSDTM', 100.8, 100.1, T + 4_000));
    expect(feed.status().recoveringSymbols).toBe(1);
    expect(ticks.map(view)).toEqual([
      ['mark', 100.7, 3_000, 'catch_up'],
      ['mark', 100.8, 4_000, 'stream'],
    ]);
    open();
    await settle(kucoin);
    expect(ticks.filter((t) => t.priceType === 'index').map(view)).toEqual([
      ['index', 101, 1_000, 'backfill'],
      ['index', 99, 2_000, 'backfill'],
      ['index', 100, 3_000, 'backfill'],
      // The catch-up's index at T + 3000 is the last snapshot again: evaluated once.
      ['index', 100.1, 4_000, 'stream'],
    ]);
    expect(ticks.every((t) => t.symbol === 'XBTUSDTM' && t.marketType === 'futures')).toBe(true);
    const asked = kucoin.fetchedUrls.filter((url) => url.includes('/index/query'));
    expect(asked).toHaveLength(1);
    expect(new URL(asked[0]).searchParams.get('symbol')).toBe('.KXBTUSDT');
    expect(Number(new URL(asked[0]).searchParams.get('startAt'))).toBe(T);
    expect(feed.status().recoveringSymbols).toBe(0);
    await feed.stop();
    const text = await metrics.registry.metrics();
    expect(text).toContain('worker_gap_recoveries_total{market="futures",result="recovered"} 1');
    expect(text).toContain('worker_ticks_received_total{market="futures",source="backfill"} 3');
  });

  it('asks the snapshots of the last 99 s only, and recovers what they do not reach back to from the index symbol’s candles', async () => {
    const { kucoin, feed, rest, ticks } = await seenThenDropped();
    // 150 s of snapshots after T, asked for at T + 150 s: the window begins at T + 51 s.
    rest.indexPoints = Array.from({ length: 151 }, (_, i) => ({ time: T + i * 1_000, value: 100 + i }));
    rest.indexCandles = [[T, 100.25, 160, 90, 159, 0]];
    rest.mark = { value: 250, indexPrice: 250, timePoint: T + 150_000 };
    jest.setSystemTime(T + 148_000);
    await jest.advanceTimersByTimeAsync(2_000);
    await settle(kucoin);
    const asked = kucoin.fetchedUrls.filter((url) => url.includes('/index/query'));
    expect(Number(new URL(asked[0]).searchParams.get('startAt'))).toBe(T + 51_000);
    const candles = kucoin.fetchedUrls.filter((url) => url.includes('/kline/query'));
    expect(candles).toHaveLength(1);
    expect(new URL(candles[0]).searchParams.get('symbol')).toBe('.KXBTUSDT');
    const recovered = ticks.filter((t) => t.source === 'backfill');
    expect(recovered[0]).toMatchObject({ priceType: 'index', exchangeTime: T, price: 159 });
    expect(recovered[0].candle).toMatchObject({ open: 100.25, high: 160, low: 90 });
    expect(recovered.slice(1).map((t) => t.exchangeTime - T)).toEqual(
      Array.from({ length: 100 }, (_, i) => (51 + i) * 1_000),
    );
    await feed.stop();
  });

  it('asks a contract’s index symbol once, and gives a recovery up at once when KuCoin names none', async () => {
    const { kucoin, feed, rest, ticks, metrics } = await seenThenDropped();
    rest.unknownContracts.add('XBTUSDTM');
    rest.mark.timePoint = T + 5_000;
    await jest.advanceTimersByTimeAsync(2_000);
    await settle(kucoin);
    // Given up: the held catch-up index price is evaluated, and no snapshot was asked for.
    expect(ticks.filter((t) => t.priceType === 'index').map(view)).toEqual([
      ['index', 100.25, 5_000, 'catch_up'],
    ]);
    expect(kucoin.fetchedUrls.some((url) => url.includes('/index/query'))).toBe(false);
    rest.unknownContracts.clear();
    for (const time of [T + 10_000, T + 20_000]) {
      rest.mark.timePoint = time;
      kucoin.latest().handlers.onClose(1006, '');
      await jest.advanceTimersByTimeAsync(2_000);
      await settle(kucoin);
    }
    const contracts = kucoin.fetchedUrls.filter((url) => url.includes('/contracts/'));
    expect(contracts).toHaveLength(2); // the refused one, then one for both later recoveries
    expect(kucoin.fetchedUrls.filter((url) => url.includes('/index/query'))).toHaveLength(2);
    await feed.stop();
    const text = await metrics.registry.metrics();
    expect(text).toContain('worker_gap_recoveries_total{market="futures",result="gave_up"} 1');
  });

  it('recovers a first subscribe’s index prices from a restart watermark, and vouches for them after', async () => {
    const { kucoin, feed, rest, ticks } = setup();
    feed.seedWatermark(T - 2_000);
    rest.indexPoints = [
      { time: T - 2_000, value: 98 },
      { time: T - 1_000, value: 97 },
      { time: T, value: 100.25 },
    ];
    rest.mark.timePoint = T;
    feed.updateDesired(['XBTUSDTM']);
    await settle(kucoin);
    expect(ticks.filter((t) => t.priceType === 'index').map(view)).toEqual([
      ['index', 97, -1_000, 'backfill'],
      ['index', 100.25, 0, 'backfill'],
    ]);
    kucoin.latest().serverSends(push('XBTUSDTM', 1, 101, T + 1_000));
    expect(feed.evaluatedThrough()).toBe(T + 1_000);
    await feed.stop();
  });
});
