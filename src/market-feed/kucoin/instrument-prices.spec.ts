import { recordedFrame } from '../../../test/support/doubles/frame-samples';
import {
  IGNORED_FRAME,
  isInstrumentTicks,
  markPriceToTicks,
  markPriceUrl,
  parseInstrumentFrame,
} from './instrument-prices';

/** The protocol doc's and the SDK spec's example push (test/fixtures/kucoin/README.md). */
const RECORDED = recordedFrame('futures-instrument.json');

const frame = (subject: string, data: unknown, topic = '/contract/instrument:ETHUSDTM'): string =>
  JSON.stringify({ topic, type: 'message', subject, data });

const MARK = { markPrice: 3000.5, indexPrice: 2999.75, granularity: 1000, timestamp: 1731899130000 };

describe('parseInstrumentFrame', () => {
  it('turns the recorded mark.index.price push into a mark tick and an index tick', () => {
    expect(parseInstrumentFrame(RECORDED, 7)).toEqual([
      {
        marketType: 'futures',
        symbol: 'XBTUSDTM',
        price: 90445.02,
        priceType: 'mark',
        exchangeTime: 1731899129000,
        receivedAt: 7,
        source: 'stream',
      },
      {
        marketType: 'futures',
        symbol: 'XBTUSDTM',
        price: 90445.02,
        priceType: 'index',
        exchangeTime: 1731899129000,
        receivedAt: 7,
        source: 'stream',
        // Index prices are ordered (and deduplicated) by their time: see timeSequence.
        sequence: '1731899129000',
      },
    ]);
  });

  it('keeps the two prices apart', () => {
    const ticks = parseInstrumentFrame(frame('mark.index.price', MARK), 1);
    expect(isInstrumentTicks(ticks)).toBe(true);
    expect(ticks).toMatchObject([
      { symbol: 'ETHUSDTM', priceType: 'mark', price: 3000.5 },
      { symbol: 'ETHUSDTM', priceType: 'index', price: 2999.75 },
    ]);
  });

  it('ignores the funding rate pushed on the same topic: not a tick, and no fault', () => {
    const funding = { granularity: 60000, fundingRate: -0.002966, timestamp: 1731899100000 };
    expect(parseInstrumentFrame(frame('funding.rate', funding), 1)).toBe(IGNORED_FRAME);
  });

  it.each([
    ['not JSON', '{"type":"message",', 'malformed_json'],
    ['not an object', '42', 'malformed_json'],
    ['an unknown type', '{"type":"notice"}', 'unknown_type'],
    ['a trade on the instrument channel', recordedFrame('futures-execution.json'), 'unknown_subject'],
    ['no symbol in the topic', frame('mark.index.price', MARK, '/contract/instrument:'), 'missing_symbol'],
    ['another topic', frame('mark.index.price', MARK, '/contractMarket/execution:X'), 'missing_symbol'],
    ['no data', frame('mark.index.price', null), 'invalid_price'],
    ['no mark price', frame('mark.index.price', { ...MARK, markPrice: undefined }), 'invalid_price'],
    ['a zero index price', frame('mark.index.price', { ...MARK, indexPrice: 0 }), 'invalid_price'],
    ['a text price', frame('mark.index.price', { ...MARK, markPrice: 'abc' }), 'invalid_price'],
    ['no timestamp', frame('mark.index.price', { ...MARK, timestamp: undefined }), 'invalid_time'],
    ['a text timestamp', frame('mark.index.price', { ...MARK, timestamp: '1731899130000' }), 'invalid_time'],
    ['a fractional timestamp', frame('mark.index.price', { ...MARK, timestamp: 1.5 }), 'invalid_time'],
  ])('rejects %s with a typed reason', (_what, text, reason) => {
    expect(parseInstrumentFrame(text, 1)).toBe(reason);
  });

  it('passes control frames through as they are', () => {
    for (const type of ['welcome', 'ack', 'pong', 'error']) {
      expect(parseInstrumentFrame(JSON.stringify({ id: '1', type }), 1)).toEqual({ id: '1', type });
    }
  });
});

describe('the mark-price catch-up', () => {
  /** The SDK spec's `x-response-example` of GET /api/v1/mark-price/{symbol}/current. */
  const SDK_EXAMPLE = {
    code: '200000',
    data: {
      symbol: 'XBTUSDTM',
      granularity: 1000,
      timePoint: 1729254307000,
      value: 67687.08,
      indexPrice: 67683.58,
    },
  };

  it('asks the futures API for one contract', () => {
    expect(markPriceUrl('https://api-futures.kucoin.com', 'XBTUSDTM')).toBe(
      'https://api-futures.kucoin.com/api/v1/mark-price/XBTUSDTM/current',
    );
  });

  it('reads `value` as the mark price and `indexPrice` as the index, at `timePoint`', () => {
    expect(markPriceToTicks('XBTUSDTM', SDK_EXAMPLE, 9)).toEqual([
      {
        marketType: 'futures',
        symbol: 'XBTUSDTM',
        price: 67687.08,
        priceType: 'mark',
        exchangeTime: 1729254307000,
        receivedAt: 9,
        source: 'catch_up',
      },
      {
        marketType: 'futures',
        symbol: 'XBTUSDTM',
        price: 67683.58,
        priceType: 'index',
        exchangeTime: 1729254307000,
        receivedAt: 9,
        source: 'catch_up',
        sequence: '1729254307000',
      },
    ]);
  });

  it('falls back to the receive time without a time point, like the ticker catch-up', () => {
    const data = { ...SDK_EXAMPLE.data, timePoint: undefined };
    expect(markPriceToTicks('XBTUSDTM', { data }, 9)).toMatchObject([
      { exchangeTime: 9 },
      { exchangeTime: 9 },
    ]);
  });

  it('says `empty` for an unknown contract and `invalid_price` for a price it cannot read', () => {
    expect(markPriceToTicks('NOPEUSDTM', { code: '200000', data: null }, 9)).toBe('empty');
    expect(markPriceToTicks('NOPEUSDTM', { code: '300000', msg: 'contract not exist' }, 9)).toBe('empty');
    expect(markPriceToTicks('XBTUSDTM', { data: { ...SDK_EXAMPLE.data, value: null } }, 9)).toBe(
      'invalid_price',
    );
    expect(markPriceToTicks('XBTUSDTM', { data: { ...SDK_EXAMPLE.data, indexPrice: -1 } }, 9)).toBe(
      'invalid_price',
    );
  });
});
