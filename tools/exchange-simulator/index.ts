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
 *
 *   const futures = new ExchangeSimulator({ market: 'futures' });
 *   futures.setMarkPrice('XBTUSDTM', 67_200, 67_190); // mark.index.price push now; REST mark price too;
 *                                                     // index history (/api/v1/index/query, .KXBTUSDT klines)
 *   futures.pushFundingRate('XBTUSDTM', 0.0001);      // one funding.rate push on /contract/instrument
 *   futures.setContract('XBTUSDTM', { maintainMargin: 0.005 }); // GET /api/v1/contracts/{symbol}, /active
 */
export { ExchangeSimulator } from './exchange-simulator';
export { PerIpLimiter, restPathWeight } from './per-ip-limits';
export { UNKNOWN_CONTRACT } from './instrument-http';
export { MARK_GRANULARITY_MS, PREDICTED_FUNDING_GRANULARITY_MS } from './instrument-feed';
export type { SimContract, SimContractStatus } from './contract-specs';
export type { SimMarkPrice } from './instrument-book';
export type { IndexPoint } from './index-history';
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
