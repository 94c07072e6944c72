import type { Tick } from '../../src/domain/market';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import { KucoinFeedGateway, type KucoinFeedGatewayOptions } from '../../src/market-feed/kucoin-feed.gateway';
import { TokenBucket } from '../../src/market-feed/kucoin/rate-limiters';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { startSimulator, waitFor } from './feed-harness';

/** A gateway on the simulator's market, at most 300 topics per connection. */
const feedOn = (
  sim: ExchangeSimulator,
  symbolsPerMessage: number,
  extra: Partial<KucoinFeedGatewayOptions> = {},
): KucoinFeedGateway =>
  new KucoinFeedGateway({
    market: sim.market,
    apiUrl: sim.apiUrl,
    maxTopicsPerConnection: 300,
    limits: {
      symbolsPerMessage,
      staleFeedMs: 2_000,
      reconnectBackoff: { baseMs: 20, maxMs: 200 },
      catchUpConcurrency: 16,
    },
    io: { restBucket: new TokenBucket(100_000, 1_000) },
    ...extra,
  });

describe('feed gateways against the simulator', () => {
  let sim: ExchangeSimulator;
  const gateways: KucoinFeedGateway[] = [];
  const feed = (...args: Parameters<typeof feedOn>): KucoinFeedGateway => {
    const gateway = feedOn(...args);
    gateways.push(gateway);
    return gateway;
  };

  // Stopped here as well as in the tests: a failed expectation must not leave a gateway reconnecting to
  // the stopped simulator (it kept Jest from ever exiting once).
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.stop();
    await sim.stop();
  });

  const subscribedTopics = (gateway: KucoinFeedGateway): number =>
    gateway.status().connections.reduce((n, c) => n + c.subscribedTopics, 0);

  it('spreads 1,000 spot symbols over at least 4 connections of at most 300 topics, and every symbol ticks', async () => {
    sim = await startSimulator({ pingInterval: 1_000, pingTimeout: 1_000 });
    const wanted = Array.from({ length: 1_000 }, (_, i) => `C${i}-USDT`);
    wanted.forEach((symbol, i) => sim.setRestPrice(symbol, 10 + i));
    const metrics = new WorkerMetrics();
    const gateway = feed(sim, 100, { metrics });
    const seen = new Set<string>();
    const subscription = gateway.ticks$.subscribe((tick: Tick) => {
      if (tick.source === 'stream') seen.add(tick.symbol);
    });
    gateway.updateDesired(wanted);
    await waitFor('all 1,000 subscribed', () => subscribedTopics(gateway) === 1_000, 10_000);
    const connections = gateway.status().connections;
    expect(connections.length).toBeGreaterThanOrEqual(4);
    expect(connections.every((c) => c.state === 'connected' && c.subscribedTopics <= 300)).toBe(true);
    expect(sim.connectionInfo().every((c) => c.topics <= 300)).toBe(true);
    expect(sim.subscriptionCounts().size).toBe(1_000);

    sim.startTicking(20_000);
    await waitFor('a stream tick for every symbol', () => seen.size === 1_000, 10_000);

    // Shrinking the set unsubscribes only the difference and closes the emptied connections.
    const before = sim.stats.connectionsAccepted;
    gateway.updateDesired(wanted.slice(0, 250));
    await waitFor('shrunk to one connection', () => sim.subscriptionCounts().size === 250, 5_000);
    expect(gateway.status().connections).toHaveLength(1);
    expect(sim.stats.connectionsAccepted).toBe(before);

    subscription.unsubscribe();
    await gateway.stop();
    await waitFor('all sockets closed', () => sim.connectionInfo().length === 0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/worker_ticks_received_total\{market="spot",source="stream"\} [1-9]/);
    expect(text).toMatch(/worker_rest_catch_up_total\{market="spot",result="ok"\} [1-9]/);
  });

  it('moves symbols to other connections when the server is full at fewer topics than configured (509)', async () => {
    sim = await startSimulator({ limits: { maxTopicsPerConnection: 5 } });
    const wanted = Array.from({ length: 12 }, (_, i) => `C${i}-USDT`);
    const gateway = feed(sim, 100);
    gateway.updateDesired(wanted);
    // Both sides: the simulator applies a subscribe before the gateway has read its ack.
    await waitFor(
      'all 12 subscribed somewhere, and acknowledged',
      () => sim.subscriptionCounts().size === 12 && subscribedTopics(gateway) === 12,
      5_000,
    );
    expect([...sim.subscriptionCounts().values()].every((n) => n === 1)).toBe(true);
    expect(gateway.status().connections.map((c) => c.subscribedTopics)).toEqual([5, 5, 2]);
    const seen = new Set<string>();
    gateway.ticks$.subscribe((tick) => seen.add(tick.symbol));
    wanted.forEach((symbol) => sim.setPrice(symbol, 1));
    await waitFor('every symbol ticks', () => seen.size === 12);
    await gateway.stop();
  });

  it('futures: reads every trade from execution pushes (nanosecond ts, sequence), one symbol per subscribe', async () => {
    sim = await startSimulator({ market: 'futures' });
    const gateway = feed(sim, 1);
    const ticks: Tick[] = [];
    gateway.ticks$.subscribe((tick) => ticks.push(tick));
    gateway.updateDesired(['XBTUSDTM', 'ETHUSDTM', 'not-a-contract']);
    expect(gateway.desiredSymbols()).toEqual(new Set(['XBTUSDTM', 'ETHUSDTM']));
    await waitFor('subscribed', () => gateway.status().connections[0]?.subscribedTopics === 2);
    expect(sim.stats.subscribeMessages).toBe(2);
    const before = Date.now();
    sim.setPrice('XBTUSDTM', 88_987.5, { bestBid: 88_987.4, bestAsk: 88_987.6 });
    await waitFor('tick', () => ticks.some((t) => t.source === 'stream'));
    const tick = ticks.find((t) => t.source === 'stream')!;
    expect(tick).toMatchObject({ marketType: 'futures', symbol: 'XBTUSDTM', price: 88_987.5 });
    expect(tick.sequence).toBe(sim.lastTrade('XBTUSDTM')?.sequence);
    expect(tick.exchangeTime).toBeGreaterThanOrEqual(before - 5);
    expect(tick.exchangeTime).toBeLessThanOrEqual(Date.now());
    await gateway.stop();
  });
});
