import { Test, type TestingModule } from '@nestjs/testing';
import { CONTRACT_MARGINS, type ContractMarginsService, MarketFeedModule } from '../../src/market-feed';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { CLOCK } from '../../src/timing/timing.module';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import { ManualClock } from '../support/doubles/manual-clock';
import { startSimulator, waitFor } from './feed-harness';

const REFRESH_MS = 60_000;

/**
 * MarketFeedModule's contract margins against the simulator's `/api/v1/contracts/active`, over real HTTP.
 * Time is the manual clock's, so the shortest refresh the configuration allows (a minute) passes at once.
 */
describe('contract margins from MarketFeedModule', () => {
  let futuresSim: ExchangeSimulator;
  const saved = { ...process.env };

  beforeAll(async () => {
    futuresSim = await startSimulator({ market: 'futures' });
    futuresSim.setPrice('XBTUSDTM', 88_987.5);
    futuresSim.setPrice('XBTUSDM', 88_990);
  });

  afterAll(async () => {
    process.env = saved;
    await futuresSim.stop();
  });

  async function build(
    env: Record<string, string>,
  ): Promise<{ moduleRef: TestingModule; clock: ManualClock }> {
    Object.assign(process.env, {
      KUCOIN_SPOT_API_URL: futuresSim.apiUrl, // the spot gateway stays idle: nothing asks it for symbols
      KUCOIN_FUTURES_API_URL: futuresSim.apiUrl,
      KUCOIN_CONTRACTS_REFRESH_MS: String(REFRESH_MS),
      ...env,
    });
    const clock = new ManualClock(Date.now());
    const moduleRef = await Test.createTestingModule({ imports: [MetricsModule, MarketFeedModule] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return { moduleRef, clock };
  }

  it('loads the table at bootstrap, sees a changed rate after a refresh, and stops on close()', async () => {
    const { moduleRef, clock } = await build({ LIQUIDATION_ENABLED: 'true' });
    const margins = moduleRef.get<ContractMarginsService>(CONTRACT_MARGINS);
    await waitFor('the first table', () => margins.loaded());
    expect(margins.margin('XBTUSDTM')).toEqual({
      isInverse: false,
      maintenanceMarginRate: futuresSim.contract('XBTUSDTM')?.maintainMargin,
    });
    expect(margins.margin('XBTUSDTM')?.maintenanceMarginRate).toBe(0.004);
    expect(margins.margin('XBTUSDM')).toEqual({ isInverse: true, maintenanceMarginRate: 0.007 });

    let changes = 0;
    margins.onChange(() => changes++);
    futuresSim.setContract('XBTUSDTM', { maintainMargin: 0.01 });
    clock.advance(REFRESH_MS - 1);
    expect(futuresSim.stats.restContractRequests).toBe(1);
    clock.advance(1);
    await waitFor('the new rate', () => margins.margin('XBTUSDTM')?.maintenanceMarginRate === 0.01);
    expect(changes).toBe(1);
    expect(margins.margin('XBTUSDM')?.maintenanceMarginRate).toBe(0.007);
    expect(futuresSim.stats.restContractRequests).toBe(2);

    const metrics = moduleRef.get(WorkerMetrics);
    expect(await metrics.registry.metrics()).toMatch(/worker_contract_refreshes_total\{result="success"\} 2/);
    await moduleRef.close();
    clock.advance(REFRESH_MS * 3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(futuresSim.stats.restContractRequests).toBe(2);
  });

  it('asks KuCoin for nothing when LIQUIDATION_ENABLED is false', async () => {
    const before = futuresSim.stats.restContractRequests;
    const { moduleRef, clock } = await build({ LIQUIDATION_ENABLED: 'false' });
    const margins = moduleRef.get<ContractMarginsService>(CONTRACT_MARGINS);
    clock.advance(REFRESH_MS * 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(margins.loaded()).toBe(false);
    expect(margins.margin('XBTUSDTM')).toBeUndefined();
    expect(futuresSim.stats.restContractRequests).toBe(before);
    await moduleRef.close();
  });
});
