import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import type { WebSocketManager } from '../../src/market-feed/kucoin/websocket-manager';
import { Recorder, expectRecovery, fastManager, startSimulator, waitFor } from './feed-harness';

describe('REST catch-up after a (re)subscribe', () => {
  let sim: ExchangeSimulator;
  let manager: WebSocketManager;
  let rec: Recorder;

  afterEach(async () => {
    manager.stop();
    await sim.stop();
  });

  it.each(['spot', 'futures'] as const)(
    '%s: a price that changed while the feed was down arrives as a catch_up tick after reconnect',
    async (market) => {
      sim = await startSimulator({ market });
      const symbol = market === 'spot' ? 'BTC-USDT' : 'XBTUSDTM';
      sim.setPrice(symbol, 50_000);
      rec = new Recorder();
      manager = fastManager(sim, rec);
      manager.updateDesired([symbol]);
      await waitFor('first catch-up', () => rec.ticksFor(symbol, 'catch_up').length === 1);
      expect(rec.ticksFor(symbol, 'catch_up')[0].price).toBe(50_000);

      // The feed goes down and stays down (token endpoint failing) while the price moves.
      sim.failTokenRequests(500);
      sim.dropAllConnections();
      await waitFor('feed down', () => sim.stats.tokenFailuresServed >= 1);
      sim.setPrice(symbol, 42_000); // nobody is subscribed: this push reaches no one
      sim.clearTokenFailures();

      await waitFor(
        'catch-up with the new price',
        () => rec.ticksFor(symbol, 'catch_up').some((t) => t.price === 42_000),
        3_000,
      );
      const tick = rec.ticksFor(symbol, 'catch_up').at(-1)!;
      expect(tick).toMatchObject({ marketType: market, symbol, price: 42_000, source: 'catch_up' });
      expect(rec.catchUps.filter((r) => r === 'ok')).toHaveLength(2);
      await expectRecovery(sim, manager, rec, [symbol]);
    },
  );
});
