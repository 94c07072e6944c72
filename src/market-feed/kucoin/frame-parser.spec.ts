import fc from 'fast-check';
import { isRejection, isTick, parseFrame } from './frame-parser';
import {
  FUTURES_EXECUTION,
  FUTURES_TICKER as FUTURES,
  SPOT_MATCH,
  SPOT_TICKER as SPOT,
  recordedFrame,
} from '../../../test/support/doubles/frame-samples';

describe('parseFrame', () => {
  it('normalizes a spot trade.ticker push', () => {
    expect(parseFrame('spot', SPOT, 5)).toEqual({
      marketType: 'spot',
      symbol: 'BTC-USDT',
      price: 67220,
      bestBid: 67218.6,
      bestAsk: 67218.7,
      exchangeTime: 1729757723612,
      receivedAt: 5,
      source: 'stream',
    });
  });

  it('normalizes a futures v1 ticker push, converting nanoseconds to milliseconds', () => {
    expect(parseFrame('futures', FUTURES, 5)).toEqual({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      price: 88987.5,
      bestBid: 88987.4,
      bestAsk: 88987.6,
      exchangeTime: 1731665526461,
      receivedAt: 5,
      source: 'stream',
    });
  });

  it('takes the symbol from the subject on /market/ticker:all', () => {
    expect(parseFrame('spot', recordedFrame('spot-ticker-all.json'), 1)).toMatchObject({
      symbol: 'BTC-USDT',
      price: 67220,
      exchangeTime: 1729757723612,
    });
  });

  it.each([
    ['"0"', 'invalid_price'],
    ['"-1"', 'invalid_price'],
    ['"abc"', 'invalid_price'],
    ['""', 'invalid_price'],
    ['"Infinity"', 'invalid_price'],
    ['null', 'invalid_price'],
  ])('rejects price %s as %s', (price, reason) => {
    expect(parseFrame('spot', SPOT.replace('"price":"67220"', `"price":${price}`), 1)).toBe(reason);
  });

  it('drops an unusable best bid or ask but keeps the tick', () => {
    const tick = parseFrame('spot', SPOT.replace('"bestBid":"67218.6"', '"bestBid":"0"'), 1);
    expect(isTick(tick) && tick.bestBid).toBeUndefined();
  });

  it('falls back to the receive time when the exchange time is missing', () => {
    expect(parseFrame('spot', SPOT.replace('"time":1729757723612', '"time":null'), 7)).toMatchObject({
      exchangeTime: 7,
    });
  });

  it.each([
    ['not json', 'malformed_json'],
    ['{"type":"message"', 'malformed_json'],
    ['null', 'malformed_json'],
    ['{"type":"notice"}', 'unknown_type'],
    [recordedFrame('spot-snapshot.json'), 'unknown_subject'],
    ['{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker"}', 'invalid_price'],
  ])('rejects %s as %s', (text, reason) => {
    expect(parseFrame('spot', text, 1)).toBe(reason);
  });

  it('returns control frames as parsed', () => {
    expect(parseFrame('spot', '{"id":"1","type":"ack"}', 1)).toEqual({ id: '1', type: 'ack' });
    expect(parseFrame('spot', '{"id":"2","type":"error","code":404,"data":"x"}', 1)).toMatchObject({
      code: 404,
    });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.constantFrom('spot', 'futures'), (text, market) => {
        const result = parseFrame(market, text, 1);
        if (isTick(result)) expect(result.price > 0 && Number.isFinite(result.price)).toBe(true);
        else if (!isRejection(result)) expect(['welcome', 'ack', 'pong', 'error']).toContain(result.type);
      }),
    );
  });
});

