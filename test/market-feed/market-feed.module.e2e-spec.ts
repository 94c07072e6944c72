import { Test, type TestingModule } from '@nestjs/testing';
import type { Tick } from '../../src/domain/market';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import { type FeedGateway, FUTURES_FEED, MarketFeedModule, SPOT_FEED } from '../../src/market-feed';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { startSimulator, waitFor } from './feed-harness';

describe('MarketFeedModule', () => {
  let spotSim: ExchangeSimulator;
  let futuresSim: ExchangeSimulator;
  let moduleRef: TestingModule;
  const saved = { ...process.env };

  beforeAll(async () => {
    spotSim = await startSimulator();
    futuresSim = await startSimulator({ market: 'futures' });
    process.env.KUCOIN_SPOT_API_URL = spotSim.apiUrl;
    process.env.KUCOIN_FUTURES_API_URL = futuresSim.apiUrl;
    process.env.KUCOIN_RECONNECT_BASE_MS = '20';
    process.env.KUCOIN_RECONNECT_MAX_MS = '200';
    moduleRef = await Test.createTestingModule({ imports: [MetricsModule, MarketFeedModule] }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    process.env = saved;
    await spotSim.stop();
    await futuresSim.stop();
  });

  it('provides both gateways, streams ticks, and leaves no socket open after close()', async () => {
    const spot = moduleRef.get<FeedGateway>(SPOT_FEED);
    const futures = moduleRef.get<FeedGateway>(FUTURES_FEED);
    expect(spot.marketType).toBe('spot');
    expect(futures.marketType).toBe('futures');
    const ticks: Tick[] = [];
    spot.ticks$.subscribe((tick) => ticks.push(tick));
    futures.ticks$.subscribe((tick) => ticks.push(tick));

    spot.updateDesired(['BTC-USDT']);
    futures.updateDesired(['XBTUSDTM']);
    await waitFor('both subscribed', () =>
      [spot, futures].every((g) => g.status().connections[0]?.subscribedTopics === 1),
    );
    spotSim.setPrice('BTC-USDT', 67_220);
    futuresSim.setPrice('XBTUSDTM', 88_987.5);
    await waitFor('a tick from each market', () =>
      ['spot', 'futures'].every((m) => ticks.some((t) => t.marketType === m && t.source === 'stream')),
    );
    expect(spot.status()).toMatchObject({ marketType: 'spot', desiredSymbols: 1 });

    const metrics = moduleRef.get(WorkerMetrics);
    await moduleRef.close();
    expect(spot.status().connections[0].state).toBe('closed');
    expect(futures.status().connections[0].state).toBe('closed');
    await waitFor('simulators see no connection', () =>
      [spotSim, futuresSim].every((sim) => sim.connectionInfo().length === 0),
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/worker_ticks_received_total\{market="futures",source="stream"\} 1/);
  });
});
