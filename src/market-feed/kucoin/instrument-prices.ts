import { type InstrumentPriceType, type Tick, timeSequence } from '../../domain/market';
import { type ControlFrame, type RejectReason, readJsonFrame } from './frame-parser';
import { parsePrice } from './frame-values';
import { type FetchLike, callJson, dataOf } from './kucoin-rest';

/**
 * A futures contract's mark and index prices, as KuCoin pushes them on `/contract/instrument:{symbol}`
 * (subject `mark.index.price`, every second) and answers them on `GET /api/v1/mark-price/{symbol}/current`
 * (Kucoin/kucoin-universal-sdk spec/ws/openapi-futures-public.json, spec/rest/api/openapi-futures-market.json).
 * One push or answer carries both prices: it becomes two ticks, one per price type.
 *
 * What cannot be recovered: KuCoin keeps no mark-price history (only the current value), so the mark path
 * while a connection is down is lost; after every (re)subscribe the current mark price is evaluated. A
 * stop crossed and uncrossed by the mark price meanwhile is not triggered. The index price has a history,
 * and its gaps are recovered from it (index-history).
 */

export const INSTRUMENT_TOPIC_PREFIX = '/contract/instrument:';
const MARK_INDEX_SUBJECT = 'mark.index.price';
/** Pushed every minute on the same topic; the worker watches no funding rate. */
const FUNDING_RATE_SUBJECT = 'funding.rate';

/** KuCoin REST weight of `GET /api/v1/mark-price/{symbol}/current` (SDK spec). */
export const MARK_PRICE_WEIGHT = 3;

/** A push the channel reads nothing from (the funding rate): neither a tick nor a fault, so not counted. */
export const IGNORED_FRAME = 'ignored';

export type InstrumentTicks = [mark: Tick, index: Tick];

/** The outcome of one instrument frame: the two ticks, a control frame, a rejection, or nothing to read. */
export type InstrumentFrame = InstrumentTicks | ControlFrame | RejectReason | typeof IGNORED_FRAME;

const CONTROL_TYPES: ReadonlySet<unknown> = new Set(['welcome', 'ack', 'pong', 'error']);

export function isInstrumentTicks(frame: InstrumentFrame): frame is InstrumentTicks {
  return Array.isArray(frame);
}

function instrumentTicks(
  symbol: string,
  prices: Readonly<Record<InstrumentPriceType, number>>,
  exchangeTime: number,
  receivedAt: number,
  source: Tick['source'],
): InstrumentTicks {
  const tick = (priceType: InstrumentPriceType): Tick => ({
    marketType: 'futures',
    symbol,
    price: prices[priceType],
    priceType,
    exchangeTime,
    receivedAt,
    source,
    // Index prices are put in order and their gaps recovered (see index-history); mark prices are not.
    ...(priceType === 'index' && { sequence: timeSequence(exchangeTime) }),
  });
  return [tick('mark'), tick('index')];
}

/**
 * Turns one text frame of an instrument connection into its two ticks, a control frame or a rejection
 * reason. JSON.parse is enough: a contract pushes once a second, unlike trades. Never throws.
 */
export function parseInstrumentFrame(text: string, receivedAt: number): InstrumentFrame {
  const frame = readJsonFrame(text);
  if (typeof frame === 'string') return frame;
  if (frame.type !== 'message')
    return CONTROL_TYPES.has(frame.type) ? (frame as ControlFrame) : 'unknown_type';
  if (frame.subject === FUNDING_RATE_SUBJECT) return IGNORED_FRAME;
  if (frame.subject !== MARK_INDEX_SUBJECT) return 'unknown_subject';
  // The data carries no symbol: only the topic names the contract.
  const topic = frame.topic;
  const symbol =
    typeof topic === 'string' && topic.startsWith(INSTRUMENT_TOPIC_PREFIX)
      ? topic.slice(INSTRUMENT_TOPIC_PREFIX.length)
      : '';
  if (symbol.length === 0) return 'missing_symbol';
  const data = frame.data;
  if (data === null || typeof data !== 'object') return 'invalid_price';
  const mark = parsePrice(data.markPrice);
  const index = parsePrice(data.indexPrice);
  if (mark !== mark || index !== index) return 'invalid_price';
  // A mark price is a level's fill and tick time: one whose time is unknown is not evaluated.
  const time = data.timestamp;
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time <= 0) return 'invalid_time';
  return instrumentTicks(symbol, { mark, index }, time, receivedAt, 'stream');
}

export function markPriceUrl(apiUrl: string, symbol: string): string {
  return `${apiUrl}/api/v1/mark-price/${encodeURIComponent(symbol)}/current`;
}

/**
 * A mark-price answer `{symbol, granularity, timePoint (ms), value (mark), indexPrice}` as catch-up ticks;
 * `empty` when KuCoin has no data for the symbol (unknown contract).
 */
export function markPriceToTicks(
  symbol: string,
  body: unknown,
  receivedAt: number,
): InstrumentTicks | 'empty' | 'invalid_price' {
  const data = dataOf(body);
  if (!data) return 'empty';
  const mark = parsePrice(data.value);
  const index = parsePrice(data.indexPrice);
  if (mark !== mark || index !== index) return 'invalid_price';
  const time = Number(data.timePoint);
  return instrumentTicks(symbol, { mark, index }, time > 0 ? time : receivedAt, receivedAt, 'catch_up');
}

/** The instrument channel's catch-up job: the current mark and index prices, or why there are none. */
export async function fetchMarkPriceTicks(
  fetchFn: FetchLike,
  apiUrl: string,
  symbol: string,
  now: () => number,
): Promise<InstrumentTicks | 'empty' | 'invalid_price'> {
  return markPriceToTicks(symbol, await callJson(fetchFn, 'GET', markPriceUrl(apiUrl, symbol)), now());
}
