/**
 * One pass over a JSON object's bytes that validates them against a strict subset of JSON and records
 * where the values of the wanted keys are, building nothing. The subset: no whitespace, no escapes,
 * string and number values only, and one nested object under a chosen key. Anything outside it makes the
 * scan fail, and the caller leaves the frame to JSON.parse. Pure; everything on the path is in locals
 * or typed arrays, because it runs for every frame the worker receives.
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

export const ABSENT = 0;
export const STRING = 1;
export const NUMBER = 2;
export const OBJECT = 3;
const NO_SLOT = -1;

/** Candidate keys by length, so most keys are told apart by their length alone. */
export type KeyTable = ReadonlyArray<ReadonlyArray<readonly [Buffer, number]> | undefined>;

export function keyTable(entries: Record<string, number>): KeyTable {
  const table: Array<Array<readonly [Buffer, number]>> = [];
  for (const [name, slot] of Object.entries(entries))
    (table[name.length] ??= []).push([Buffer.from(name), slot]);
  return table;
}

/** Which keys to record: top-level ones, and those of the one object nested under `nestedSlot`. */
export interface ScanLayout {
  readonly top: KeyTable;
  readonly nested: KeyTable;
  readonly nestedSlot: number;
  /** Slots from here on belong to the nested object (a repeated key replaces the earlier object). */
  readonly firstNestedSlot: number;
}

/** Where each slot's value was found: its kind (ABSENT, STRING, NUMBER, OBJECT) and byte range. */
export class FieldSpans {
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;

  constructor(readonly slots: number) {
    this.kinds = new Uint8Array(slots);
    this.starts = new Int32Array(slots);
    this.ends = new Int32Array(slots);
  }
}

/**
 * Fills `spans` from `frame` (string ranges exclude the quotes; the last occurrence of a key wins, as in
 * JSON.parse); false when the frame is outside the subset.
 */
export function scanFields(frame: Buffer, layout: ScanLayout, spans: FieldSpans): boolean {
  const n = frame.length;
  if (n < 2 || frame[0] !== OPEN_BRACE) return false;
  const kinds = spans.kinds;
  for (let slot = 0; slot < kinds.length; slot++) kinds[slot] = ABSENT;
  let p = 1;
  let nested = false;
  let nestedStart = 0;
  if (frame[p] === CLOSE_BRACE) return p + 1 === n;
  for (;;) {
    // "key":
    if (frame[p] !== QUOTE) return false;
    const keyStart = ++p;
    p = stringEnd(frame, p);
    if (p < 0) return false;
    const slot = slotOf(frame, nested ? layout.nested : layout.top, keyStart, p);
    if (frame[++p] !== COLON) return false;
    // value
    const valueStart = ++p;
    const first = p < n ? frame[p] : 0;
    if (first === QUOTE) {
      p = stringEnd(frame, p + 1);
      if (p < 0) return false;
      record(spans, slot, STRING, valueStart + 1, p);
      p++;
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      p = numberEnd(frame, p);
      if (p < 0) return false;
      record(spans, slot, NUMBER, valueStart, p);
    } else if (first === OPEN_BRACE && slot === layout.nestedSlot && !nested) {
      for (let s = layout.firstNestedSlot; s < kinds.length; s++) kinds[s] = ABSENT;
      nested = true;
      nestedStart = valueStart;
      if (frame[++p] !== CLOSE_BRACE) continue;
    } else {
      return false;
    }
    // , or } (a } may close the nested object and then be followed by the top level's , or })
    let next = p < n ? frame[p++] : 0;
    if (next === CLOSE_BRACE && nested) {
      nested = false;
      record(spans, layout.nestedSlot, OBJECT, nestedStart, p);
      next = p < n ? frame[p++] : 0;
    }
    if (next === COMMA) continue;
    return next === CLOSE_BRACE && !nested && p === n;
  }
}

/** True when `frame[start, end)` holds exactly the bytes of `expected`. */
export function sameBytes(frame: Buffer, start: number, end: number, expected: Buffer): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (frame[start + i] !== expected[i]) return false;
  return true;
}

