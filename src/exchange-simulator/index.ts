/**
 * A KuCoin-compatible exchange for e2e tests, demos and benchmarks. One instance per market:
 *
 *   const spot = new ExchangeSimulator({ market: 'spot', pingInterval: 200, pingTimeout: 300 });
 *   await spot.start();                      // port 0 = any free port
 *   process.env.KUCOIN_SPOT_API_URL = spot.apiUrl;
 *   spot.setPrice('BTC-USDT', 67_220);       // REST ticker + a push to subscribers
 *   spot.startTicking(20_000);               // random-walk pushes over all subscribed symbols
 *   spot.dropAllConnections();               // …and the other fault switches
 *   await spot.stop();
 */
export { ExchangeSimulator } from './exchange-simulator';
export type { UnknownSymbolMode } from './simulator-book';
export type {
  ExchangeSimulatorOptions,
  SimConnectionInfo,
  SimulatorFaults,
  SimulatorLimits,
  SimulatorStats,
} from './simulator.types';
