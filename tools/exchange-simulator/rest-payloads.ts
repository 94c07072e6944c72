import { plain } from './price-format';
import type { SimCandle, TradeTape } from './trade-tape';

/**
 * REST bodies derived from a tape, shaped as the official SDK spec gives them
 * (spec/rest/api/openapi-{spot,futures}-market.json): key order, types, units and, where the spec's only
 * hint is its example, that example's ordering.
 */

const ok = (data: string): string => `{"code":"200000","data":${data}}`;
const ns = (ms: number): string => `${ms}000000`;
const MINUTE_MS = 60_000;

/** Spot GET /api/v1/market/orderbook/level1: strings except `time` (ms). */
export function spotLevel1(tape: TradeTape | undefined): string {
  const q = tape?.quote;
  if (q === undefined) return ok('null');
  return ok(
    `{"time":${q.time},"sequence":"${q.sequence}","price":"${q.trade.priceText}","size":"${q.trade.sizeText}",` +
      `"bestBid":"${q.bestBidText}","bestBidSize":"0.01","bestAsk":"${q.bestAskText}","bestAskSize":"1.92"}`,
  );
}

/** Futures GET /api/v1/ticker: sequence and sizes numbers, prices strings, `ts` in ns. */
export function futuresTicker(tape: TradeTape | undefined): string {
  const q = tape?.quote;
  if (tape === undefined || q === undefined) return ok('null');
  const t = q.trade;
  return ok(
    `{"sequence":${q.sequence},"symbol":"${tape.symbol}","side":"${t.side}","size":${t.sizeText},` +
      `"tradeId":"${t.tradeId}","price":"${t.priceText}","bestBidPrice":"${q.bestBidText}","bestBidSize":713,` +
      `"bestAskPrice":"${q.bestAskText}","bestAskSize":1037,"ts":${ns(q.time)}}`,
  );
}

/** Spot GET /api/v1/market/histories: the latest 100, oldest first as in the spec's example; `time` ns. */
export function spotHistories(tape: TradeTape | undefined): string {
  const rows = (tape?.recent(100) ?? []).map(
    (t) =>
      `{"sequence":"${t.sequence}","price":"${t.priceText}","size":"${t.sizeText}","side":"${t.side}","time":${ns(t.time)}}`,
  );
  return ok(`[${rows.join(',')}]`);
}

/** Futures GET /api/v1/trade/history: the latest 100, newest first as in the spec's example; `ts` ns. */
export function futuresTradeHistory(tape: TradeTape | undefined): string {
  const rows = (tape?.recent(100) ?? [])
    .reverse()
    .map(
      (t) =>
        `{"sequence":${t.sequence},"contractId":1,"tradeId":"${t.tradeId}","makerOrderId":"${t.makerOrderId}",` +
        `"takerOrderId":"${t.takerOrderId}","ts":${ns(t.time)},"size":${t.sizeText},"price":"${t.priceText}",` +
        `"side":"${t.side}"}`,
    );
  return ok(`[${rows.join(',')}]`);
}

/**
 * Candles of `periodMin` minutes whose start lies in [fromMs, toMs), oldest first, at most `limit` of
 * them: the newest ones when the range holds more. Built from 1-minute candles (a tape's, or the index
 * history's), oldest first; a period without any has no candle. The spec says neither whether the bounds
 * are inclusive nor which end a full page keeps: start-inclusive, end-exclusive is how ccxt pages KuCoin
 * (endAt = since + limit × period), and the newest end is what a gap backfill asks for.
 */
export function candleRange(
  minutes: readonly SimCandle[],
  periodMin: number,
  fromMs: number,
  toMs: number,
  limit: number,
): SimCandle[] {
  const periodMs = periodMin * MINUTE_MS;
  const out: SimCandle[] = [];
  for (const minute of minutes) {
    const start = Math.floor(minute.start / periodMs) * periodMs;
    if (start < fromMs || start >= toMs) continue;
    const current = out[out.length - 1];
    if (current !== undefined && current.start === start) {
      current.high = Math.max(current.high, minute.high);
      current.low = Math.min(current.low, minute.low);
      current.close = minute.close;
      current.volume += minute.volume;
      current.turnover += minute.turnover;
    } else {
      out.push({ ...minute, start });
    }
  }
  return out.slice(Math.max(0, out.length - limit));
}

/** Spot GET /api/v1/market/candles rows: strings [time(s), open, close, high, low, volume, turnover], newest first. */
export function spotCandles(tape: TradeTape, candles: readonly SimCandle[]): string {
  const d = tape.decimals;
  const rows = [...candles].reverse().map((c) => {
    const fields = [
      String(c.start / 1000),
      plain(c.open, d),
      plain(c.close, d),
      plain(c.high, d),
      plain(c.low, d),
      plain(c.volume, 8),
      plain(c.turnover, d + 8),
    ];
    return `[${fields.map((f) => `"${f}"`).join(',')}]`;
  });
  return ok(`[${rows.join(',')}]`);
}

/** Futures GET /api/v1/kline/query rows: numbers [time(ms), open, high, low, close, volume], oldest first. */
export function futuresKlines(tape: TradeTape, candles: readonly SimCandle[]): string {
  const d = tape.decimals;
  // Numbers written as plain decimals by hand: JSON.stringify would print 1.1e-7.
  const rows = candles.map(
    (c) =>
      `[${c.start},${plain(c.open, d)},${plain(c.high, d)},${plain(c.low, d)},${plain(c.close, d)},${plain(c.volume, 0)}]`,
  );
  return ok(`[${rows.join(',')}]`);
}

/** Spot `type` values and futures `granularity` values (minutes) the simulator can aggregate from 1-minute candles. */
export const SPOT_CANDLE_TYPES: Readonly<Record<string, number>> = {
  '1min': 1,
  '3min': 3,
  '5min': 5,
  '15min': 15,
  '30min': 30,
  '1hour': 60,
  '2hour': 120,
  '4hour': 240,
  '6hour': 360,
  '8hour': 480,
  '12hour': 720,
  '1day': 1440,
};
export const FUTURES_GRANULARITIES: ReadonlySet<number> = new Set([
  1, 5, 15, 30, 60, 120, 240, 480, 720, 1440,
]);

/** Spot GET /api/v1/market/allTickers: `{time, ticker: [...]}` with each pair's last price (strings). */
export function spotAllTickers(tapes: readonly TradeTape[], now: number): string {
  const rows = tapes.flatMap((tape) => {
    const q = tape.quote;
    if (q === undefined) return [];
    return [
      `{"symbol":"${tape.symbol}","symbolName":"${tape.symbol}","buy":"${q.bestBidText}","sell":"${q.bestAskText}",` +
        `"last":"${q.trade.priceText}","vol":"0","volValue":"0"}`,
    ];
  });
  return ok(`{"time":${now},"ticker":[${rows.join(',')}]}`);
}

/** Futures GET /api/v1/allTickers: each contract's last trade, as the single-symbol ticker. */
export function futuresAllTickers(tapes: readonly TradeTape[]): string {
  const rows = tapes.flatMap((tape) => {
    const q = tape.quote;
    if (q === undefined) return [];
    const t = q.trade;
    return [
      `{"sequence":${t.sequence},"symbol":"${tape.symbol}","side":"${t.side}","size":${t.sizeText},` +
        `"tradeId":"${t.tradeId}","price":"${t.priceText}","bestBidPrice":"${q.bestBidText}",` +
        `"bestAskPrice":"${q.bestAskText}","ts":${ns(t.time)}}`,
    ];
  });
  return ok(`[${rows.join(',')}]`);
}
