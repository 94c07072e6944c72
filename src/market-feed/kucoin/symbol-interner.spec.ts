import fc from 'fast-check';
import { SymbolInterner } from './symbol-interner';

function framed(text: string, before = '{"topic":"', after = '"}'): [Buffer, number, number] {
  const source = Buffer.from(`${before}${text}${after}`, 'utf8');
  return [source, Buffer.byteLength(before), source.length - Buffer.byteLength(after)];
}

describe('SymbolInterner', () => {
  it('returns the text of the byte range', () => {
    const interner = new SymbolInterner();
    expect(interner.intern(...framed('BTC-USDT'))).toBe('BTC-USDT');
    expect(interner.intern(...framed('XBTUSDTM', '/contractMarket/ticker:', ''))).toBe('XBTUSDTM');
  });

  it('decodes non-ASCII bytes as UTF-8, as the frame parser does', () => {
    expect(new SymbolInterner().intern(...framed('BTC-ÜSDT'))).toBe('BTC-ÜSDT');
  });

  it('returns the same text for the same bytes in different buffers', () => {
    const interner = new SymbolInterner();
    const first = interner.intern(...framed('ETH-USDT'));
    interner.intern(...framed('SOL-USDT'));
    expect(interner.intern(...framed('ETH-USDT', 'x:', ''))).toBe(first);
    expect(interner.intern(...framed('SOL-USDT', ':', ','))).toBe('SOL-USDT');
  });

  it('slices a new string only for bytes it has not seen', () => {
    const interner = new SymbolInterner();
    const slices = jest.spyOn(Buffer.prototype, 'toString');
    try {
      interner.intern(...framed('BTC-USDT'));
      interner.intern(...framed('BTC-USDT'));
      interner.intern(...framed('ETH-USDT'));
      interner.intern(...framed('BTC-USDT'));
      expect(slices).toHaveBeenCalledTimes(2);
    } finally {
      slices.mockRestore();
    }
  });

  it('tells apart symbols that differ in one byte or in length', () => {
    const interner = new SymbolInterner();
    const symbols = ['BTC-USDT', 'BTC-USDC', 'BTC-USD', 'BTC-USDTT', 'ETH-USDT'];
    for (let round = 0; round < 2; round++) {
      expect(symbols.map((s) => interner.intern(...framed(s)))).toEqual(symbols);
    }
  });

  it('returns the right text for an empty range and for one longer than maxLength', () => {
    const interner = new SymbolInterner(8, 4);
    expect(interner.intern(...framed(''))).toBe('');
    expect(interner.intern(...framed('LONGER-THAN-FOUR'))).toBe('LONGER-THAN-FOUR');
    expect(interner.intern(...framed('LONGER-THAN-FOUR'))).toBe('LONGER-THAN-FOUR');
    expect(interner.intern(...framed('ABCD'))).toBe('ABCD');
  });

  it('always returns the right text however symbols collide and evict each other', () => {
    const ascii = fc.string({ unit: 'binary-ascii', maxLength: 10 });
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8),
        fc.uniqueArray(ascii, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), ascii, ascii), { minLength: 1, maxLength: 60, size: 'max' }),
        (capacity, pool, calls) => {
          const interner = new SymbolInterner(capacity, 6);
          for (const [pick, before, after] of calls) {
            const symbol = pool[pick % pool.length];
            expect(interner.intern(...framed(symbol, before, after))).toBe(symbol);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([0, 1, 3, 6, 100, 8191])('rejects a capacity of %s, not a power of two', (capacity) => {
    expect(() => new SymbolInterner(capacity)).toThrow(/power of two/);
  });

  it.each([0, 256])(
    'rejects a maxLength of %s, which its byte-sized length table cannot hold',
    (maxLength) => {
      expect(() => new SymbolInterner(16, maxLength)).toThrow(/maxLength/);
    },
  );

  it.each([2, 16, 8192])('accepts a capacity of %s', (capacity) => {
    expect(new SymbolInterner(capacity).intern(...framed('BTC-USDT'))).toBe('BTC-USDT');
  });
});
