import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarketType, Tick } from '../../../src/domain/market';
import { isTick, parseFrame } from '../../../src/market-feed/kucoin/frame-parser';
import { scanFrame } from '../../../src/market-feed/kucoin/frame-scanner';

/** Frames and checks shared by the frame parser and scanner specs. */

const FIXTURES = join(__dirname, '../../fixtures/kucoin');

/**
 * A recorded frame from test/fixtures/kucoin (see its README) as it came off the wire: the pretty-printed
 * file with the whitespace between tokens dropped. Not JSON.parse + stringify: that would round the
 * nanosecond times and lose the point of a recording.
 */
export function recordedFrame(name: string): string {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      out += c;
      inString = true;
    } else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') {
      out += c;
    }
  }
  return out;
}

export const SPOT_TICKER = recordedFrame('spot-ticker.json');
export const FUTURES_TICKER =
  '{"topic":"/contractMarket/ticker:XBTUSDTM","type":"message","subject":"ticker","sn":1709284589209,"data":{"symbol":"XBTUSDTM","sequence":1709284589209,"side":"buy","size":1,"price":"88987.5","bestBidSize":713,"bestBidPrice":"88987.4","bestAskPrice":"88987.6","tradeId":"1","bestAskSize":1037,"ts":1731665526461000000}}';
export const SPOT_MATCH = recordedFrame('spot-match.json');
export const FUTURES_EXECUTION = recordedFrame('futures-execution.json');

/** Scans the bytes and checks the answer is undefined or exactly parseFrame's tick; returns the answer. */
export function scanAgreeing(market: MarketType, frame: Buffer | string, receivedAt = 5): Tick | undefined {
  const bytes = typeof frame === 'string' ? Buffer.from(frame, 'utf8') : frame;
  const scanned = scanFrame(market, bytes, receivedAt);
  if (scanned !== undefined) {
    const parsed = parseFrame(market, bytes.toString('utf8'), receivedAt);
    expect(isTick(parsed)).toBe(true);
    expect(scanned).toStrictEqual(parsed);
  }
  return scanned;
}

const byte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(...[...'"\\:,{}[]0-.e9 '].map((c) => c.charCodeAt(0)), 0xa0, 0xc3, 0xff),
);
export type Mutation = [kind: string, position: number, value: number];
/** One byte truncated after, replaced, inserted, deleted, or a space inserted. */
export const mutation: fc.Arbitrary<Mutation> = fc.tuple(
  fc.constantFrom('truncate', 'replace', 'insert', 'space', 'delete'),
  fc.nat(),
  byte,
);

export function mutate(frame: Buffer, [kind, position, value]: Mutation): Buffer {
  const at = position % (frame.length + 1);
  const [head, tail] = [frame.subarray(0, at), frame.subarray(at)];
  if (kind === 'truncate') return head;
  if (kind === 'insert' || kind === 'space')
    return Buffer.concat([head, Buffer.from([kind === 'space' ? 0x20 : value]), tail]);
  if (tail.length === 0) return frame;
  return Buffer.concat([head, kind === 'replace' ? Buffer.from([value]) : Buffer.alloc(0), tail.subarray(1)]);
}
