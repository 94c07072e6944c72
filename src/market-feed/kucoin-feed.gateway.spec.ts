import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type FakeKucoin, fakeKucoin } from '../../test/support/doubles/fake-kucoin';
import { settleSockets as settle } from '../../test/support/doubles/settle-sockets';
import { KucoinFeedGateway } from './kucoin-feed.gateway';

const symbols = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `C${from + i}-USDT`);

function gateway(kucoin: FakeKucoin, metrics?: WorkerMetrics): KucoinFeedGateway {
  return new KucoinFeedGateway({
    market: 'spot',
    apiUrl: 'https://api.test',
    maxTopicsPerConnection: 300,
    metrics,
    limits: { symbolsPerMessage: 100, staleFeedMs: 30_000 },
    io: fakeIo(kucoin),
  });
}

describe('KucoinFeedGateway', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('spreads symbols over connections of at most maxTopicsPerConnection, keeping assignments stable', async () => {
    const kucoin = fakeKucoin();
    const feed = gateway(kucoin);
    feed.updateDesired(symbols(1_000));
    await settle(kucoin);
    const status = feed.status();
    expect(status.desiredSymbols).toBe(1_000);
    expect(status.connections.map((c) => c.subscribedTopics)).toEqual([300, 300, 300, 100]);
    expect(status.connections.every((c) => c.state === 'connected')).toBe(true);

    // Dropping 100 from the first connection and adding 50 refills the first connection only.
    const next = [...symbols(200), ...symbols(700, 300), ...symbols(50, 5_000)];
    feed.updateDesired(next);
    await settle(kucoin);
    expect(kucoin.sockets).toHaveLength(4);
    expect(feed.status().connections.map((c) => c.subscribedTopics)).toEqual([250, 300, 300, 100]);
    await feed.stop();
  });

  it('is idempotent for the same set, ignores invalid symbols, and closes emptied connections', async () => {
    const kucoin = fakeKucoin();
    const feed = gateway(kucoin);
    feed.updateDesired([...symbols(400), 'not a symbol', 'XBTUSDTM']);
    await settle(kucoin);
    expect(feed.desiredSymbols().size).toBe(400);
    const sent = kucoin.sockets.map((s) => s.sent.length);
    feed.updateDesired(new Set(symbols(400)));
    expect(kucoin.sockets.map((s) => s.sent.length)).toEqual(sent);

    feed.updateDesired(symbols(10));
    await settle(kucoin);
    expect(feed.status().connections).toHaveLength(1);
    expect(kucoin.sockets[1].closed).toBe(true);
    feed.updateDesired([]);
    expect(feed.status().connections[0].state).toBe('idle');
    await feed.stop();
  });

  it('merges ticks from all connections into ticks$, counts them in batches, and stops cleanly', async () => {
    const kucoin = fakeKucoin();
    const metrics = new WorkerMetrics();
    const feed = gateway(kucoin, metrics);
    const ticks: Tick[] = [];
    let completed = false;
    feed.ticks$.subscribe({ next: (t) => ticks.push(t), complete: () => (completed = true) });
    feed.updateDesired(symbols(301));
    await settle(kucoin);
    for (const [i, socket] of kucoin.sockets.entries()) {
      socket.serverSends(
        `{"type":"message","topic":"/market/ticker:C${i * 300}-USDT","subject":"trade.ticker","data":{"price":"1.5","time":2}}`,
      );
      socket.serverSends('garbage');
    }
    expect(ticks.filter((t) => t.source === 'stream').map((t) => t.symbol)).toEqual(['C0-USDT', 'C300-USDT']);
    await jest.advanceTimersByTimeAsync(1_000);
    // prom-client's default collectors schedule work while scraping; check our own timers first.
    await feed.stop();
    expect(completed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    const text = await metrics.registry.metrics();
    expect(text).toContain('worker_ticks_received_total{market="spot",source="stream"} 2');
    expect(text).toContain('worker_frames_rejected_total{market="spot",reason="malformed_json"} 2');
    expect(text).toContain('worker_ws_connection_up{market="spot",connection="spot-1"} 0');
    expect(feed.status().connections.every((c) => c.state === 'closed')).toBe(true);
  });

  it('futures gateway validates contract symbols and uses the futures trade topic', async () => {
    const kucoin = fakeKucoin();
    const feed = new KucoinFeedGateway({
      market: 'futures',
      apiUrl: 'https://f.test',
      maxTopicsPerConnection: 300,
      limits: { symbolsPerMessage: 1, staleFeedMs: 30_000 },
      io: fakeIo(kucoin),
    });
    feed.updateDesired(['XBTUSDTM', 'ETHUSDTM', 'BTC-USDT']);
    await settle(kucoin);
    expect(
      kucoin
        .latest()
        .sentOfType('subscribe')
        .map((m) => m.topic),
    ).toEqual(['/contractMarket/execution:XBTUSDTM', '/contractMarket/execution:ETHUSDTM']);
    await feed.stop();
  });
});

function fakeIo(kucoin: FakeKucoin) {
  return { openSocket: kucoin.factory, fetch: kucoin.fetch, random: () => 0.5 };
}
