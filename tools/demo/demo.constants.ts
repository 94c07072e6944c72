import type { MarketType } from '../../src/domain/market';

/** A `demo-` project id: the emulator accepts it without credentials, and it can never name a real project. */
export const DEMO_PROJECT_ID = 'demo-realtime-worker';
export const DEMO_INSTANCE_ID = 'demo-worker';

export interface DemoSymbol {
  readonly marketType: MarketType;
  readonly symbol: string;
  /** Starting price on the simulator; on the live feed the REST ticker gives it. */
  readonly simulatedStart: number;
}

export const DEMO_SYMBOLS: readonly DemoSymbol[] = [
  { marketType: 'spot', symbol: 'BTC-USDT', simulatedStart: 60_000 },
  { marketType: 'spot', symbol: 'ETH-USDT', simulatedStart: 3_000 },
  { marketType: 'futures', symbol: 'XBTUSDTM', simulatedStart: 60_000 },
  { marketType: 'futures', symbol: 'ETHUSDTM', simulatedStart: 3_000 },
];

export const KUCOIN_SPOT_API = 'https://api.kucoin.com';
export const KUCOIN_FUTURES_API = 'https://api-futures.kucoin.com';
export const PROBE_TIMEOUT_MS = 3_000;

/**
 * "Near the market", as a fraction of price: the unit the seed places levels in. The simulator's walk moves
 * about 0.5 % a minute, real BTC and ETH more like 0.05–0.2 %, so the live unit is smaller for the same
 * effect: executions spread over the first minute (half within ~15 s on the simulator, about eight in all)
 * while the far levels keep waiting.
 */
export const NEAR_FRACTION = { simulated: 0.0025, live: 0.0004 } as const;

/** Simulator ticks: one step per symbol every period; log-volatility per step (0.5 % a minute at 20 a second). */
export const WALK_PERIOD_MS = 50;
export const WALK_STEP_VOLATILITY = 0.00015;

export const DISPLAY_REFRESH_MS = 1_000;
/** Without a TTY the status is printed as a line this often instead of being redrawn. */
export const PLAIN_STATUS_EVERY_MS = 5_000;
