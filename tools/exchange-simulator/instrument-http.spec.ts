import { UNKNOWN_CONTRACT, instrumentRest } from './instrument-http';
import { SimulatorBook } from './simulator-book';
import { emptyStats } from './simulator.types';

describe('instrumentRest', () => {
  const now = 1_729_254_307_000;
  const setUp = (): { book: SimulatorBook; stats: ReturnType<typeof emptyStats> } => {
    const book = new SimulatorBook('futures', { clock: () => now });
    return { book, stats: emptyStats() };
  };

  it('answers the mark price in the spec example shape, byte for byte', () => {
    const { book, stats } = setUp();
    book.instruments.setMark('XBTUSDTM', 67_687.08, 67_683.58, now);
    expect(instrumentRest('/api/v1/mark-price/XBTUSDTM/current', book, stats)).toEqual({
      status: 200,
      text:
        '{"code":"200000","data":{"symbol":"XBTUSDTM","granularity":1000,"timePoint":1729254307000,' +
        '"value":67687.08,"indexPrice":67683.58}}',
    });
    expect(stats.restMarkPriceRequests).toBe(1);
  });

  it('derives the mark from the last trade, and answers null for a contract with neither', () => {
    const { book, stats } = setUp();
    book.append('ETHUSDTM', 2_500.5);
    book.setTickSize('SOLUSDTM', 0.001);
    const eth = JSON.parse(instrumentRest('/api/v1/mark-price/ETHUSDTM/current', book, stats)!.text);
    expect(eth.data).toMatchObject({ value: 2_500.5, indexPrice: 2_500.5, timePoint: now });
    expect(instrumentRest('/api/v1/mark-price/SOLUSDTM/current', book, stats)!.text).toBe(
      '{"code":"200000","data":null}',
    );
  });

  it('answers KuCoin futures\' "no such contract" for unknown and unlisted symbols', () => {
    const { book, stats } = setUp();
    book.append('GHOSTUSDTM', 1);
    book.unknown.set('GHOSTUSDTM', 'silent');
    const unknown = { status: 200, text: UNKNOWN_CONTRACT };
    expect(instrumentRest('/api/v1/mark-price/NOPEUSDTM/current', book, stats)).toEqual(unknown);
    expect(instrumentRest('/api/v1/mark-price/GHOSTUSDTM/current', book, stats)).toEqual(unknown);
    expect(instrumentRest('/api/v1/contracts/NOPEUSDTM', book, stats)).toEqual(unknown);
    expect(instrumentRest('/api/v1/contracts/%E0', book, stats)).toEqual(unknown);
    expect(JSON.parse(UNKNOWN_CONTRACT)).toEqual({ code: '100003', msg: 'Contract parameter invalid' });
  });

  it('lists the active contracts and details one', () => {
    const { book, stats } = setUp();
    book.append('XBTUSDTM', 67_000);
    book.instruments.setMark('XBTUSDM', 67_010, 67_005, now);
    const all = JSON.parse(instrumentRest('/api/v1/contracts/active', book, stats)!.text) as {
      code: string;
      data: { symbol: string }[];
    };
    expect(all.code).toBe('200000');
    expect(all.data.map((c) => c.symbol)).toEqual(['XBTUSDTM', 'XBTUSDM']);
    const one = JSON.parse(instrumentRest('/api/v1/contracts/XBTUSDM', book, stats)!.text);
    expect(one).toEqual({ code: '200000', data: all.data[1] });
    expect(one.data).toMatchObject({
      symbol: 'XBTUSDM',
      isInverse: true,
      markPrice: 67_010,
      indexPrice: 67_005,
    });
    expect(stats.restContractRequests).toBe(2);
  });

  it('leaves other paths and the spot market alone', () => {
    const { book, stats } = setUp();
    expect(instrumentRest('/api/v1/contracts/XBTUSDTM/extra', book, stats)).toBeUndefined();
    expect(instrumentRest('/api/v1/mark-price/XBTUSDTM', book, stats)).toBeUndefined();
    expect(instrumentRest('/api/v1/contracts/active', new SimulatorBook('spot'), stats)).toBeUndefined();
  });
});
