import type { MarketType, Tick } from '../../domain/market';
import { TRADE_SUBJECTS, nanosToMillis, optionalPrice, parsePrice, tradeSequence } from './frame-values';

// These readers used to live here (kucoin-rest imports parsePrice from this module); frame-values now
// holds them so that the scanner shares them with the parser.
export { nanosToMillis, optionalPrice, parsePrice };

/** Why an inbound frame was skipped; used as the `reason` label of framesRejected (a small fixed set). */
export type RejectReason =
  | 'binary'
  | 'malformed_json'
  | 'unknown_type'
  | 'unknown_subject'
  | 'missing_symbol'
  | 'invalid_price'
  /** A trade without a usable sequence: it cannot be ordered against the others, so it is not evaluated. */
  | 'invalid_sequence'
  /** A trade without a usable exchange time (nanoseconds, as a digit string or a number). */
  | 'invalid_time'
  /** A well-formed tick for a symbol this connection does not hold (e.g. after an unsubscribe). */
  | 'unexpected_symbol';

/** Control frames are returned as the parsed object itself, so they cost no allocation beyond JSON.parse. */
export interface ControlFrame {
  readonly type: 'welcome' | 'ack' | 'pong' | 'error';
  readonly id?: string;
  readonly code?: number | string;
  readonly data?: unknown;
}

/**
 * The outcome of one frame: a Tick, a control frame, or a rejection reason (a plain string, so that the
 * common cases never allocate a wrapper object on the hot path).
 */
export type ParsedFrame = Tick | ControlFrame | RejectReason;

export function isRejection(frame: ParsedFrame): frame is RejectReason {
  return typeof frame === 'string';
}

export function isTick(frame: ParsedFrame): frame is Tick {
  return typeof frame === 'object' && (frame as Tick).marketType !== undefined;
}

/** A frame as JSON.parse gives it, before anything is checked. */
export interface RawFrame {
  type?: unknown;
  topic?: unknown;
  subject?: unknown;
  data?: Record<string, unknown> | null;
}

/** JSON.parse of a frame that must be an object; never throws. */
export function readJsonFrame(text: string): RawFrame | 'malformed_json' {
  let frame: RawFrame;
  try {
    frame = JSON.parse(text) as RawFrame;
  } catch {
    // A frame that is not JSON is a value for the caller to count, not an error to raise.
    return 'malformed_json';
  }
  return frame === null || typeof frame !== 'object' ? 'malformed_json' : frame;
}

/** The symbol after the colon of `/market/ticker:BTC-USDT`; '' when the topic has none. */
function topicSymbol(topic: unknown): string {
  if (typeof topic !== 'string') return '';
  const colon = topic.indexOf(':');
  return colon < 0 ? '' : topic.slice(colon + 1);
}

/**
 * One trade: spot `{price, sequence: "digits", time: "ns digits", symbol, …}`, futures
 * `{price, sequence: number, ts: ns number, symbol, …}`. Unlike a ticker, a trade without a sequence or a
 * time is rejected: the worker evaluates trades in sequence order, and one it cannot place must not be
 * evaluated out of order.
 */
function tradeTick(
  market: MarketType,
  frame: RawFrame,
  data: Record<string, unknown>,
  receivedAt: number,
): Tick | RejectReason {
  const symbol = typeof data.symbol === 'string' ? data.symbol : topicSymbol(frame.topic);
  if (symbol.length === 0) return 'missing_symbol';
  const price = parsePrice(data.price);
  if (price !== price) return 'invalid_price';
  const sequence = tradeSequence(data.sequence);
  if (sequence === undefined) return 'invalid_sequence';
  const exchangeTime = nanosToMillis(market === 'spot' ? data.time : data.ts);
  if (!(exchangeTime > 0)) return 'invalid_time';
  return { marketType: market, symbol, price, exchangeTime, receivedAt, source: 'stream', sequence };
}

function spotTick(frame: RawFrame, data: Record<string, unknown>, receivedAt: number): Tick | RejectReason {
  let symbol = topicSymbol(frame.topic);
  // `/market/ticker:all` carries the symbol in `subject` instead of the topic.
  if (symbol === 'all') symbol = typeof frame.subject === 'string' ? frame.subject : '';
  else if (frame.subject !== 'trade.ticker') return 'unknown_subject';
  if (symbol.length === 0) return 'missing_symbol';
  const price = parsePrice(data.price);
  if (price !== price) return 'invalid_price';
  const time = data.time;
  return {
    marketType: 'spot',
    symbol,
    price,
    bestBid: optionalPrice(data.bestBid),
    bestAsk: optionalPrice(data.bestAsk),
    // A missing exchange time should not cost a stop-loss its price: fall back to the receive time.
    exchangeTime: typeof time === 'number' && time > 0 ? time : receivedAt,
    receivedAt,
    source: 'stream',
  };
}

function futuresTick(
  frame: RawFrame,
  data: Record<string, unknown>,
  receivedAt: number,
): Tick | RejectReason {
  if (frame.subject !== 'ticker') return 'unknown_subject';
  const symbol = typeof data.symbol === 'string' ? data.symbol : topicSymbol(frame.topic);
  if (symbol.length === 0) return 'missing_symbol';
  const price = parsePrice(data.price);
  if (price !== price) return 'invalid_price';
  const time = nanosToMillis(data.ts);
  return {
    marketType: 'futures',
    symbol,
    price,
    bestBid: optionalPrice(data.bestBidPrice),
    bestAsk: optionalPrice(data.bestAskPrice),
    exchangeTime: time > 0 ? time : receivedAt,
    receivedAt,
    source: 'stream',
  };
}

/**
 * Turns one text frame into a Tick, a control frame or a rejection reason. Never throws: one bad frame
 * must not kill a connection.
 */
export function parseFrame(market: MarketType, text: string, receivedAt: number): ParsedFrame {
  const frame = readJsonFrame(text);
  if (typeof frame === 'string') return frame;
  switch (frame.type) {
    case 'message': {
      const data = frame.data;
      if (data === null || typeof data !== 'object') return 'invalid_price';
      if (frame.subject === TRADE_SUBJECTS[market]) return tradeTick(market, frame, data, receivedAt);
      // Anything else goes to the ticker readers, which reject unknown subjects. Futures `tickerV2` is one
      // of them: it carries best bid and ask but no trade price, and the books are evaluated on trades.
      return market === 'spot' ? spotTick(frame, data, receivedAt) : futuresTick(frame, data, receivedAt);
    }
    case 'welcome':
    case 'ack':
    case 'pong':
    case 'error':
      return frame as ControlFrame;
    default:
      return 'unknown_type';
  }
}
