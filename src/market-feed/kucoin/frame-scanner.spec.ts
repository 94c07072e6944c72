import type { MarketType } from '../../domain/market';
import { SimulatorBook, frames } from '../../../tools/exchange-simulator/simulator-book';
import { scanFrame } from './frame-scanner';
import {
  FUTURES_EXECUTION,
  FUTURES_TICKER as FUTURES,
  SPOT_MATCH,
  SPOT_TICKER as SPOT,
  recordedFrame,
  scanAgreeing,
} from '../../../test/support/doubles/frame-samples';

const REAL: ReadonlyArray<readonly [MarketType, string]> = [
  ['spot', SPOT],
  ['futures', FUTURES],
  ['spot', SPOT_MATCH],
  ['futures', FUTURES_EXECUTION],
];

function simulatorFrame(market: MarketType, symbol: string, price: number): string {
  const book = new SimulatorBook(market);
  return book.pushFrame(symbol, book.set(symbol, price));
}

describe('scanFrame', () => {
  it.each([
    ['spot', SPOT],
    ['futures', FUTURES],
    ['futures', recordedFrame('futures-ticker-v1-sdk.json')],
  ] as const)('takes the fast path for a real %s push', (market, text) => {
    expect(scanAgreeing(market, text)).toBeDefined();
  });

  it.each([
    ['spot', 'ETH-USDT', 2512.37],
    ['futures', 'ETHUSDTM', 0.00001234],
  ] as const)("takes the fast path for the simulator's %s ticker push", (market, symbol, price) => {
    // Built inside the test: the simulator is not this file's, and a change there should fail one test only.
    expect(scanAgreeing(market, simulatorFrame(market, symbol, price))).toBeDefined();
  });

  it.each([
    ['"67220"', 67220],
    ['"0.00001234"', 0.00001234],
    ['"25.36977"', 25.36977],
    ['"0.1"', 0.1],
    ['"67220.5"', 67220.5],
    ['"123456789012345"', 123456789012345],
    ['"1234567890.12345"', 1234567890.12345],
    ['"007.5"', 7.5],
    ['67220.5', 67220.5],
    ['42', 42],
  ])('reads price %s as %s', (price, expected) => {
    const tick = scanAgreeing('spot', SPOT.replace('"price":"67220"', `"price":${price}`));
    expect(tick?.price).toBe(expected);
  });

  it.each([
    '"12345678901234567"',
    '"0.12345678901234567891"',
    '"9007199254740993"',
    '"1e3"',
    '"1E-3"',
    '"5."',
    '".5"',
    '"0x10"',
    '" 5"',
    '"5 "',
    '"0"',
    '"0.0"',
    '"-1"',
    '"+1"',
    '""',
    '"abc"',
    '"Infinity"',
    '"1e400"',
    '1e3',
    '0',
    '-0',
    '-1',
    '1e400',
    '123456789012345678901',
  ])('agrees with parseFrame on price %s', (price) => {
    for (const field of ['price', 'bestBid', 'bestAsk']) {
      scanAgreeing('spot', SPOT.replace(new RegExp(`"${field}":"[^"]*"`), `"${field}":${price}`));
    }
    for (const field of ['price', 'bestBidPrice', 'bestAskPrice', 'ts']) {
      scanAgreeing(
        'futures',
        FUTURES.replace(new RegExp(`"${field}":("[^"]*"|\\d+)`), `"${field}":${price}`),
      );
    }
  });

  it('drops an unusable best bid and a missing best ask as parseFrame does', () => {
    const frame = SPOT.replace('"bestBid":"67218.6"', '"bestBid":"0"').replace('"bestAsk":"67218.7",', '');
    const tick = scanAgreeing('spot', frame);
    expect(tick).toBeDefined();
    expect(tick).toHaveProperty('bestBid', undefined);
    expect(tick).toHaveProperty('bestAsk', undefined);
  });

  it.each([
    frames.welcome('1'),
    frames.ack('2'),
    frames.pong('3'),
    frames.error('4', 401, 'token is invalid'),
    '{}',
    '',
    'not json',
    SPOT.slice(0, -1),
    SPOT.slice(0, 100),
    `${SPOT}}`,
    `${SPOT} `,
    ` ${SPOT}`,
    SPOT.replace('"type":"message"', '"type": "message"'),
    SPOT.replace('"data":{', '"data": {'),
    SPOT.replace('}}', '}\n}'),
    SPOT.replace('"size"', '"si\\u007ae"'),
    SPOT.replace('"price":"67220"', '"price":"6722\\u0030"'),
    FUTURES.replace('"side":"buy"', '"side":"b\\"uy"'),
    SPOT.replace('"time":1729757723612', '"time":null'),
    SPOT.replace('"size":"0.0043"', '"size":true'),
    SPOT.replace('"size":"0.0043"', '"size":[1]'),
    SPOT.replace('"size":"0.0043"', '"size":{"a":1}'),
    SPOT.replace('"subject":"trade.ticker"', '"subject":{}'),
    SPOT.replace('"price":"67220"', '"price":"abc"'),
    SPOT.replace('/market/ticker:BTC-USDT', '/market/ticker:'),
    SPOT.replace('/market/ticker:BTC-USDT', '/market/ticker'),
    SPOT.replace('"trade.ticker"', '"trade.snapshot"'),
    SPOT.replace('/market/ticker:BTC-USDT', '/market/ticker:all'),
    SPOT.replace('/market/ticker:BTC-USDT', '/market/ticker:all').replace('trade.ticker', 'ETH-USDT'),
  ])('leaves %s to parseFrame', (text) => {
    expect(scanFrame('spot', Buffer.from(text, 'utf8'), 5)).toBeUndefined();
  });

  it('leaves a futures frame without any symbol to parseFrame', () => {
    const frame = FUTURES.replace('"symbol":"XBTUSDTM",', '').replace(':XBTUSDTM', '');
    expect(scanFrame('futures', Buffer.from(frame), 5)).toBeUndefined();
  });

  it.each([
    ['spot', SPOT.replace('"size":"0.0043"', '"size":"0,0043 ü"')],
    ['spot', SPOT.replace('BTC-USDT', 'BTC-ÜSDT')],
    ['spot', SPOT.replace('BTC-USDT', 'BTC-😀')],
    ['futures', FUTURES.replace('"symbol":"XBTUSDTM"', '"symbol":"XBTÜSDTM"')],
  ] as const)('agrees with parseFrame on non-ASCII text: %s %s', (market, text) => {
    scanAgreeing(market, text);
  });

  it.each([
    ['before', '"price":"'],
    ['after', '"price":"67220'],
  ])('agrees with parseFrame on an invalid UTF-8 byte %s a price', (_, prefix) => {
    const at = SPOT.indexOf(prefix) + prefix.length;
    const frame = Buffer.concat([
      Buffer.from(SPOT.slice(0, at)),
      Buffer.from([0xa0]),
      Buffer.from(SPOT.slice(at)),
    ]);
    scanAgreeing('spot', frame);
  });

  it('lets the last of duplicate keys win as JSON.parse does', () => {
    const data = SPOT.slice(SPOT.indexOf('"data":'), -1);
    expect(scanAgreeing('spot', SPOT.replace('"price":"67220"', '"price":"1","price":"2"'))?.price).toBe(2);
    expect(scanAgreeing('spot', SPOT.replace('"data":', '"data":{"price":"3"},"data":'))?.price).toBe(67220);
    expect(scanAgreeing('spot', SPOT.replace(/}$/, `,${data.replace('67220', '4')}}`))?.price).toBe(4);
    expect(scanAgreeing('spot', SPOT.replace(/}$/, ',"data":{}}'))).toBeUndefined();
    expect(scanAgreeing('spot', SPOT.replace(/}$/, ',"data":"x"}'))).toBeUndefined();
    expect(scanAgreeing('spot', SPOT.replace('"subject"', '"subject":"x","subject"'))).toBeDefined();
    expect(scanAgreeing('spot', SPOT.replace(/}$/, ',"subject":"x"}'))).toBeUndefined();
  });

  it('accepts any key order', () => {
    for (const [market, text] of REAL) {
      const { data, ...top } = JSON.parse(text) as { data: object };
      const reversed = Object.fromEntries(Object.entries(data).reverse());
      const frame = JSON.stringify({ data: reversed, ...Object.fromEntries(Object.entries(top).reverse()) });
      expect(scanAgreeing(market, frame)).toBeDefined();
    }
  });

  it('gives the same symbol text for the same symbol in different frames', () => {
    const first = scanFrame('spot', Buffer.from(SPOT), 1);
    scanFrame('spot', Buffer.from(SPOT.replace(/BTC-USDT/g, 'ETH-USDT')), 2);
    const second = scanFrame('spot', Buffer.from(`${SPOT}`), 3);
    expect(first?.symbol).toBe('BTC-USDT');
    expect(second?.symbol).toBe(first?.symbol);
  });
});
