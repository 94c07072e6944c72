import { SimulatorBook } from './simulator-book';

describe('InstrumentBook', () => {
  let now = 1_731_899_129_000;
  const futures = (): SimulatorBook => new SimulatorBook('futures', { clock: () => now });
  beforeEach(() => {
    now = 1_731_899_129_000;
  });

  it('derives the mark from the last trade until one is set, then keeps the set one', () => {
    const book = futures();
    expect(book.instruments.mark('XBTUSDTM')).toBeUndefined();
    book.append('XBTUSDTM', 90_500);
    now += 500;
    expect(book.instruments.mark('XBTUSDTM')).toEqual({
      symbol: 'XBTUSDTM',
      markPrice: 90_500,
      indexPrice: 90_500,
      time: now,
      explicit: false,
    });
    book.instruments.setMark('XBTUSDTM', 90_445.02, 90_440, now);
    book.append('XBTUSDTM', 91_000);
    expect(book.instruments.mark('XBTUSDTM')).toMatchObject({
      markPrice: 90_445.02,
      indexPrice: 90_440,
      time: now,
    });
    book.instruments.restamp('XBTUSDTM', now + 1_000);
    expect(book.instruments.mark('XBTUSDTM')).toMatchObject({
      markPrice: 90_445.02,
      time: now + 1_000,
      explicit: true,
    });
  });

  it('refuses a mark or index price that is not positive', () => {
    expect(() => futures().instruments.setMark('XBTUSDTM', 0, 1, now)).toThrow(RangeError);
    expect(() => futures().instruments.setMark('XBTUSDTM', 1, Number.NaN, now)).toThrow(RangeError);
  });

  it('lists configured, traded, marked and set contracts, not unknown ones', () => {
    const book = new SimulatorBook('futures', { tickSizes: { SOLUSDTM: 0.001 } });
    book.append('XBTUSDTM', 90_000);
    book.instruments.setMark('ETHUSDTM', 3_000, 3_001, now);
    book.instruments.setContract('XBTUSDM', { maxLeverage: 100 });
    book.append('DOGEUSDTM', 0.1);
    book.unknown.set('DOGEUSDTM', 'silent');
    expect(book.instruments.symbols()).toEqual(['SOLUSDTM', 'XBTUSDTM', 'ETHUSDTM', 'XBTUSDM']);
    expect(book.instruments.isListed('DOGEUSDTM')).toBe(false);
    expect(book.instruments.contract('DOGEUSDTM')).toBeUndefined();
    expect(book.instruments.contract('NOPEUSDTM')).toBeUndefined();
  });

  it('builds details from the live state, overrides last and merged, the tick size shared with the tape', () => {
    const book = futures();
    book.instruments.setContract('XBTUSDTM', { maintainMargin: 0.005, tickSize: 0.5 });
    book.instruments.setContract('XBTUSDTM', { status: 'Paused', symbol: 'IGNORED' });
    expect(book.tickSize('XBTUSDTM')).toBe(0.5);
    book.append('XBTUSDTM', 90_000.4);
    book.instruments.setMark('XBTUSDTM', 90_010, 90_005, now);
    expect(book.instruments.contract('XBTUSDTM')).toMatchObject({
      symbol: 'XBTUSDTM',
      maintainMargin: 0.005,
      initialMargin: 0.008,
      status: 'Paused',
      tickSize: 0.5,
      lastTradePrice: 90_000.5,
      markPrice: 90_010,
      indexPrice: 90_005,
      lowPrice: 90_000.5,
      highPrice: 90_000.5,
    });
    expect(() => book.instruments.setContract('XBTUSDTM', { tickSize: 1 })).toThrow(/can no longer change/);
  });

  it('gives an untraded contract a tick from its mark, and zero prices without one', () => {
    const book = futures();
    book.instruments.setContract('XBTUSDTM', {});
    expect(book.instruments.contract('XBTUSDTM')).toMatchObject({
      tickSize: 0.1,
      markPrice: 0,
      lastTradePrice: 0,
    });
    book.instruments.setMark('ETHUSDTM', 2_500, 2_500, now);
    expect(book.instruments.contract('ETHUSDTM')).toMatchObject({ tickSize: 0.01, markPrice: 2_500 });
  });

  it('random-walks a symbol without trades from its mark price', () => {
    const book = futures();
    book.instruments.setMark('XBTUSDTM', 90_000, 90_000, now);
    expect(Math.abs(book.walk('XBTUSDTM').price - 90_000)).toBeLessThan(200);
  });

  it('records the index of every set mark and every restamp, not of a mark derived from trades', () => {
    const book = futures();
    book.append('ETHUSDTM', 2_500);
    book.instruments.restamp('ETHUSDTM', now + 1_000);
    book.instruments.setMark('XBTUSDTM', 90_010, 90_000, now);
    book.instruments.setMark('XBTUSDTM', 90_030, 90_020, now); // same ms: the later value only
    book.instruments.restamp('XBTUSDTM', now + 1_000);
    book.instruments.setMark('XBTUSDTM', 90_050, 90_040, now + 1_500);
    expect(book.instruments.indexHistory('XBTUSDTM')).toEqual([
      { time: now, value: 90_020 },
      { time: now + 1_000, value: 90_020 },
      { time: now + 1_500, value: 90_040 },
    ]);
    expect(book.instruments.indexHistory('XBTUSDTM', now + 1, now + 1_000)).toEqual([
      { time: now + 1_000, value: 90_020 },
    ]);
    expect(book.instruments.indexHistory('ETHUSDTM')).toEqual([]);
  });

  it('finds a contract by its index symbol, overrides included, preferring one with index history', () => {
    const book = futures();
    book.instruments.setContract('XBTUSDTM', {});
    book.append('XBTUSDM', 67_000); // listed first (traded), its mark derived: no index history
    book.instruments.setContract('XBTMH26', { indexSymbol: '.BXBT' });
    expect(book.instruments.contractForIndex('.KXBTUSDT')).toBe('XBTUSDTM');
    expect(book.instruments.contractForIndex('.BXBT')).toBe('XBTUSDM');
    book.instruments.setMark('XBTMH26', 90_000, 90_000, now);
    expect(book.instruments.symbols().indexOf('XBTMH26')).toBeGreaterThan(
      book.instruments.symbols().indexOf('XBTUSDM'),
    );
    expect(book.instruments.contractForIndex('.BXBT')).toBe('XBTMH26');
    book.instruments.setContract('XBTUSDTM', { indexSymbol: '.KXBTUSDT2' });
    expect(book.instruments.contractForIndex('.KXBTUSDT')).toBeUndefined();
    expect(book.instruments.contractForIndex('.KXBTUSDT2')).toBe('XBTUSDTM');
    book.unknown.set('XBTUSDTM', 'silent');
    expect(book.instruments.contractForIndex('.KXBTUSDT2')).toBeUndefined();
  });

  it('has no contracts on spot', () => {
    expect(() => new SimulatorBook('spot').instruments.setContract('BTC-USDT', {})).toThrow(/futures/);
  });
});
