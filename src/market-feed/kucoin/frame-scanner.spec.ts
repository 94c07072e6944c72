import fc from 'fast-check';
import type { MarketType, Tick } from '../../domain/market';
import { SimulatorBook, TOPIC_PREFIX, frames } from '../../exchange-simulator/simulator-book';
import { isTick, parseFrame } from './frame-parser';
import { scanFrame } from './frame-scanner';

const SPOT =
  '{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"sequence":"1545896668986","price":"67220","size":"0.0043","bestAsk":"67218.7","bestAskSize":"1.92","bestBid":"67218.6","bestBidSize":"0.01","time":1729757723612}}';
const FUTURES =
  '{"topic":"/contractMarket/ticker:XBTUSDTM","type":"message","subject":"ticker","sn":1709284589209,"data":{"symbol":"XBTUSDTM","sequence":1709284589209,"side":"buy","size":1,"price":"88987.5","bestBidSize":713,"bestBidPrice":"88987.4","bestAskPrice":"88987.6","tradeId":"1","bestAskSize":1037,"ts":1731665526461000000}}';
const REAL: ReadonlyArray<readonly [MarketType, string]> = [
  ['spot', SPOT],
  ['futures', FUTURES],
];

/** Scans the bytes and checks the answer is undefined or exactly parseFrame's tick; returns the answer. */
function scanAgreeing(market: MarketType, frame: Buffer | string, receivedAt = 5): Tick | undefined {
  const bytes = typeof frame === 'string' ? Buffer.from(frame, 'utf8') : frame;
  const scanned = scanFrame(market, bytes, receivedAt);
  if (scanned !== undefined) {
    const parsed = parseFrame(market, bytes.toString('utf8'), receivedAt);
    expect(isTick(parsed)).toBe(true);
    expect(scanned).toStrictEqual(parsed);
  }
  return scanned;
}

function simulatorFrame(market: MarketType, symbol: string, price: number): string {
  const book = new SimulatorBook(market);
  return book.pushFrame(symbol, book.set(symbol, price));
}