describe('parseFrame on trades', () => {
  it('normalizes a recorded spot /market/match push: exact sequence, time cut from the ns digits', () => {
    expect(parseFrame('spot', SPOT_MATCH, 5)).toStrictEqual({
      marketType: 'spot',
      symbol: 'BTC-USDT',
      price: 67523,
      exchangeTime: 1729843222921,
      receivedAt: 5,
      source: 'stream',
      sequence: '11067996711960577',
    });
  });

  it('normalizes a recorded futures /contractMarket/execution push: sequence as digits, ns number to ms', () => {
    expect(parseFrame('futures', FUTURES_EXECUTION, 5)).toStrictEqual({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      price: 90503.9,
      exchangeTime: 1731898619520,
      receivedAt: 5,
      source: 'stream',
      sequence: '1794100537695',
    });
  });

  it('keeps a spot time exact to the millisecond where a double would round it up', () => {
    const frame = SPOT_MATCH.replace('"1729843222921000000"', '"1729843222921999999"');
    expect(parseFrame('spot', frame, 5)).toMatchObject({ exchangeTime: 1729843222921 });
  });

  it('reads a futures ts that JSON.parse rounds below its millisecond as that millisecond', () => {
    // 1731898619522000000 parses to 1731898619521999872: a plain floor would say …521.
    const frame = FUTURES_EXECUTION.replace('1731898619520000000', '1731898619522000000');
    expect(parseFrame('futures', frame, 5)).toMatchObject({ exchangeTime: 1731898619522 });
  });

  it.each([
    ['"00042"', '42'],
    ['"0"', '0'],
    ['"123456789012345678901234567890"', '123456789012345678901234567890'],
    ['9007199254740991', '9007199254740991'],
  ])('reads sequence %s as "%s"', (sequence, expected) => {
    const spot = SPOT_MATCH.replace('"sequence":"11067996711960577"', `"sequence":${sequence}`);
    const futures = FUTURES_EXECUTION.replace('"sequence":1794100537695', `"sequence":${sequence}`);
    expect(parseFrame('spot', spot, 5)).toMatchObject({ sequence: expected });
    expect(parseFrame('futures', futures, 5)).toMatchObject({ sequence: expected });
  });

  it('takes the symbol from the topic when the data has none', () => {
    const frame = SPOT_MATCH.replace('"symbol":"BTC-USDT",', '').replace(':BTC-USDT', ':ETH-USDT');
    expect(parseFrame('spot', frame, 5)).toMatchObject({ symbol: 'ETH-USDT', sequence: '11067996711960577' });
  });

  it.each([
    ['"symbol":"BTC-USDT"', '"symbol":""', 'missing_symbol'],
    ['"price":"67523"', '"price":"0"', 'invalid_price'],
    ['"price":"67523"', '"price":67523e400', 'invalid_price'],
    ['"price":"67523",', '', 'invalid_price'],
    ['"sequence":"11067996711960577",', '', 'invalid_sequence'],
    ['"sequence":"11067996711960577"', '"sequence":""', 'invalid_sequence'],
    ['"sequence":"11067996711960577"', '"sequence":"1.5"', 'invalid_sequence'],
    ['"sequence":"11067996711960577"', '"sequence":"-1"', 'invalid_sequence'],
    ['"sequence":"11067996711960577"', '"sequence":11067996711960577', 'invalid_sequence'],
    ['"sequence":"11067996711960577"', '"sequence":null', 'invalid_sequence'],
    ['"time":"1729843222921000000",', '', 'invalid_time'],
    ['"time":"1729843222921000000"', '"time":"abc"', 'invalid_time'],
    ['"time":"1729843222921000000"', '"time":"999999"', 'invalid_time'],
    ['"time":"1729843222921000000"', '"time":null', 'invalid_time'],
    ['"time":"1729843222921000000"', '"time":-1', 'invalid_time'],
  ])('rejects a spot trade whose %s becomes %s as %s', (field, replacement, reason) => {
    expect(parseFrame('spot', SPOT_MATCH.replace(field, replacement), 5)).toBe(reason);
  });

  it.each([
    ['"sequence":1794100537695', '"sequence":9007199254740992', 'invalid_sequence'],
    ['"sequence":1794100537695', '"sequence":-1', 'invalid_sequence'],
    ['"sequence":1794100537695', '"sequence":1.5', 'invalid_sequence'],
    ['"ts":1731898619520000000', '"ts":0', 'invalid_time'],
    ['"ts":1731898619520000000', '"ts":"x"', 'invalid_time'],
    ['"ts":1731898619520000000', '"ts":1e400', 'invalid_time'],
    ['"price":"90503.9"', '"price":"-1"', 'invalid_price'],
  ])('rejects a futures trade whose %s becomes %s as %s', (field, replacement, reason) => {
    expect(parseFrame('futures', FUTURES_EXECUTION.replace(field, replacement), 5)).toBe(reason);
  });

  it("takes a futures trade's symbol from the topic when the data has none, and rejects one with neither", () => {
    const topicOnly = FUTURES_EXECUTION.replace('"symbol":"XBTUSDTM",', '').replace(':XBTUSDTM', ':ETHUSDTM');
    expect(parseFrame('futures', topicOnly, 5)).toMatchObject({ symbol: 'ETHUSDTM' });
    const frame = FUTURES_EXECUTION.replace('"symbol":"XBTUSDTM",', '').replace(':XBTUSDTM', '');
    expect(parseFrame('futures', frame, 5)).toBe('missing_symbol');
  });

  it('still reads the recorded futures v1 ticker, and rejects tickerV2 (no trade price) as unknown_subject', () => {
    expect(parseFrame('futures', recordedFrame('futures-ticker-v1-sdk.json'), 5)).toStrictEqual({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      price: 90147.7,
      bestBid: 90147.7,
      bestAsk: 90147.8,
      exchangeTime: 1731679215637,
      receivedAt: 5,
      source: 'stream',
    });
    expect(parseFrame('futures', recordedFrame('futures-ticker-v2.json'), 5)).toBe('unknown_subject');
  });

  it('does not read a trade subject on the other market', () => {
    expect(parseFrame('futures', SPOT_MATCH, 5)).toBe('unknown_subject');
    expect(parseFrame('spot', FUTURES_EXECUTION, 5)).toBe('unknown_subject');
  });
});
