import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import type { WebSocketManager } from '../../src/market-feed/kucoin/websocket-manager';
import { Recorder, expectRecovery, fastManager, startSimulator, waitFor } from './feed-harness';

const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];

describe('WebSocketManager against the simulator: token endpoint faults', () => {
  let sim: ExchangeSimulator;
  let manager: WebSocketManager;
  let rec: Recorder;

  beforeEach(async () => {
    sim = await startSimulator();
    rec = new Recorder();
    manager = fastManager(sim, rec);
  });

  afterEach(async () => {
    manager.stop();
    await sim.stop();
  });

  it.each([500, 429])(
    'retries bullet-public answering HTTP %i with backoff, then connects',
    async (status) => {
      sim.failTokenRequests(status, 4);
      manager.updateDesired(SYMBOLS);
      await waitFor('four failures served', () => sim.stats.tokenFailuresServed === 4);
      await expectRecovery(sim, manager, rec, SYMBOLS, 3_000);
      expect(rec.reconnects.filter((cause) => cause === 'token_error')).toHaveLength(4);
      expect(manager.status().reconnects).toBe(4);
    },
  );

  it('keeps retrying while the token endpoint fails for a while, then recovers after a drop', async () => {
    manager.updateDesired(SYMBOLS);
    await expectRecovery(sim, manager, rec, SYMBOLS);
    sim.failTokenRequests(500);
    sim.dropAllConnections();
    await waitFor('several failures', () => sim.stats.tokenFailuresServed >= 5);
    expect(manager.state === 'backoff' || manager.state === 'connecting').toBe(true);
    sim.clearTokenFailures();
    await expectRecovery(sim, manager, rec, SYMBOLS, 3_000);
  });
});
