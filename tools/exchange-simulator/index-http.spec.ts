import { indexKlines, indexQuery } from './index-http';
import { SimulatorBook } from './simulator-book';
import { type SimulatorStats, emptyStats } from './simulator.types';

interface IndexRow {
  symbol: string;
  granularity: number;
  timePoint: number;
  value: number;
  decomposionList: unknown[];
}
interface IndexBody {
  code: string;
  msg?: string;
  data: { hasMore: boolean; dataList: IndexRow[] };
}

describe('index price history over REST', () => {
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);
  let book: SimulatorBook;
  let stats: SimulatorStats;
  /** One set mark per point: index `value` at `t0 + offset`. */
  const marks = (symbol: string, points: readonly (readonly [number, number])[]): void => {
    for (const [offset, value] of points) book.instruments.setMark(symbol, value + 5, value, t0 + offset);
  };
  const query = (params: string): { status: number; body: IndexBody } => {
    const answer = indexQuery(new URLSearchParams(params), book.instruments, stats);
    return { status: answer.status, body: JSON.parse(answer.text) as IndexBody };
  };
  /** [seconds after t0, value] of the dataList. */
  const listed = (params: string): number[][] =>
    query(params).body.data.dataList.map((p) => [(p.timePoint - t0) / 1000, p.value]);

  beforeEach(() => {
    book = new SimulatorBook('futures', { clock: () => t0 });
    stats = emptyStats();
  });

  describe('GET /api/v1/index/query', () => {
    it('answers in the spec example shape, byte for byte, counted', () => {
      book.instruments.setMark('XBTUSDTM', 69_210, 69_202.94, 1_730_557_515_000);
      expect(indexQuery(new URLSearchParams('symbol=.KXBTUSDT'), book.instruments, stats)).toEqual({
        status: 200,
        text:
          '{"code":"200000","data":{"hasMore":false,"dataList":[{"symbol":".KXBTUSDT","granularity":1000,' +
          '"timePoint":1730557515000,"value":69202.94,"decomposionList":[]}]}}',
      });
      expect(stats.restIndexRequests).toBe(1);
    });

    it('filters by startAt and endAt, both inclusive, newest first by default and oldest first with reverse=false', () => {
      marks('XBTUSDTM', [
        [0, 100],
        [1_000, 101],
        [2_000, 102],
        [3_000, 103],
        [4_000, 104],
      ]);
      const range = `symbol=.KXBTUSDT&startAt=${t0 + 1_000}&endAt=${t0 + 3_000}`;
      expect(listed(range)).toEqual([
        [3, 103],
        [2, 102],
        [1, 101],
      ]);
      expect(listed(`${range}&reverse=true`)).toEqual(listed(range));
      expect(listed(`${range}&reverse=false`)).toEqual([
        [1, 101],
        [2, 102],
        [3, 103],
      ]);
      expect(listed(`symbol=.KXBTUSDT&startAt=${t0 + 3_001}`)).toEqual([[4, 104]]);
      expect(listed(`symbol=.KXBTUSDT&endAt=${t0 + 999}&reverse=false`)).toEqual([[0, 100]]);
    });

    it('answers at most maxCount (default 10) from the chosen end, hasMore when more matched', () => {
      marks(
        'XBTUSDTM',
        Array.from({ length: 15 }, (_, i) => [i * 1_000, 200 + i] as const),
      );
      const byDefault = query('symbol=.KXBTUSDT').body.data;
      expect(byDefault.hasMore).toBe(true);
      expect(byDefault.dataList.map((p) => p.value)).toEqual([
        214, 213, 212, 211, 210, 209, 208, 207, 206, 205,
      ]);
      expect(listed('symbol=.KXBTUSDT&maxCount=3&reverse=false')).toEqual([
        [0, 200],
        [1, 201],
        [2, 202],
      ]);
      expect(query('symbol=.KXBTUSDT&maxCount=15').body.data.hasMore).toBe(false);
      expect(query('symbol=.KXBTUSDT&maxCount=100').body.data.dataList).toHaveLength(15);
      expect(query(`symbol=.KXBTUSDT&maxCount=2&startAt=${t0 + 13_000}`).body.data.hasMore).toBe(false);
    });

    it('ignores offset and forward, whose meaning the spec leaves open', () => {
      marks('XBTUSDTM', [
        [0, 100],
        [1_000, 101],
        [2_000, 102],
      ]);
      expect(listed(`symbol=.KXBTUSDT&maxCount=2&offset=${t0 + 2_000}&forward=false`)).toEqual([
        [2, 102],
        [1, 101],
      ]);
    });

    it('answers HTTP 400 400100 for maxCount above 100 and other malformed parameters', () => {
      marks('XBTUSDTM', [[0, 100]]);
      const tooMany = query('symbol=.KXBTUSDT&maxCount=101');
      expect(tooMany).toEqual({
        status: 400,
        body: { code: '400100', msg: 'maxCount must be between 1 and 100' },
      });
      for (const params of [
        'symbol=.KXBTUSDT&maxCount=0',
        'symbol=.KXBTUSDT&maxCount=ten',
        'symbol=.KXBTUSDT&startAt=yesterday',
        'symbol=.KXBTUSDT&endAt=1.5',
        'symbol=.KXBTUSDT&reverse=yes',
        'startAt=0',
      ])
        expect(query(params)).toMatchObject({ status: 400, body: { code: '400100' } });
      expect(stats.restIndexRequests).toBe(7);
    });

    it('answers an empty list for an index no contract has, or one whose contract has no history', () => {
      marks('XBTUSDM', [[0, 67_000]]);
      book.append('ETHUSDTM', 2_500); // a mark derived from trades: no index history
      const empty = { code: '200000', data: { hasMore: false, dataList: [] } };
      expect(query('symbol=.KNOPEUSDT').body).toEqual(empty);
      expect(query('symbol=.KETHUSDT').body).toEqual(empty);
      expect(query('symbol=.KXBTUSDT').body).toEqual(empty);
      expect(query('symbol=.BXBT').body.data.dataList).toEqual([
        { symbol: '.BXBT', granularity: 1000, timePoint: t0, value: 67_000, decomposionList: [] },
      ]);
    });
  });

  describe('index klines', () => {
    const MIN = 60_000;
    const klines = (symbol: string, granularity: number, from: number, to: number): number[][] =>
      (
        JSON.parse(indexKlines(book.instruments, symbol, { granularity, from, to }, 500)) as {
          data: number[][];
        }
      ).data;

    beforeEach(() =>
      marks('XBTUSDTM', [
        [0, 100],
        [10_000, 105],
        [20_000, 98],
        [59_999, 101],
        [MIN + 5_000, 102],
        [MIN + 30_000, 99],
        [3 * MIN, 97],
      ]),
    );

    it('builds 1-minute OHLC rows from the points, oldest first, volume 0, minutes without points left out', () => {
      expect(klines('.KXBTUSDT', 1, t0, t0 + 10 * MIN)).toEqual([
        [t0, 100, 105, 98, 101, 0],
        [t0 + MIN, 102, 102, 99, 99, 0],
        [t0 + 3 * MIN, 97, 97, 97, 97, 0],
      ]);
      expect(klines('.KNOPEUSDT', 1, t0, t0 + 10 * MIN)).toEqual([]);
    });

    it('keeps the candles starting in [from, to), as for trade klines', () => {
      expect(klines('.KXBTUSDT', 1, t0 + 1, t0 + 3 * MIN)).toEqual([[t0 + MIN, 102, 102, 99, 99, 0]]);
      expect(klines('.KXBTUSDT', 1, t0 + MIN, t0 + 3 * MIN + 1)).toEqual([
        [t0 + MIN, 102, 102, 99, 99, 0],
        [t0 + 3 * MIN, 97, 97, 97, 97, 0],
      ]);
    });

    it('aggregates minutes into longer granularities', () => {
      expect(klines('.KXBTUSDT', 5, t0, t0 + 10 * MIN)).toEqual([[t0, 100, 105, 97, 97, 0]]);
    });

    it('answers at most 500 rows, the newest', () => {
      book = new SimulatorBook('futures', { clock: () => t0 });
      marks(
        'XBTUSDTM',
        Array.from({ length: 600 }, (_, i) => [i * MIN, 1_000 + i] as const),
      );
      const rows = klines('.KXBTUSDT', 1, t0, t0 + 600 * MIN);
      expect(rows).toHaveLength(500);
      expect(rows[0]).toEqual([t0 + 100 * MIN, 1_100, 1_100, 1_100, 1_100, 0]);
      expect(rows[499]).toEqual([t0 + 599 * MIN, 1_599, 1_599, 1_599, 1_599, 0]);
    });
  });
});
