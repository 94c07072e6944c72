import fc from 'fast-check';
import type { MarketType } from '../../../src/domain/market';

/**
 * Frame generators for the scanner's property specs: the JSON text of ticker and trade pushes whose every
 * field is usually well formed and sometimes anything at all, with extra keys in any order, so that both
 * the fast path and each way out of it are exercised.
 */

const json = (value: unknown): string => JSON.stringify(value);
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

const positive = fc.double({ min: 1e-12, max: 1e12, noNaN: true });
/** Price texts: short and long decimals, up to 25 digits with the dot anywhere, and some invalid ones. */
const priceText = fc
  .oneof(
    fc.tuple(positive, fc.integer({ min: 1, max: 21 })).map(([d, n]) => d.toPrecision(n)),
    positive.map(String),
    fc.nat().map(String),
    fc
      .tuple(digits(1, 25), fc.nat())
      .map(([d, at]) => (d.length < 2 ? d : `${d.slice(0, 1 + (at % (d.length - 1)))}.${d.slice(1)}`)),
    fc.tuple(digits(0, 20), digits(1, 8)).map(([zeros, d]) => `0.${'0'.repeat(zeros.length)}${d}`),
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

/** The usual value nine times in ten, else anything; always the usual one in a clean frame. */
const orAny = (arb: fc.Arbitrary<string>, noisy = true): fc.Arbitrary<string> =>
  noisy
    ? fc
        .tuple(fc.noBias(fc.nat(9)), arb, anyValue)
        .map(([pick, usual, other]) => (pick === 9 ? other : usual))
    : arb;

/**
 * An object's JSON text: each field usually present (always, in a clean frame), plus extra (possibly
 * duplicate) keys, in any order.
 */
function objectText(fields: Record<string, fc.Arbitrary<string>>, noisy = true): fc.Arbitrary<string> {
  const keys = Object.keys(fields);
  const present = Object.entries(fields).map(([key, value]) =>
    fc
      .tuple(fc.noBias(fc.nat(11)), value)
      .map(([pick, text]): [string, string] | undefined => (pick === 0 && noisy ? undefined : [key, text])),
  );
  const extraKey = fc.oneof(
    fc.constantFrom(...keys),
    fc.string({ unit: fc.constantFrom(...'abcxyz'), minLength: 1, maxLength: 6 }),
    fc.string(),
  );
  const unknownKey = fc.string({ unit: fc.constantFrom(...'abcxyzé_'), minLength: 1, maxLength: 8 });
  const extra = fc.array(fc.tuple(noisy ? extraKey : unknownKey, orAny(plainValue, noisy)), { maxLength: 3 });
  return fc
    .tuple(fc.tuple(...present), extra)
    .chain(([fixed, more]) => {
      const entries = [...fixed.filter((e) => e !== undefined), ...more];
      return fc.shuffledSubarray(entries, { minLength: entries.length });
    })
    .map((entries) => `{${entries.map(([key, text]) => `${json(key)}:${text}`).join(',')}}`);
}

const TICKER_TOPIC: Record<MarketType, string> = {
  spot: '/market/ticker:',
  futures: '/contractMarket/ticker:',
};
const TRADE_TOPIC: Record<MarketType, string> = {
  spot: '/market/match:',
  futures: '/contractMarket/execution:',
};
const TICKER_SUBJECT: Record<MarketType, string> = { spot: 'trade.ticker', futures: 'ticker' };
const TRADE_SUBJECT: Record<MarketType, string> = { spot: 'trade.l3match', futures: 'match' };

/** A push's top level; a clean one is always a message with the expected subject and a topic. */
function pushText(
  market: MarketType,
  topic: string,
  subject: string,
  data: fc.Arbitrary<string>,
  noisy = true,
): fc.Arbitrary<string> {
  const otherSubject = subject === TICKER_SUBJECT[market] ? TRADE_SUBJECT[market] : TICKER_SUBJECT[market];
  return objectText(
    {
      type: noisy
        ? fc.oneof(
            { arbitrary: fc.constant('"message"'), weight: 6 },
            { arbitrary: fc.constantFrom('"welcome"', '"ack"', '"pong"', '"error"', '"notice"'), weight: 1 },
            { arbitrary: anyValue, weight: 1 },
          )
        : fc.constant('"message"'),
      topic: orAny(
        symbol.map((s) => json(`${topic}${s}`)),
        noisy,
      ),
      subject: noisy
        ? orAny(
            fc.oneof(
              { arbitrary: fc.constant(json(subject)), weight: 8 },
              // the other kind's subject: a trade's fields read as a ticker's and the other way round
              { arbitrary: fc.constant(json(otherSubject)), weight: 1 },
              { arbitrary: symbol.map(json), weight: 1 },
            ),
          )
        : fc.constant(json(subject)),
      sn: fc.nat().map(String),
      data: orAny(data, noisy),
    },
    noisy,
  );
}

/** A ticker push (spot /market/ticker, futures /contractMarket/ticker). */
export function tickerFrameText(market: MarketType): fc.Arbitrary<string> {
  const time = orAny(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 20n })).map(String));
  const data =
    market === 'spot'
      ? objectText({
          sequence: orAny(sequenceText('spot')),
          price: orAny(priceText),
          bestBid: orAny(priceText),
          bestAsk: orAny(priceText),
          time,
        })
      : objectText({
          symbol: orAny(symbol.map(json)),
          sequence: orAny(sequenceText('futures')),
          price: orAny(priceText),
          bestBidPrice: orAny(priceText),
          bestAskPrice: orAny(priceText),
          ts: time,
        });
  return pushText(market, TICKER_TOPIC[market], TICKER_SUBJECT[market], data);
}

