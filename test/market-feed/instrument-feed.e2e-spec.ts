import { Test, type TestingModule } from '@nestjs/testing';
import type { Tick } from '../../src/domain/market';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import { type FeedGateway, INSTRUMENT_FEED, MarketFeedModule } from '../../src/market-feed';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { startSimulator, waitFor } from './feed-harness';

/** The futures mark and index prices, from MarketFeedModule's INSTRUMENT_FEED to the simulator and back. */
describe('INSTRUMENT_FEED against the exchange simulator', () => {
  let sim: ExchangeSimulator;
  let moduleRef: TestingModule;
  let closed = false;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Only the futures simulator: the other gateways stay idle, with nothing desired.
    sim = await startSimulator({ market: 'futures' });
    process.env.KUCOIN_FUTURES_API_URL = sim.apiUrl;
    moduleRef = await Test.createTestingModule({ imports: [MetricsModule, MarketFeedModule] }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    process.env = saved;
    if (!closed) await moduleRef?.close();
    await sim.stop();
  });

  it('catches up from the REST mark price at subscribe, then streams every push as a mark and an index tick', async () => {
    const feed = moduleRef.get<FeedGateway>(INSTRUMENT_FEED);
    expect(feed.marketType).toBe('futures');
    const ticks: Tick[] = [];
    feed.ticks$.subscribe((tick) => ticks.push(tick));
    // A mark set before the subscribe is what the REST catch-up must bring.
    sim.setMarkPrice('XBTUSDTM', 90_445.02, 90_440.5);

    feed.updateDesired(['XBTUSDTM']);
    await waitFor('the catch-up ticks', () => ticks.filter((t) => t.source === 'catch_up').length === 2);
    expect(feed.status().connections).toMatchObject([{ id: 'futures-mark-0', subscribedTopics: 1 }]);
    expect(ticks.map((t) => [t.symbol, t.priceType, t.price, t.source])).toEqual([
      ['XBTUSDTM', 'mark', 90_445.02, 'catch_up'],
      ['XBTUSDTM', 'index', 90_440.5, 'catch_up'],
    ]);

    const mark = sim.setMarkPrice('XBTUSDTM', 90_500.5, 90_499);
    sim.pushFundingRate('XBTUSDTM', 0.0001);
    await waitFor('the pushed mark and index', () => ticks.some((t) => t.source === 'stream'));
    expect(ticks.filter((t) => t.source === 'stream')).toEqual([
      expect.objectContaining({ priceType: 'mark', price: 90_500.5, exchangeTime: mark.time }),
      expect.objectContaining({ priceType: 'index', price: 90_499, exchangeTime: mark.time }),
    ]);
    expect(ticks.every((t) => t.marketType === 'futures' && t.symbol === 'XBTUSDTM')).toBe(true);
    // The index prices are in order, so the feed vouches for them through the last one.
    expect(feed.evaluatedThrough()).toBe(mark.time);

    const metrics = moduleRef.get(WorkerMetrics);
    closed = true;
    await moduleRef.close();
    expect(feed.status().connections[0].state).toBe('closed');
    await waitFor('the simulator sees no connection', () => sim.connectionInfo().length === 0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/worker_rest_catch_up_total\{market="futures",result="ok"\} 1/);
    // The funding rate is ignored, not counted as a bad frame.
    expect(text).not.toMatch(/worker_frames_rejected_total\{market="futures"/);
  });
});
