import type { IndexPoint } from './index-history';
import type { InstrumentBook } from './instrument-book';
import type { RestAnswer } from './instrument-http';
import { jsonNumber } from './price-format';
import { candleRange } from './rest-payloads';
import type { SimulatorStats } from './simulator.types';
import { type SimCandle, addToMinuteCandle } from './trade-tape';

/** KuCoin snapshots an index once a second (spec: "Update snapshots once per second"). */
const INDEX_GRANULARITY_MS = 1_000;
const DEFAULT_MAX_COUNT = 10;
/** Spec: maxCount "cannot exceed 100". */
const MAX_COUNT = 100;

const ok = (data: string): string => `{"code":"200000","data":${data}}`;
const bad = (msg: string): RestAnswer => ({ status: 400, text: JSON.stringify({ code: '400100', msg }) });

/**
 * Futures GET /api/v1/index/query ("Get Spot Index Price", spec/rest/api/openapi-futures-market.json):
 * the recorded index prices of the contract whose `indexSymbol` is `symbol`, with startAt <= timePoint <=
 * endAt (ms; either may be absent), newest first unless `reverse=false`, at most `maxCount` (default 10);
 * `hasMore` when the range held more. Keys in the spec example's order (`hasMore` before `dataList`).
 * `decomposionList` (sic, as the spec spells it) is empty: the simulator has no component exchanges.
 *
 * `offset` and `forward` are ignored: the spec calls offset "the unique attribute of the last returned
 * result" without naming that attribute (the rows carry no id), nor saying whether the next page starts
 * at or after it, nor how `forward` combines with `reverse`. Clients page by moving startAt/endAt.
 * KuCoin's 5 s query cache is not imitated either: every point shows at once.
 * A missing symbol, a malformed number or boolean, and a maxCount outside 1..100 get HTTP 400 400100;
 * the spec documents no error bodies, so only the shape is KuCoin's.
 */
export function indexQuery(
  q: URLSearchParams,
  instruments: InstrumentBook,
  stats: SimulatorStats,
): RestAnswer {
  stats.restIndexRequests++;
  const symbol = q.get('symbol') ?? '';
  if (symbol === '') return bad('symbol is required');
  const startAt = integerParam(q, 'startAt');
  const endAt = integerParam(q, 'endAt');
  if (startAt === null || endAt === null) return bad('startAt and endAt must be integers (ms)');
  const reverse = booleanParam(q, 'reverse');
  if (reverse === null) return bad('reverse must be true or false');
  const maxCountParam = integerParam(q, 'maxCount');
  const maxCount = maxCountParam === undefined ? DEFAULT_MAX_COUNT : maxCountParam;
  if (maxCount === null || maxCount < 1 || maxCount > MAX_COUNT)
    return bad(`maxCount must be between 1 and ${MAX_COUNT}`);

  const contract = instruments.contractForIndex(symbol);
  const points =
    contract === undefined ? [] : instruments.indexHistory(contract, startAt ?? -Infinity, endAt ?? Infinity);
  const page = reverse === false ? points.slice(0, maxCount) : points.slice(-maxCount).reverse();
  const rows = page.map(
    (p) =>
      `{"symbol":${JSON.stringify(symbol)},"granularity":${INDEX_GRANULARITY_MS},"timePoint":${p.time},` +
      `"value":${jsonNumber(p.value)},"decomposionList":[]}`,
  );
  return {
    status: 200,
    text: ok(`{"hasMore":${points.length > page.length},"dataList":[${rows.join(',')}]}`),
  };
}

/** The kline query's window, already read and checked as for a contract's klines. */
export interface KlineWindow {
  /** Minutes, one of the futures granularities the simulator aggregates (10080 was refused before). */
  readonly granularity: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Futures GET /api/v1/kline/query for an index symbol (the spec's `symbol` may be an `indexSymbol`): rows
 * [start (ms), open, high, low, close, 0] as numbers, oldest first, from the index history, with the
 * same window and cap as a contract's klines (`candleRange`). Longer granularities aggregate the
 * 1-minute candles, as for trades. Volume is 0: an index is not traded.
 */
export function indexKlines(
  instruments: InstrumentBook,
  indexSymbol: string,
  window: KlineWindow,
  limit: number,
): string {
  const contract = instruments.contractForIndex(indexSymbol);
  // A candle starting at or after `from` holds only points at or after it, so earlier ones can be skipped.
  const points = contract === undefined ? [] : instruments.indexHistory(contract, window.from);
  const candles = candleRange(indexMinutes(points), window.granularity, window.from, window.to, limit);
  const rows = candles.map(
    (c) =>
      `[${c.start},${jsonNumber(c.open)},${jsonNumber(c.high)},${jsonNumber(c.low)},${jsonNumber(c.close)},0]`,
  );
  return ok(`[${rows.join(',')}]`);
}

/** 1-minute candles of time-ordered points (an index is not traded: no volume); minutes without a point have none. */
export function indexMinutes(points: readonly IndexPoint[]): SimCandle[] {
  const minutes: SimCandle[] = [];
  for (const { time, value } of points) addToMinuteCandle(minutes, time, value, 0);
  return minutes;
}

/** An absent (or empty) parameter is undefined; one that is not a whole number is null. */
function integerParam(q: URLSearchParams, name: string): number | undefined | null {
  const text = q.get(name) ?? '';
  if (text === '') return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

function booleanParam(q: URLSearchParams, name: string): boolean | undefined | null {
  const text = q.get(name) ?? '';
  if (text === '') return undefined;
  return text === 'true' ? true : text === 'false' ? false : null;
}
