import type { MarketType, Tick } from '../../domain/market';
import { TRADE_SUBJECTS, nanosToMillis, parsePrice } from './frame-values';
import {
  ABSENT,
  FieldSpans,
  NUMBER,
  OBJECT,
  STRING,
  type ScanLayout,
  digitsStart,
  keyTable,
  nanosDigitsToMillis,
  plainDecimal,
  sameBytes,
  scanFields,
} from './json-subset-scanner';
import { SymbolInterner } from './symbol-interner';

/**
 * The fast path for trade and ticker pushes: reads the frame's bytes as they come off the socket.
 *
 * JSON.parse of a push builds a dozen keys and strings when a tick needs four or five values, and needs the
 * bytes decoded into a string first. Here the bytes are checked against a strict subset of JSON (see
 * json-subset-scanner), the positions of the fields a tick needs are recorded, and the tick is built from
 * those alone. It answers only when it is sure: a frame outside the subset, a control frame, or anything
 * the full parser would reject returns `undefined`, and the caller hands the frame to `parseFrame`, which
 * decides. For every frame it accepts, the tick equals `parseFrame`'s (the spec checks this on generated
 * and mutated frames).
 */

/** One slot per field a tick needs; both kinds of push share the layout, as the subject may come last. */
const TYPE = 0;
const TOPIC = 1;
const SUBJECT = 2;
const DATA = 3;
const PRICE = 4;
const BID = 5;
const ASK = 6;
const TIME = 7; // spot `time`, futures `ts`
const SYMBOL = 8;
const SEQUENCE = 9;

const TOP_KEYS = keyTable({ type: TYPE, topic: TOPIC, subject: SUBJECT, data: DATA });
const LAYOUTS: Record<MarketType, ScanLayout> = {
  spot: {
    top: TOP_KEYS,
    nested: keyTable({
      price: PRICE,
      bestBid: BID,
      bestAsk: ASK,
      time: TIME,
      symbol: SYMBOL,
      sequence: SEQUENCE,
    }),
    nestedSlot: DATA,
    firstNestedSlot: PRICE,
  },
  futures: {
    top: TOP_KEYS,
    nested: keyTable({
      symbol: SYMBOL,
      price: PRICE,
      bestBidPrice: BID,
      bestAskPrice: ASK,
      ts: TIME,
      sequence: SEQUENCE,
    }),
    nestedSlot: DATA,
    firstNestedSlot: PRICE,
  },
};
const MESSAGE = Buffer.from('message', 'latin1');
const TICKERS: Record<MarketType, Buffer> = {
  spot: Buffer.from('trade.ticker', 'latin1'),
  futures: Buffer.from('ticker', 'latin1'),
};
const TRADES: Record<MarketType, Buffer> = {
  spot: Buffer.from(TRADE_SUBJECTS.spot, 'latin1'),
  futures: Buffer.from(TRADE_SUBJECTS.futures, 'latin1'),
};
const ALL = Buffer.from('all', 'latin1');
const COLON = 0x3a;
const EMPTY = Buffer.alloc(0);
const MAX_EXACT_DIGITS = 15;

/** A scan runs start to finish synchronously, so two never share these. */
const spans = new FieldSpans(SEQUENCE + 1);
const { kinds, starts, ends } = spans;
/** The frame being turned into a tick, for the helpers below; reset after each frame. */
let bytes: Buffer = EMPTY;
const symbols = new SymbolInterner();

/** The tick in a trade or ticker push, or undefined when `parseFrame` must decide (see the file comment). */
export function scanFrame(market: MarketType, frame: Buffer, receivedAt: number): Tick | undefined {
  if (!scanFields(frame, LAYOUTS[market], spans)) return undefined;
  bytes = frame;
  let tick: Tick | undefined;
  if (isPush()) {
    // Trades first: they are most of the traffic.
    if (subjectIs(TRADES[market])) tick = tradeTick(market, receivedAt);
    else if (subjectIs(TICKERS[market]))
      tick = market === 'spot' ? spotTick(receivedAt) : futuresTick(receivedAt);
  }
  bytes = EMPTY; // not to pin the socket's read buffer until the next frame
  return tick;
}

function isPush(): boolean {
  return (
    kinds[DATA] === OBJECT &&
    kinds[TYPE] === STRING &&
    sameBytes(bytes, starts[TYPE], ends[TYPE], MESSAGE) &&
    kinds[SUBJECT] === STRING
  );
}

function subjectIs(subject: Buffer): boolean {
  return sameBytes(bytes, starts[SUBJECT], ends[SUBJECT], subject);
}

/**
 * As parseFrame's tradeTick. Every check comes before the sequence string is built, so a frame left to
 * parseFrame builds nothing here; a valid one builds the Tick and its sequence string, no other object or
 * string (the symbol is interned, price and time are read from the bytes).
 */
