import type { MarketType, Tick } from '../../domain/market';

/** Why an inbound frame was skipped; used as the `reason` label of framesRejected (a small fixed set). */
export type RejectReason =
  | 'binary'
  | 'malformed_json'
  | 'unknown_type'
  | 'unknown_subject'
  | 'missing_symbol'
  | 'invalid_price'
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

interface RawFrame {
  type?: unknown;
  topic?: unknown;
  subject?: unknown;
  data?: Record<string, unknown> | null;
}

/** Parses once; anything not a finite positive number (including '' and null) becomes NaN. */
export function parsePrice(value: unknown): number {
  if (typeof value === 'string') {
    if (value.length === 0) return NaN;
    const n = +value;
    return n > 0 && n !== Infinity ? n : NaN;
  }
  if (typeof value === 'number') return value > 0 && value !== Infinity ? value : NaN;
  return NaN;
}

export function optionalPrice(value: unknown): number | undefined {
  const n = parsePrice(value);
  return n === n ? n : undefined;
}

/** The symbol after the colon of `/market/ticker:BTC-USDT`; '' when the topic has none. */
function topicSymbol(topic: unknown): string {
  if (typeof topic !== 'string') return '';
  const colon = topic.indexOf(':');
  return colon < 0 ? '' : topic.slice(colon + 1);
}

/** Futures `ts` is in nanoseconds (above 2^53, so JSON.parse rounds it; ms precision survives). */
export function nanosToMillis(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? +value : NaN;
  return Math.floor(n / 1e6);
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
  let frame: RawFrame;
  try {
    frame = JSON.parse(text) as RawFrame;
  } catch {
    // A frame that is not JSON is a value for the caller to count, not an error to raise.
    return 'malformed_json';
  }
  if (frame === null || typeof frame !== 'object') return 'malformed_json';
  switch (frame.type) {
    case 'message': {
      const data = frame.data;
      if (data === null || typeof data !== 'object') return 'invalid_price';
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
