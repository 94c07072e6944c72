import type { MarketType, Tick } from '../../domain/market';
import { nanosToMillis, parsePrice } from './frame-parser';
import { SymbolInterner } from './symbol-interner';

/**
 * The fast path for ticker pushes: reads the frame's bytes as they come off the socket.
 *
 * JSON.parse of a ticker push builds a dozen keys and strings when a tick needs four values, and needs the
 * bytes decoded into a string first. This scanner validates the bytes against a strict subset of JSON (no
 * whitespace, no escapes, string and number values, `data` the one nested object), remembers
 * where the fields a tick needs are, and builds the tick from those alone. It answers only when it is sure:
 * a frame outside the subset, a control frame, or anything the full parser would reject returns
 * `undefined`, and the caller hands the frame to `parseFrame`, which decides. For every frame it accepts,
 * the tick equals `parseFrame`'s (the spec checks this on generated frames).
 */

const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const BACKSLASH = 0x5c;
const LOWER_E = 0x65;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const ABSENT = 0;
const STRING = 1;
const NUMBER = 2;
const OBJECT = 3;

/** One slot per field a tick needs; the scan fills them, the last occurrence of a key winning as in JSON. */
const TYPE = 0;
const TOPIC = 1;
const SUBJECT = 2;
const DATA = 3;
const PRICE = 4;
const BID = 5;
const ASK = 6;
const TIME = 7;
const SYMBOL = 8;
const SLOTS = 9;
const NO_SLOT = -1;

/** Up to 15 digits a decimal is exact as an integer, so one division gives the correctly rounded double. */
const MAX_EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_DIGITS + 1 }, (_, i) => 10 ** i);

/** Candidate keys by length, so most keys are told apart by their length alone. */
type KeyTable = ReadonlyArray<ReadonlyArray<readonly [Buffer, number]> | undefined>;

function keyTable(entries: Record<string, number>): KeyTable {
  const table: Array<Array<readonly [Buffer, number]>> = [];
  for (const [name, slot] of Object.entries(entries))
    (table[name.length] ??= []).push([Buffer.from(name), slot]);
  return table;
}

const TOP_KEYS = keyTable({ type: TYPE, topic: TOPIC, subject: SUBJECT, data: DATA });
const DATA_KEYS: Record<MarketType, KeyTable> = {
  spot: keyTable({ price: PRICE, bestBid: BID, bestAsk: ASK, time: TIME }),
  futures: keyTable({ symbol: SYMBOL, price: PRICE, bestBidPrice: BID, bestAskPrice: ASK, ts: TIME }),
};
const MESSAGE = Buffer.from('message', 'latin1');
const SUBJECTS: Record<MarketType, Buffer> = {
  spot: Buffer.from('trade.ticker', 'latin1'),
  futures: Buffer.from('ticker', 'latin1'),
};
const ALL = Buffer.from('all', 'latin1');
const EMPTY = Buffer.alloc(0);

/** Where the scan found each field. A scan runs start to finish synchronously, so two never share them. */
const kinds = new Uint8Array(SLOTS);
const starts = new Int32Array(SLOTS);
const ends = new Int32Array(SLOTS);
/** The frame being turned into a tick, for the helpers below; reset after each frame. */
let bytes: Buffer = EMPTY;
const symbols = new SymbolInterner();

/** The tick in a ticker push, or undefined when `parseFrame` must decide (see the file comment). */
export function scanFrame(market: MarketType, frame: Buffer, receivedAt: number): Tick | undefined {
  if (!scanFields(frame, DATA_KEYS[market])) return undefined;
  bytes = frame;
  let tick: Tick | undefined;
  if (isTickerPush(market)) tick = market === 'spot' ? spotTick(receivedAt) : futuresTick(receivedAt);
  bytes = EMPTY; // not to pin the socket's read buffer until the next frame
  return tick;
}

function isTickerPush(market: MarketType): boolean {
  return (
    kinds[DATA] === OBJECT &&
    kinds[TYPE] === STRING &&
    equals(TYPE, MESSAGE) &&
    kinds[SUBJECT] === STRING &&
    equals(SUBJECT, SUBJECTS[market])
  );
}