function tradeTick(market: MarketType, receivedAt: number): Tick | undefined {
  const symbol = dataSymbol();
  const price = priceAt(PRICE);
  if (symbol === undefined || symbol.length === 0 || price !== price) return undefined;
  const exchangeTime = nanosAt(TIME);
  if (!(exchangeTime > 0)) return undefined;
  const sequence = sequenceAt(SEQUENCE);
  if (sequence === undefined) return undefined;
  return { marketType: market, symbol, price, exchangeTime, receivedAt, source: 'stream', sequence };
}

function spotTick(receivedAt: number): Tick | undefined {
  const symbol = topicSymbol();
  const price = priceAt(PRICE);
  if (symbol === undefined || price !== price) return undefined;
  return tickOf('spot', symbol, price, kinds[TIME] === NUMBER ? numberAt(TIME) : NaN, receivedAt);
}

function futuresTick(receivedAt: number): Tick | undefined {
  const symbol = dataSymbol();
  const price = priceAt(PRICE);
  if (symbol === undefined || symbol.length === 0 || price !== price) return undefined;
  return tickOf('futures', symbol, price, nanosAt(TIME), receivedAt);
}

/** A missing or unusable exchange time should not cost a stop-loss its price: the receive time stands in. */
function tickOf(
  marketType: MarketType,
  symbol: string,
  price: number,
  time: number,
  receivedAt: number,
): Tick {
  return {
    marketType,
    symbol,
    price,
    bestBid: optionalPriceAt(BID),
    bestAsk: optionalPriceAt(ASK),
    exchangeTime: time > 0 ? time : receivedAt,
    receivedAt,
    source: 'stream',
  };
}

/** `data.symbol` when it is a string, else the topic's (as parseFrame: a string symbol wins, even ''). */
function dataSymbol(): string | undefined {
  return kinds[SYMBOL] === STRING ? symbols.intern(bytes, starts[SYMBOL], ends[SYMBOL]) : topicSymbol();
}

/** The symbol after the topic's colon; undefined for no topic, an empty symbol, or `all` (symbol elsewhere). */
function topicSymbol(): string | undefined {
  if (kinds[TOPIC] !== STRING) return undefined;
  const end = ends[TOPIC];
  let colon = starts[TOPIC];
  while (colon < end && bytes[colon] !== COLON) colon++; // a short loop beats a native indexOf call here
  if (colon + 1 >= end || sameBytes(bytes, colon + 1, end, ALL)) return undefined;
  return symbols.intern(bytes, colon + 1, end);
}

/** As parsePrice on the field's JSON value, without building the string when it is a plain decimal. */
function priceAt(slot: number): number {
  if (kinds[slot] === STRING) {
    const n = plainDecimal(bytes, starts[slot], ends[slot]);
    if (n === n) return n > 0 ? n : NaN;
  }
  return parsePrice(valueAt(slot));
}

function optionalPriceAt(slot: number): number | undefined {
  if (kinds[slot] === ABSENT) return undefined;
  const n = priceAt(slot);
  return n === n ? n : undefined;
}

/** As nanosToMillis on the field's JSON value; straight from the digits when they settle it. */
function nanosAt(slot: number): number {
  const kind = kinds[slot];
  if (kind === ABSENT) return NaN;
  const millis = nanosDigitsToMillis(bytes, starts[slot], ends[slot], kind === NUMBER);
  return millis === millis ? millis : nanosToMillis(valueAt(slot));
}

/**
 * As tradeSequence on the field's JSON value, or undefined (parseFrame decides). A digit string is kept
 * whatever its length; a number only up to 15 digits, where it is surely below 2^53 and its JSON text is
 * what String() gives (JSON numbers have no leading zeros).
 */
function sequenceAt(slot: number): string | undefined {
  const kind = kinds[slot];
  if (kind !== STRING && kind !== NUMBER) return undefined;
  const end = ends[slot];
  const first = digitsStart(bytes, starts[slot], end);
  if (first < 0 || (kind === NUMBER && end - first > MAX_EXACT_DIGITS)) return undefined;
  return bytes.toString('latin1', first, end);
}

function numberAt(slot: number): number {
  const n = plainDecimal(bytes, starts[slot], ends[slot]);
  return n === n ? n : +bytes.toString('latin1', starts[slot], ends[slot]);
}

/** What JSON.parse would have given for the slot (a string or a number); undefined when absent. */
function valueAt(slot: number): string | number | undefined {
  if (kinds[slot] === STRING) return bytes.toString('utf8', starts[slot], ends[slot]);
  if (kinds[slot] === NUMBER) return numberAt(slot);
  return undefined;
}
