/**
 * A KuCoin-compatible exchange for e2e tests, demos and benchmarks. One instance per market:
 *
 *   const spot = new ExchangeSimulator({ market: 'spot', pingInterval: 200, pingTimeout: 300 });
 *   await spot.start();                      // port 0 = any free port
 *   process.env.KUCOIN_SPOT_API_URL = spot.apiUrl;
 *   spot.setPrice('BTC-USDT', 67_220);       // one trade: a match push now, a ticker within 100 ms, REST
 *   spot.wick('BTC-USDT', 66_000, 67_200);   // trades no ticker push ever shows
 *   spot.startTicking(20_000);               // random-walk trades over all subscribed symbols
 *   spot.startOutage('drop');                // …and the other fault switches
 *   await spot.stop();
 */
export { ExchangeSimulator } from './exchange-simulator';
export { PerIpLimiter } from './per-ip-limits';
export type { PerIpLimitOptions, PerIpRecord, PerIpVerdict } from './per-ip-limits';
export type { AckMatch, WithholdAckOptions } from './ack-faults';
export type { SilencedChannels } from './push-hub';
export type { TradeOptions, UnknownSymbolMode } from './simulator-book';
export type { SimCandle, SimQuote, SimTrade, TradeSide } from './trade-tape';
export type {
  ExchangeSimulatorOptions,
  SimConnectionInfo,
  SimulatorFaults,
  SimulatorLimits,
  SimulatorStats,
} from './simulator.types';
