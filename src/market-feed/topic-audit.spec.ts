import { judgeTopics, parseAllTickers } from './topic-audit';
import { UnavailableSymbols } from './unavailable-symbols';

const NOW = 1_700_000_100_000;
const NS = 1_000_000;

describe('parseAllTickers', () => {
  it('reads spot last prices and futures last trades', () => {
    const spot = parseAllTickers('spot', {
      data: { time: NOW, ticker: [{ symbol: 'BTC-USDT', last: '67000.1' }] },
    });
    expect(spot).toEqual(new Map([['BTC-USDT', { price: 67_000.1 }]]));
    const futures = parseAllTickers('futures', {
      data: [{ symbol: 'XBTUSDTM', sequence: 1794100537695, price: '90503.9', ts: (NOW - 5) * NS }],
    });
    expect(futures.get('XBTUSDTM')).toEqual({ price: 90_503.9, sequence: '1794100537695', time: NOW - 5 });
    expect(parseAllTickers('spot', { data: null }).size).toBe(0);
  });
});

describe('judgeTopics', () => {
  const futuresView = (sequence: string, time: number) =>
    new Map([['XBTUSDTM', { price: 1, sequence, time }]]);
  const topic = {
    symbol: 'XBTUSDTM',
    mark: { sequence: '10', time: NOW - 60_000 },
    lastPrice: 1,
    subscribedAt: 0,
  };

  it('calls a topic silent when the exchange traded after the last trade evaluated, longer ago than the grace', () => {
    expect(judgeTopics([topic], futuresView('11', NOW - 20_001), NOW, 20_000).silent).toEqual(['XBTUSDTM']);
    expect(judgeTopics([topic], futuresView('11', NOW - 5_000), NOW, 20_000).silent).toEqual([]); // may be in flight
    expect(judgeTopics([topic], futuresView('10', NOW - 60_000), NOW, 20_000).silent).toEqual([]); // quiet, not silent
  });

  it('judges a topic that brought nothing since its subscribe by the subscribe time', () => {
    const fresh = { symbol: 'XBTUSDTM', subscribedAt: NOW - 50_000 };
    expect(judgeTopics([fresh], futuresView('3', NOW - 40_000), NOW, 20_000).silent).toEqual(['XBTUSDTM']);
    expect(judgeTopics([fresh], futuresView('3', NOW - 55_000), NOW, 20_000).silent).toEqual([]);
  });

  it('sends a spot symbol whose price moved while nothing came to the history check, and reports unlisted ones', () => {
    const spot = {
      symbol: 'BTC-USDT',
      mark: { sequence: '5', time: NOW - 60_000 },
      lastPrice: 100,
      subscribedAt: 0,
    };
    const gone = { symbol: 'OLD-USDT', subscribedAt: 0 };
    const view = new Map([['BTC-USDT', { price: 101 }]]);
    expect(judgeTopics([spot, gone], view, NOW, 20_000)).toEqual({
      silent: [],
      suspicious: ['BTC-USDT'],
      unproven: [],
      unlisted: ['OLD-USDT'],
    });
    // The same price proves nothing (a wick and back): left to a history check in turn, never vouched as is.
    expect(judgeTopics([{ ...spot, lastPrice: 101 }], view, NOW, 20_000)).toMatchObject({
      suspicious: [],
      unproven: ['BTC-USDT'],
    });
    // Nothing evaluated yet (silent from its first subscribe): suspicious once past the grace.
    expect(
      judgeTopics([{ symbol: 'BTC-USDT', subscribedAt: NOW - 30_000 }], view, NOW, 20_000).suspicious,
    ).toEqual(['BTC-USDT']);
  });
});

describe('UnavailableSymbols', () => {
  it('logs once per change, counts, and clears on a trade or when listed again', () => {
    const logger = { warn: jest.fn(), log: jest.fn() };
    const counts: number[] = [];
    const symbols = new UnavailableSymbols('spot', logger, (count) => counts.push(count));
    symbols.update(['OLD-USDT', 'GONE-USDT'], [], 'unlisted');
    symbols.update(['OLD-USDT'], ['GONE-USDT'], 'unlisted');
    symbols.update(['BAD-USDT'], [], 'refused 404');
    symbols.heardFrom('BAD-USDT');
    expect(symbols.list()).toEqual([{ symbol: 'OLD-USDT', reason: 'unlisted' }]);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(counts).toEqual([2, 1, 2, 1]);
  });
});