describe('scanFrame', () => {
  it.each([
    ['spot', SPOT],
    ['futures', FUTURES],
    ['spot', simulatorFrame('spot', 'ETH-USDT', 2512.37)],
    ['futures', simulatorFrame('futures', 'ETHUSDTM', 0.00001234)],
  ] as const)('takes the fast path for a real %s push', (market, text) => {
    expect(scanAgreeing(market, text)).toBeDefined();
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

describe('scanFrame on generated frames', () => {
  const json = (value: unknown): string => JSON.stringify(value);
  const positive = fc.double({ min: 1e-12, max: 1e12, noNaN: true });
  const priceText = fc
    .oneof(
      fc.tuple(positive, fc.integer({ min: 1, max: 21 })).map(([d, digits]) => d.toPrecision(digits)),
      positive.map(String),
      fc.nat().map(String),
      fc.constantFrom('0', '-1', '', 'abc', ' 5', '1e3', '007.5', '5.', '.5', 'Infinity'),
    )
    .map(json);
  const anyValue = fc.oneof(
    priceText,
    fc.string({ unit: 'binary' }).map(json),
    fc
      .string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u00a0', 'é', '😀', 'a', '1', '.') })
      .map(json),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(json),
    fc.constantFrom('null', 'true', 'false', '{}', '[]', '{"a":1}', '-0', '1e3', '1E+400', '0.10'),
    fc.jsonValue({ maxDepth: 2 }).map(json),
  );
  const plainValue = fc.oneof(
    priceText,
    fc.nat().map(String),
    fc.string({ unit: fc.constantFrom(...'aZ09.:/-'), maxLength: 12 }).map(json),
  );
  const symbol = fc
    .tuple(
      fc.noBias(fc.nat(9)),
      fc.constantFrom('BTC-USDT', 'XBTUSDTM', 'ETH-USDT'),
      fc.constantFrom('all', ''),
      fc.string({ unit: 'binary-ascii' }),
      fc.string({ unit: 'binary' }),
    )
    .map(([pick, ...choices]) => choices[Math.max(0, pick - 6)]);
  const orAny = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.tuple(fc.noBias(fc.nat(9)), arb, anyValue).map(([pick, usual, other]) => (pick === 9 ? other : usual));
  const KEYS = ['type', 'topic', 'subject', 'data', 'price', 'bestBid', 'bestAsk', 'time'];

  /** An object's JSON text: each field usually present, plus extra (possibly duplicate) keys, in any order. */
  function objectText(fields: Record<string, fc.Arbitrary<string>>, keys: string[]): fc.Arbitrary<string> {
    const present = Object.entries(fields).map(([key, value]) =>
      fc
        .tuple(fc.noBias(fc.nat(11)), value)
        .map(([pick, text]): [string, string] | undefined => (pick === 0 ? undefined : [key, text])),
    );
    const extraKey = fc.oneof(
      fc.constantFrom(...keys),
      fc.string({ unit: fc.constantFrom(...'abcxyz'), minLength: 1, maxLength: 6 }),
      fc.string(),
    );
    const extra = fc.array(fc.tuple(extraKey, orAny(plainValue)), { maxLength: 3 });
    return fc
      .tuple(fc.tuple(...present), extra)
      .chain(([fixed, more]) => {
        const entries = [...fixed.filter((e) => e !== undefined), ...more];
        return fc.shuffledSubarray(entries, { minLength: entries.length });
      })
      .map((entries) => `{${entries.map(([key, text]) => `${json(key)}:${text}`).join(',')}}`);
  }

  function frameText(market: MarketType): fc.Arbitrary<string> {
    const time = orAny(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 20n })).map(String));
    const data =
      market === 'spot'
        ? objectText(
            { price: orAny(priceText), bestBid: orAny(priceText), bestAsk: orAny(priceText), time },
            KEYS,
          )
        : objectText(
            {
              symbol: orAny(symbol.map(json)),
              price: orAny(priceText),
              bestBidPrice: orAny(priceText),
              bestAskPrice: orAny(priceText),
              ts: time,
            },
            ['symbol', 'price', 'bestBidPrice', 'bestAskPrice', 'ts'],
          );
    return objectText(
      {
        type: fc.oneof(
          { arbitrary: fc.constant('"message"'), weight: 6 },
          { arbitrary: fc.constantFrom('"welcome"', '"ack"', '"pong"', '"error"', '"notice"'), weight: 1 },
          { arbitrary: anyValue, weight: 1 },
        ),
        topic: orAny(symbol.map((s) => json(`${TOPIC_PREFIX[market]}${s}`))),
        subject: orAny(
          fc.oneof(
            { arbitrary: fc.constant(json(market === 'spot' ? 'trade.ticker' : 'ticker')), weight: 4 },
            { arbitrary: symbol.map(json), weight: 1 },
          ),
        ),
        data: orAny(data),
      },
      KEYS,
    );
  }

  it("answers undefined or exactly parseFrame's tick for generated frames", () => {
    const market = fc.constantFrom<MarketType>('spot', 'futures');
    fc.assert(
      fc.property(
        market.chain((m) => fc.tuple(fc.constant(m), frameText(m))),
        ([m, text]) => void scanAgreeing(m, text),
      ),
      { numRuns: 1000 },
    );
  });

  it.each(['spot', 'futures'] as const)('takes the fast path for many generated %s frames', (market) => {
    const sample = fc.sample(frameText(market), { numRuns: 500, seed: 7 });
    const accepted = sample.filter((text) => scanFrame(market, Buffer.from(text), 1) !== undefined);
    expect(accepted.length).toBeGreaterThan(50);
  });

  const byte = fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(...[...'"\\:,{}[]0-.e9 '].map((c) => c.charCodeAt(0)), 0xa0, 0xc3, 0xff),
  );
  const mutation = fc.tuple(
    fc.constantFrom('truncate', 'replace', 'insert', 'space', 'delete'),
    fc.nat(),
    byte,
  );

  function mutate(frame: Buffer, [kind, position, value]: [string, number, number]): Buffer {
    const at = position % (frame.length + 1);
    const [head, tail] = [frame.subarray(0, at), frame.subarray(at)];
    if (kind === 'truncate') return head;
    if (kind === 'insert' || kind === 'space')
      return Buffer.concat([head, Buffer.from([kind === 'space' ? 0x20 : value]), tail]);
    if (tail.length === 0) return frame;
    return Buffer.concat([
      head,
      kind === 'replace' ? Buffer.from([value]) : Buffer.alloc(0),
      tail.subarray(1),
    ]);
  }

  it("answers undefined or exactly parseFrame's tick for mutated real frames", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REAL),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        ([m, text], edits) => {
          scanAgreeing(m, edits.reduce(mutate, Buffer.from(text, 'utf8')));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
