import { InstrumentFeed } from './instrument-feed';
import type { PushHub } from './push-hub';
import { SimulatorBook } from './simulator-book';
import { parseTopic } from './topics';

/** A hub that records what the feed hands it, with a settable set of instrument subscribers. */
function fakeHub(): { hub: PushHub; sent: { symbol: string; frame: string }[]; subscribed: string[] } {
  const sent: { symbol: string; frame: string }[] = [];
  const subscribed: string[] = [];
  const hub = {
    instrument: (symbol: string, frame: string) => {
      sent.push({ symbol, frame });
      return subscribed.includes(symbol);
    },
    instrumentSymbols: () => subscribed,
  } as unknown as PushHub;
  return { hub, sent, subscribed };
}

describe('InstrumentFeed', () => {
  let now = 1_731_899_129_000;
  beforeEach(() => {
    now = 1_731_899_129_000;
  });
  afterEach(() => jest.useRealTimers());

  it('parses /contract/instrument:{symbol} as a futures topic only', () => {
    expect(parseTopic('futures', '/contract/instrument:XBTUSDTM')).toEqual([
      { key: '/contract/instrument:XBTUSDTM', channel: 'instrument', symbol: 'XBTUSDTM' },
    ]);
    expect(parseTopic('spot', '/contract/instrument:XBTUSDTM')).toBeUndefined();
  });

  it('pushes a set mark at once, byte for byte the SDK spec example, stamped with the exchange clock', () => {
    const book = new SimulatorBook('futures', { clock: () => now });
    const { hub, sent } = fakeHub();
    const mark = new InstrumentFeed(book, hub).setMark('XBTUSDTM', 90_445.02, 90_445.02);
    expect(mark).toEqual({
      symbol: 'XBTUSDTM',
      markPrice: 90_445.02,
      indexPrice: 90_445.02,
      time: now,
      explicit: true,
    });
    expect(sent).toEqual([
      {
        symbol: 'XBTUSDTM',
        frame:
          '{"topic":"/contract/instrument:XBTUSDTM","type":"message","subject":"mark.index.price",' +
          '"data":{"markPrice":90445.02,"indexPrice":90445.02,"granularity":1000,"timestamp":1731899129000}}',
      },
    ]);
  });

  it('pushes a funding rate in the docs example shape', () => {
    const book = new SimulatorBook('futures', { clock: () => now });
    const { hub, sent, subscribed } = fakeHub();
    subscribed.push('XBTUSDM');
    expect(new InstrumentFeed(book, hub).pushFundingRate('XBTUSDM', -0.002966, 60_000)).toBe(true);
    expect(sent[0].frame).toBe(
      '{"topic":"/contract/instrument:XBTUSDM","type":"message","subject":"funding.rate",' +
        '"data":{"granularity":60000,"fundingRate":-0.002966,"timestamp":1731899129000}}',
    );
  });

  it('while started, pushes each subscribed mark every second: the set one restamped, else the last trade', () => {
    jest.useFakeTimers();
    const book = new SimulatorBook('futures', { clock: () => now });
    const { hub, sent, subscribed } = fakeHub();
    const feed = new InstrumentFeed(book, hub);
    book.append('ETHUSDTM', 2_500.5);
    feed.setMark('XBTUSDTM', 90_000, 89_990);
    subscribed.push('XBTUSDTM', 'ETHUSDTM', 'SOLUSDTM');
    sent.length = 0;
    feed.start();
    now += 1_000;
    jest.advanceTimersByTime(1_000);
    expect(sent.map((s) => (JSON.parse(s.frame) as { data: unknown }).data)).toEqual([
      { markPrice: 90_000, indexPrice: 89_990, granularity: 1000, timestamp: now },
      { markPrice: 2_500.5, indexPrice: 2_500.5, granularity: 1000, timestamp: now },
    ]);
    expect(book.instruments.mark('XBTUSDTM')?.time).toBe(now);
    feed.stop();
    jest.advanceTimersByTime(5_000);
    expect(sent).toHaveLength(2);
  });

  it('records each set mark and each pushed snapshot as index history; one point per ms', () => {
    jest.useFakeTimers();
    const book = new SimulatorBook('futures', { clock: () => now });
    const { hub, subscribed } = fakeHub();
    const feed = new InstrumentFeed(book, hub);
    feed.setMark('XBTUSDTM', 90_000, 89_990);
    feed.setMark('XBTUSDTM', 90_100, 90_090); // the same exchange ms: replaces the first
    subscribed.push('XBTUSDTM');
    feed.start();
    now += 1_000;
    jest.advanceTimersByTime(1_000);
    now += 250;
    feed.setMark('XBTUSDTM', 90_200, 90_190);
    feed.stop();
    const t = now - 1_250;
    expect(book.instruments.indexHistory('XBTUSDTM')).toEqual([
      { time: t, value: 90_090 },
      { time: t + 1_000, value: 90_090 },
      { time: t + 1_250, value: 90_190 },
    ]);
  });

  it('is futures only', () => {
    const { hub } = fakeHub();
    const feed = new InstrumentFeed(new SimulatorBook('spot'), hub);
    expect(() => feed.setMark('BTC-USDT', 1, 1)).toThrow(/futures/);
    expect(() => feed.pushFundingRate('BTC-USDT', 0.0001, 60_000)).toThrow(/futures/);
  });
});