function spotTick(receivedAt: number): Tick | undefined {
  const symbol = topicSymbol();
  const price = priceAt(PRICE);
  if (symbol === undefined || price !== price) return undefined;
  const time = kinds[TIME] === NUMBER ? numberAt(TIME) : NaN;
  return {
    marketType: 'spot',
    symbol,
    price,
    bestBid: optionalPriceAt(BID),
    bestAsk: optionalPriceAt(ASK),
    exchangeTime: time > 0 ? time : receivedAt,
    receivedAt,
    source: 'stream',
  };
}

function futuresTick(receivedAt: number): Tick | undefined {
  const symbol =
    kinds[SYMBOL] === STRING ? symbols.intern(bytes, starts[SYMBOL], ends[SYMBOL]) : topicSymbol();
  const price = priceAt(PRICE);
  if (symbol === undefined || symbol.length === 0 || price !== price) return undefined;
  const time = nanosToMillis(valueAt(TIME));
  return {
    marketType: 'futures',
    symbol,
    price,
    bestBid: optionalPriceAt(BID),
    bestAsk: optionalPriceAt(ASK),
    exchangeTime: time > 0 ? time : receivedAt,
    receivedAt,
    source: 'stream',
  };
}

/** The symbol after the topic's colon; undefined for no topic, an empty symbol, or `all` (symbol elsewhere). */
function topicSymbol(): string | undefined {
  if (kinds[TOPIC] !== STRING) return undefined;
  const end = ends[TOPIC];
  let colon = starts[TOPIC];
  while (colon < end && bytes[colon] !== COLON) colon++; // a short loop beats a native indexOf call here
  if (colon + 1 >= end || sameBytes(colon + 1, end, ALL)) return undefined;
  return symbols.intern(bytes, colon + 1, end);
}

/** As parsePrice on the field's JSON value, without building the string when it is a plain decimal. */
function priceAt(slot: number): number {
  if (kinds[slot] === STRING) {
    const n = plainDecimal(starts[slot], ends[slot]);
    if (n === n) return n > 0 ? n : NaN;
  }
  return parsePrice(valueAt(slot));
}

function optionalPriceAt(slot: number): number | undefined {
  if (kinds[slot] === ABSENT) return undefined;
  const n = priceAt(slot);
  return n === n ? n : undefined;
}

function numberAt(slot: number): number {
  const n = plainDecimal(starts[slot], ends[slot]);
  return n === n ? n : +bytes.toString('utf8', starts[slot], ends[slot]);
}

/**
 * Digits with at most one inner dot and at most 15 digits in all, as a number; NaN for anything else.
 * Mantissa and power of ten are both exact doubles, so their quotient is what `+text` gives.
 */
function plainDecimal(start: number, end: number): number {
  let mantissa = 0;
  let dot = -1;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c >= ZERO && c <= NINE) mantissa = mantissa * 10 + (c - ZERO);
    else if (c === DOT && dot < 0 && i > start && i + 1 < end) dot = i;
    else return NaN;
  }
  const digits = end - start - (dot < 0 ? 0 : 1);
  if (digits === 0 || digits > MAX_EXACT_DIGITS) return NaN;
  return dot < 0 ? mantissa : mantissa / POWERS_OF_TEN[end - dot - 1];
}

/** What JSON.parse would have given for the slot (a string or a number); undefined when absent. */
function valueAt(slot: number): string | number | undefined {
  if (kinds[slot] === STRING) return stringAt(slot);
  if (kinds[slot] === NUMBER) return numberAt(slot);
  return undefined;
}

function stringAt(slot: number): string {
  return bytes.toString('utf8', starts[slot], ends[slot]);
}

function equals(slot: number, expected: Buffer): boolean {
  return sameBytes(starts[slot], ends[slot], expected);
}

function sameBytes(start: number, end: number, expected: Buffer): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[start + i] !== expected[i]) return false;
  return true;
}

