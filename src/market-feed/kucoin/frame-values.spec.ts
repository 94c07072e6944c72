import fc from 'fast-check';
import { nanosToMillis, parsePrice, tradeSequence } from './frame-values';

describe('parsePrice', () => {
  it('accepts finite positive numbers only', () => {
    expect(parsePrice('1.5')).toBe(1.5);
    expect(parsePrice(2)).toBe(2);
    for (const bad of ['0', '-2', 'NaN', '1e400', undefined, {}, Infinity]) expect(parsePrice(bad)).toBeNaN();
  });
});

describe('nanosToMillis', () => {
  const NOW_MS = 1_731_898_619_520;

  it('cuts a digit string exactly, however many digits', () => {
    expect(nanosToMillis('1729843222921000000')).toBe(1729843222921);
    expect(nanosToMillis('1729843222921999999')).toBe(1729843222921);
    expect(nanosToMillis('0001729843222921000001')).toBe(1729843222921);
    expect(nanosToMillis('999999')).toBe(0);
    expect(nanosToMillis('9007199254740991000000')).toBe(9007199254740991);
    expect(nanosToMillis('9007199254740992000000')).toBeNaN();
  });

  it('reads every whole millisecond back from its rounded nanosecond number', () => {
    // A plain floor(n / 1e6) reads one in eight of these 1 ms early (e.g. …522000000 rounds to …521999872).
    expect(Math.floor(Number(`${NOW_MS + 2}000000`) / 1e6)).toBe(NOW_MS + 1);
    for (let ms = NOW_MS; ms < NOW_MS + 20_000; ms++) {
      if (nanosToMillis(Number(`${ms}000000`)) !== ms) throw new Error(`${ms} read back wrong`);
    }
  });

  /** Any time up to 10^19 ns, often within a few spacings of a millisecond boundary. */
  const nanos = fc.oneof(
    fc.bigInt({ min: 1n, max: 10n ** 19n }),
    fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 13n - 1n }), fc.integer({ min: -5000, max: 5000 }))
      .map(([ms, offset]) => ms * 1_000_000n + BigInt(offset)),
  );

  it('gives floor(ns / 1e6) of the true value except within two spacings below a millisecond', () => {
    fc.assert(
      fc.property(nanos, (ns) => {
        const n = Number(ns);
        const exact = Number(ns / 1_000_000n);
        const millis = nanosToMillis(n);
        if (ns < 2n ** 53n || ns % 1_000_000n < 1_000_000n - 4096n) expect(millis).toBe(exact);
        else expect([exact, exact + 1]).toContain(millis);
        expect(nanosToMillis(ns.toString())).toBe(exact);
      }),
      { numRuns: 2_000 },
    );
  });

  it('equals the exact integer arithmetic for every double from 2^53 up to 1e21', () => {
    const reference = (n: number): number => {
      let half = 1n;
      while (BigInt(n) >= 2n ** 54n * half) half *= 2n;
      return Number((BigInt(n) + half) / 1_000_000n);
    };
    const doubles = fc.oneof(
      fc.double({ min: 2 ** 53, max: 1e21, noNaN: true }),
      fc.bigInt({ min: 2n ** 53n, max: 10n ** 19n }).map(Number),
      fc.integer({ min: 100, max: 10_000_000 }).map((k) => Number(BigInt(k) * 10n ** 14n - 1n)),
    );
    fc.assert(
      fc.property(doubles, (n) => {
        if (n < 1e21) expect(nanosToMillis(n)).toBe(reference(n));
      }),
      { numRuns: 5_000 },
    );
  });

  it('is NaN for what is not a time', () => {
    for (const bad of [undefined, null, true, {}, -1, -1e18, NaN, Infinity, 1e21, '-5', 'abc', '1e400'])
      expect(nanosToMillis(bad)).toBeNaN();
    expect(nanosToMillis('')).toBe(0);
    expect(nanosToMillis(999_999)).toBe(0);
    expect(nanosToMillis(2_000_000.5)).toBe(2);
  });
});

describe('tradeSequence', () => {
  it('keeps digit strings exactly, without leading zeros', () => {
    expect(tradeSequence('11067996711960577')).toBe('11067996711960577');
    expect(tradeSequence('123456789012345678901234567890')).toBe('123456789012345678901234567890');
    expect(tradeSequence('00042')).toBe('42');
    expect(tradeSequence('000')).toBe('0');
  });

  it('turns safe integers into their digits', () => {
    expect(tradeSequence(1794100537695)).toBe('1794100537695');
    expect(tradeSequence(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(tradeSequence(0)).toBe('0');
    expect(tradeSequence(-0)).toBe('0');
  });

  it('refuses what cannot order trades', () => {
    for (const bad of ['', ' 1', '1.5', '-1', '1e3', '١٢', 2 ** 53, 1.5, -1, NaN, null, undefined, {}])
      expect(tradeSequence(bad)).toBeUndefined();
  });
});