function slotOf(frame: Buffer, table: KeyTable, start: number, end: number): number {
  const candidates = table[end - start];
  if (candidates === undefined) return NO_SLOT;
  for (let c = 0; c < candidates.length; c++) {
    if (sameBytes(frame, start, end, candidates[c][0])) return candidates[c][1];
  }
  return NO_SLOT;
}

function record(spans: FieldSpans, slot: number, kind: number, start: number, end: number): void {
  if (slot === NO_SLOT) return;
  spans.kinds[slot] = kind;
  spans.starts[slot] = start;
  spans.ends[slot] = end;
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

/** Up to 15 significant digits a decimal is exact as an integer (below 2^53). */
const MAX_EXACT_DIGITS = 15;
/** 10^22 is the largest power of ten a double holds exactly. */
const MAX_EXACT_POWER = 22;
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_POWER + 1 }, (_, i) => 10 ** i);

/**
 * The bytes as a number when they are digits with at most one inner dot, at most 15 significant digits
 * (leading zeros do not count: "0.00000001234" is fine) and 22 decimals; NaN for anything else. Mantissa
 * and power of ten are then both exact doubles, so their one correctly rounded quotient is what `+text`
 * gives.
 */
export function plainDecimal(frame: Buffer, start: number, end: number): number {
  let mantissa = 0;
  let dot = -1;
  let significant = 0;
  for (let i = start; i < end; i++) {
    const c = frame[i];
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) significant++;
    } else if (c === DOT && dot < 0 && i > start && i + 1 < end) dot = i;
    else return NaN;
  }
  if (start === end || significant > MAX_EXACT_DIGITS) return NaN;
  if (dot < 0) return mantissa;
  const decimals = end - dot - 1;
  return decimals > MAX_EXACT_POWER ? NaN : mantissa / POWERS_OF_TEN[decimals];
}

/**
 * Where the decimal digits in `frame[start, end)` begin once leading zeros are skipped (the last digit is
 * kept, so "000" reads as "0"); -1 when the range is empty or holds anything but digits.
 */
export function digitsStart(frame: Buffer, start: number, end: number): number {
  if (start >= end) return -1;
  for (let i = start; i < end; i++) if (!isDigit(frame[i])) return -1;
  let first = start;
  while (first < end - 1 && frame[first] === ZERO) first++;
  return first;
}

const NANOS_DIGITS = 6;
/** Doubles below 10^19 (< 2^64) are at most 2048 apart; two spacings cover every rounding. */
const MAX_ROUNDED_DIGITS = 19;
const ROUNDING_MARGIN = 4096;

/**
 * floor(v / 1e6) for the decimal digits v in `frame[start, end)`, a time in nanoseconds read as
 * milliseconds by cutting off the last six digits; NaN when they are not digits, or the milliseconds have
 * more than 15 digits (not exact here).
 *
 * With `rounded`, v is a JSON number, and nanosToMillis (frame-values) sees it only after JSON.parse has
 * rounded it to a double, up to half a spacing away, then adds that half spacing back. For v up to 15
 * digits nothing was rounded. For 16 to 19 digits, the same millisecond comes out whenever v's last six
 * digits leave more than two spacings before the next millisecond; else NaN, and the caller asks
 * nanosToMillis. KuCoin's times are whole milliseconds (last six digits 0), far from that edge.
 */
export function nanosDigitsToMillis(frame: Buffer, start: number, end: number, rounded: boolean): number {
  const digits = end - start;
  const split = end - NANOS_DIGITS;
  if (digits === 0 || split - start > MAX_EXACT_DIGITS) return NaN;
  let millis = 0;
  let nanos = 0;
  for (let i = start; i < end; i++) {
    const c = frame[i];
    if (c < ZERO || c > NINE) return NaN;
    if (i < split) millis = millis * 10 + (c - ZERO);
    else nanos = nanos * 10 + (c - ZERO);
  }
  if (rounded && digits > MAX_EXACT_DIGITS) {
    if (digits > MAX_ROUNDED_DIGITS || nanos >= 1e6 - ROUNDING_MARGIN) return NaN;
  }
  return millis;
}