function slotOf(frame: Buffer, table: KeyTable, start: number, end: number): number {
  const candidates = table[end - start];
  if (candidates === undefined) return NO_SLOT;
  for (let c = 0; c < candidates.length; c++) {
    const name = candidates[c][0];
    let i = 0;
    while (i < name.length && frame[start + i] === name[i]) i++;
    if (i === name.length) return candidates[c][1];
  }
  return NO_SLOT;
}

/**
 * Validates the frame against the JSON subset and records where each wanted field's value is. One pass,
 * everything in locals: this runs for every frame the worker receives.
 */
function scanFields(frame: Buffer, dataKeys: KeyTable): boolean {
  const n = frame.length;
  if (n < 2 || frame[0] !== OPEN_BRACE) return false;
  for (let slot = 0; slot < SLOTS; slot++) kinds[slot] = ABSENT;
  let p = 1;
  let inData = false;
  let dataStart = 0;
  if (frame[p] === CLOSE_BRACE) return p + 1 === n;
  for (;;) {
    // "key":
    if (frame[p] !== QUOTE) return false;
    const keyStart = ++p;
    p = stringEnd(frame, p);
    if (p < 0) return false;
    const slot = slotOf(frame, inData ? dataKeys : TOP_KEYS, keyStart, p);
    if (frame[++p] !== COLON) return false;
    // value
    const valueStart = ++p;
    const first = p < n ? frame[p] : 0;
    if (first === QUOTE) {
      p = stringEnd(frame, p + 1);
      if (p < 0) return false;
      record(slot, STRING, valueStart + 1, p);
      p++;
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      p = numberEnd(frame, p);
      if (p < 0) return false;
      record(slot, NUMBER, valueStart, p);
    } else if (first === OPEN_BRACE && slot === DATA && !inData) {
      // A repeated `data` replaces the earlier one, as it does in JSON.parse.
      for (let s = DATA + 1; s < SLOTS; s++) kinds[s] = ABSENT;
      inData = true;
      dataStart = valueStart;
      if (frame[++p] !== CLOSE_BRACE) continue;
    } else {
      return false;
    }
    // , or } (a } may close `data` and then be followed by the top level's , or })
    let next = p < n ? frame[p++] : 0;
    if (next === CLOSE_BRACE && inData) {
      inData = false;
      record(DATA, OBJECT, dataStart, p);
      next = p < n ? frame[p++] : 0;
    }
    if (next === COMMA) continue;
    return next === CLOSE_BRACE && !inData && p === n;
  }
}

/**
 * Bytes that end a run of plain string content: the closing quote, an escape (left to the full parser),
 * and the control characters JSON forbids inside strings. Non-ASCII UTF-8 is plain content.
 */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** The index of the quote closing the string whose content starts at `p`, or -1 (escape, control, end). */
function stringEnd(frame: Buffer, p: number): number {
  const n = frame.length;
  while (p < n && STRING_STOP[frame[p]] === 0) p++;
  return p < n && frame[p] === QUOTE ? p : -1;
}

function record(slot: number, kind: number, start: number, end: number): void {
  if (slot === NO_SLOT) return;
  kinds[slot] = kind;
  starts[slot] = start;
  ends[slot] = end;
}

/** Past the JSON number at `p` (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or -1 if there is none. */
function numberEnd(frame: Buffer, p: number): number {
  const n = frame.length;
  if (frame[p] === MINUS) p++;
  if (p < n && frame[p] === ZERO) p++;
  else if (p < n && frame[p] > ZERO && frame[p] <= NINE) while (p < n && isDigit(frame[p])) p++;
  else return -1;
  if (p < n && frame[p] === DOT) {
    if (++p >= n || !isDigit(frame[p])) return -1;
    while (p < n && isDigit(frame[p])) p++;
  }
  if (p < n && (frame[p] === LOWER_E || frame[p] === UPPER_E)) {
    if (++p < n && (frame[p] === PLUS || frame[p] === MINUS)) p++;
    if (p >= n || !isDigit(frame[p])) return -1;
    while (p < n && isDigit(frame[p])) p++;
  }
  return p;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}