const TWO_POW_53 = 2n ** 53n;
const zeros = fc.integer({ min: 1, max: 4 }).map((n) => '0'.repeat(n));
/** Nanosecond times: around now (often a few ns from a millisecond boundary), near 2^53, up to 10^22. */
const nanos = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      fc.oneof(fc.constant(0), fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 0, max: 999_999 })),
    )
    .map(([ms, offset]) => BigInt(ms) * 1_000_000n + BigInt(offset)),
  fc.bigInt({ min: TWO_POW_53 - 10n ** 7n, max: TWO_POW_53 + 10n ** 7n }),
  fc.bigInt({ min: 0n, max: 10n ** 22n }),
);

/** A time in ns: spot's usual form is a digit string, futures' a JSON number; each sees the other's too. */
function nanosText(market: MarketType): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: market === 'spot' ? 2 : 6, arbitrary: nanos.map(String) },
    { weight: market === 'spot' ? 6 : 2, arbitrary: nanos.map((n) => json(String(n))) },
    { weight: 1, arbitrary: fc.tuple(zeros, nanos).map(([z, n]) => json(`${z}${n}`)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '"1.7e18"',
        '1.7e18',
        '1731898619520000000.5',
        '-1',
        '"-1"',
        '""',
        '0',
        '"abc"',
      ),
    },
  );
}

/** A sequence: spot's usual form is a digit string past 2^53, futures' a number below it; and bad ones. */
function sequenceText(market: MarketType): fc.Arbitrary<string> {
  const number = fc.oneof(
    fc.bigInt({ min: 0n, max: 10n ** 13n }),
    fc.bigInt({ min: TWO_POW_53 - 1000n, max: TWO_POW_53 + 1000n }),
    fc.bigInt({ min: 10n ** 14n, max: 10n ** 17n }),
  );
  return fc.oneof(
    {
      weight: market === 'spot' ? 6 : 2,
      arbitrary: fc.bigInt({ min: 0n, max: 10n ** 30n }).map((n) => json(`${n}`)),
    },
    { weight: market === 'spot' ? 2 : 6, arbitrary: number.map(String) },
    { weight: 1, arbitrary: fc.tuple(zeros, number).map(([z, n]) => json(`${z}${n}`)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('""', '"1.5"', '"-1"', '-1', '1.5', '1e3', '"abc"', '" 1"', '-0'),
    },
  );
}

const orderId = fc
  .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 18, maxLength: 24 })
  .map(json);

/**
 * A trade push (spot /market/match, futures /contractMarket/execution) with all the spec's fields and
 * unknown ones. Noisy: any field may be missing or anything; clean: all there and of the right JSON kind,
 * their values still ranging over big and bad sequences, times near and past 2^53 ns, long decimals.
 */
function tradeFrameText(market: MarketType, noisy = true): fc.Arbitrary<string> {
  const common = {
    symbol: orAny(symbol.map(json), noisy),
    price: orAny(priceText, noisy),
    sequence: orAny(sequenceText(market), noisy),
    side: fc.constantFrom('"buy"', '"sell"'),
    makerOrderId: orderId,
    takerOrderId: orderId,
    tradeId: fc.bigInt({ min: 0n, max: 10n ** 19n }).map((n) => json(`${n}`)),
  };
  const data =
    market === 'spot'
      ? objectText(
          { ...common, size: priceText, time: orAny(nanosText(market), noisy), type: fc.constant('"match"') },
          noisy,
        )
      : objectText({ ...common, size: fc.nat().map(String), ts: orAny(nanosText(market), noisy) }, noisy);
  return pushText(market, TRADE_TOPIC[market], TRADE_SUBJECT[market], data, noisy);
}

/** Clean and noisy trade pushes, half and half. */
export const anyTradeFrameText = (market: MarketType): fc.Arbitrary<string> =>
  fc.oneof(tradeFrameText(market, false), tradeFrameText(market, true));
