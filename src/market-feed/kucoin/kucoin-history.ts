import {
  type MinuteCandle,
  type RecoveredTrade,
  type TradeMark,
  type TradeRange,
  MINUTE_MS,
  candlesToApply,
  planGap,
  tradesInMinute,
} from '../../domain/gap-plan';
import type { InstrumentPriceType, MarketType, Tick } from '../../domain/market';
import { nanosToMillis, parsePrice, tradeSequence } from './frame-values';
import { type FetchLike, callJson } from './kucoin-rest';

/**
 * KuCoin's REST trade history and 1-minute candles, and the recovery of a gap from them (see gap-plan).
 * Weights (Public pool, per the SDK spec): spot history 3, futures history 5, candles 3 per call.
 */
export const HISTORY_WEIGHT = { spot: 3, futures: 5 } as const;
export const CANDLES_WEIGHT = 3;
/** Candles per call: spot up to 1500, futures up to 500. */
const CANDLES_PER_CALL = { spot: 1_500, futures: 500 } as const;

export interface GapRecoveryDeps {
  readonly fetch: FetchLike;
  readonly market: MarketType;
  readonly apiUrl: string;
  readonly now: () => number;
  /** How far back candles are asked for. */
  readonly horizonMs: number;
  /**
   * Waits until `weight` more may be spent: the job was charged for its history and one candles call, and
   * a long gap takes more candles calls than that.
   */
  readonly spendMore: (weight: number) => Promise<void>;
}

/** The ticks that recover the gap after `mark`, oldest first: candles (if needed), then trades. */
export async function recoverGap(deps: GapRecoveryDeps, symbol: string, mark: TradeMark): Promise<Tick[]> {
  const history = parseHistory(deps.market, await callJson(deps.fetch, 'GET', historyUrl(deps, symbol)));
  return recoverFromLatest(deps, { symbol, candlesSymbol: symbol }, history, mark);
}

/** Whose prices a recovery gives: the symbol its ticks name, the one its candles are asked for, which price. */
export interface RecoveryTarget {
  readonly symbol: string;
  /** The trades' own symbol, or a futures contract's index symbol (`.KXBTUSDT`) for its index prices. */
  readonly candlesSymbol: string;
  /** Absent for trades (the last price). */
  readonly priceType?: InstrumentPriceType;
}

/**
 * The ticks that recover the gap after `mark` from the latest points of a price's history (any order):
 * those after the mark, preceded by the 1-minute candles of the part they do not reach back to.
 */
export async function recoverFromLatest(
  deps: GapRecoveryDeps,
  target: RecoveryTarget,
  latest: readonly RecoveredTrade[],
  mark: TradeMark,
): Promise<Tick[]> {
  const { market, now } = deps;
  const plan = planGap(mark, latest, now(), deps.horizonMs);
  if (plan.kind === 'none') return [];
  const receivedAt = now();
  const trades = plan.trades.map((trade) => tradeTick(market, target, trade, receivedAt));
  if (plan.kind === 'trades') return trades;
  const candles: MinuteCandle[] = [];
  const step = CANDLES_PER_CALL[market] * MINUTE_MS;
  for (let from = plan.from; from <= plan.to; from += step) {
    if (from > plan.from) await deps.spendMore(CANDLES_WEIGHT);
    const to = Math.min(plan.to, from + step - MINUTE_MS);
    const url = candlesUrl(deps, target.candlesSymbol, from, to);
    candles.push(...parseCandles(market, await callJson(deps.fetch, 'GET', url)));
  }
  const overlap = tradesInMinute(plan.trades, plan.to);
  const candleTicks = candlesToApply(candles, plan.from, plan.to, mark).map((candle) =>
    candleTick(market, target, candle, receivedAt, candle.start === plan.to ? overlap : undefined),
  );
  return [...candleTicks, ...trades];
}

export function historyUrl(
  { market, apiUrl }: Pick<GapRecoveryDeps, 'market' | 'apiUrl'>,
  symbol: string,
): string {
  const path = market === 'spot' ? '/api/v1/market/histories' : '/api/v1/trade/history';
  return `${apiUrl}${path}?symbol=${encodeURIComponent(symbol)}`;
}

/** Spot takes seconds, futures milliseconds; both windows are the candles' start times, inclusive. */
export function candlesUrl(
  { market, apiUrl }: GapRecoveryDeps,
  symbol: string,
  from: number,
  to: number,
): string {
  const s = encodeURIComponent(symbol);
  if (market === 'spot')
    return `${apiUrl}/api/v1/market/candles?type=1min&symbol=${s}&startAt=${from / 1_000}&endAt=${to / 1_000 + 59}`;
  return `${apiUrl}/api/v1/kline/query?symbol=${s}&granularity=1&from=${from}&to=${to + MINUTE_MS - 1}`;
}

/** Spot `[{sequence: string, price: string, time: ns}]`, futures `[{sequence: number, price: string, ts: ns}]`. */
export function parseHistory(market: MarketType, body: unknown): RecoveredTrade[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  const trades: RecoveredTrade[] = [];
  for (const raw of data as Record<string, unknown>[]) {
    if (raw === null || typeof raw !== 'object') continue;
    // The same conversions as the stream's, so a trade seen both ways is one trade.
    const sequence = tradeSequence(raw.sequence);
    const price = parsePrice(raw.price);
    const time = nanosToMillis(market === 'spot' ? raw.time : raw.ts);
    if (sequence !== undefined && price === price && time > 0) trades.push({ sequence, time, price });
  }
  return trades;
}

/** Spot rows `[time(s), open, close, high, low, …]` (strings), futures `[time(ms), open, high, low, close, …]`. */
export function parseCandles(market: MarketType, body: unknown): MinuteCandle[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  const candles: MinuteCandle[] = [];
  for (const row of data as unknown[]) {
    if (!Array.isArray(row) || row.length < 5) continue;
    const [t, a, b, c, d] = row.map(Number);
    const candle =
      market === 'spot'
        ? { start: t * 1_000, open: a, close: b, high: c, low: d }
        : { start: t, open: a, high: b, low: c, close: d };
    if (Number.isFinite(candle.start) && candle.start % MINUTE_MS === 0) candles.push(candle);
  }
  return candles;
}

function tradeTick(
  market: MarketType,
  { symbol, priceType }: RecoveryTarget,
  trade: RecoveredTrade,
  receivedAt: number,
): Tick {
  return {
    marketType: market,
    symbol,
    price: trade.price,
    exchangeTime: trade.time,
    receivedAt,
    source: 'backfill',
    sequence: trade.sequence,
    ...(priceType && { priceType }),
  };
}

function candleTick(
  market: MarketType,
  { symbol, priceType }: RecoveryTarget,
  candle: MinuteCandle,
  receivedAt: number,
  overlap?: TradeRange,
): Tick {
  const { open, high, low, close, start } = candle;
  return {
    marketType: market,
    symbol,
    price: close,
    exchangeTime: start,
    receivedAt,
    source: 'backfill',
    candle: overlap === undefined ? { open, high, low } : { open, high, low, overlap },
    ...(priceType && { priceType }),
  };
}
