import fc from 'fast-check';
import { isRejection, isTick, parseFrame, parsePrice } from './frame-parser';

const SPOT =
  '{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"sequence":"1545896668986","price":"67220","size":"0.0043","bestAsk":"67218.7","bestAskSize":"1.92","bestBid":"67218.6","bestBidSize":"0.01","time":1729757723612}}';
const FUTURES =
  '{"topic":"/contractMarket/ticker:XBTUSDTM","type":"message","subject":"ticker","sn":1709284589209,"data":{"symbol":"XBTUSDTM","sequence":1709284589209,"side":"buy","size":1,"price":"88987.5","bestBidSize":713,"bestBidPrice":"88987.4","bestAskPrice":"88987.6","tradeId":"1","bestAskSize":1037,"ts":1731665526461000000}}';

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
    const frame = SPOT.replace('/market/ticker:BTC-USDT', '/market/ticker:all').replace(
      'trade.ticker',
      'ETH-USDT',
    );
    expect(parseFrame('spot', frame, 1)).toMatchObject({ symbol: 'ETH-USDT', price: 67220 });
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
    [
      '{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.snapshot","data":{}}',
      'unknown_subject',
    ],
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

describe('parsePrice', () => {
  it('accepts finite positive numbers only', () => {
    expect(parsePrice('1.5')).toBe(1.5);
    expect(parsePrice(2)).toBe(2);
    for (const bad of ['0', '-2', 'NaN', '1e400', undefined, {}, Infinity]) expect(parsePrice(bad)).toBeNaN();
  });
});
