import { parseFrame } from './frame-parser';
import { scanFrame } from './frame-scanner';
import {
  FUTURES_EXECUTION,
  SPOT_MATCH,
  recordedFrame,
  scanAgreeing,
} from '../../../test/support/doubles/frame-samples';

/** Examples of the scanner on trade pushes; frame-scanner.property.spec.ts has the generated ones. */

describe('scanFrame on trades', () => {
  it('takes the fast path for the recorded spot match and futures execution, as parseFrame reads them', () => {
    expect(scanAgreeing('spot', SPOT_MATCH)).toStrictEqual({
      marketType: 'spot',
      symbol: 'BTC-USDT',
      price: 67523,
      exchangeTime: 1729843222921,
      receivedAt: 5,
      source: 'stream',
      sequence: '11067996711960577',
    });
    expect(scanAgreeing('futures', FUTURES_EXECUTION)).toStrictEqual({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      price: 90503.9,
      exchangeTime: 1731898619520,
      receivedAt: 5,
      source: 'stream',
      sequence: '1794100537695',
    });
  });

  it('reads every whole-millisecond futures ts as parseFrame does, on the fast path', () => {
    for (let ms = 1_731_898_619_520; ms < 1_731_898_619_520 + 2_000; ms++) {
      const tick = scanAgreeing('futures', FUTURES_EXECUTION.replace('1731898619520000000', `${ms}000000`));
      if (tick?.exchangeTime !== ms) throw new Error(`${ms}: ${tick?.exchangeTime}`);
    }
  });

  it.each([
    ['1731898619520123456', 1731898619520],
    ['1731898619520995903', 1731898619520],
    ['9007199254740993', 9007199254], // above 2^53, 16 digits
    // Not settled by the digits (near the next millisecond, 20 digits, not plain): through nanosToMillis.
    ['1731898619520995904', 1731898619520],
    ['1731898619520999999', 1731898619521], // within JSON.parse's rounding of the next millisecond
    ['99999999999999999999', 100000000000000],
    ['1731898619520000000.0', 1731898619520],
    ['1.73189861952e18', 1731898619520],
  ])('reads futures ts %s as %s, as parseFrame does', (ts, expected) => {
    const tick = scanAgreeing('futures', FUTURES_EXECUTION.replace('1731898619520000000', ts));
    expect(tick?.exchangeTime).toBe(expected);
  });

  it.each([
    ['"1729843222921999999"', 1729843222921],
    ['"9007199254740993"', 9007199254],
    ['"0001729843222921000000"', 1729843222921],
    ['"123456789012345678901234"', undefined], // past 2^53 ms: rejected
    ['1729843222921000000', 1729843222921],
  ])('reads spot time %s as %s', (time, expected) => {
    const tick = scanAgreeing('spot', SPOT_MATCH.replace('"1729843222921000000"', time));
    expect(tick?.exchangeTime).toBe(expected);
  });

  it.each([
    ['"11067996711960577"', '11067996711960577'],
    ['"00042"', '42'],
    ['"0"', '0'],
    ['"123456789012345678901234567890"', '123456789012345678901234567890'],
    ['123456789012345', '123456789012345'],
    ['1234567890123456', undefined], // may be past 2^53: parseFrame
    ['9007199254740993', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['"1.5"', undefined],
    ['""', undefined],
  ])('reads sequence %s as %s', (sequence, expected) => {
    const spot = scanAgreeing('spot', SPOT_MATCH.replace('"11067996711960577"', sequence));
    const futures = scanAgreeing(
      'futures',
      FUTURES_EXECUTION.replace('1794100537695,"side"', `${sequence},"side"`),
    );
    expect(spot?.sequence).toBe(expected);
    expect(futures?.sequence).toBe(expected);
  });

  it.each([
    SPOT_MATCH.replace('"symbol":"BTC-USDT"', '"symbol":""'),
    SPOT_MATCH.replace('"symbol":"BTC-USDT",', '').replace(':BTC-USDT', ':all'),
    SPOT_MATCH.replace('"price":"67523"', '"price":"0"'),
    SPOT_MATCH.replace('"sequence":"11067996711960577",', ''),
    SPOT_MATCH.replace('"time":"1729843222921000000",', ''),
    SPOT_MATCH.replace('"time":"1729843222921000000"', '"time":"999999"'),
    SPOT_MATCH.replace('"side":"buy"', '"side":["buy"]'),
    SPOT_MATCH.replace('"trade.l3match"', '"trade.l3matches"'),
    SPOT_MATCH.replace('"makerOrderId"', '"maker\\u004frderId"'),
  ])('leaves %s to parseFrame', (text) => {
    expect(scanFrame('spot', Buffer.from(text), 5)).toBeUndefined();
  });

  it('reads a trade whose data has unknown fields, in any order, and the symbol from the topic if need be', () => {
    const extra = SPOT_MATCH.replace('"side":"buy"', '"side":"buy","fee":"0.1","new":12345,"x":"ü"');
    expect(scanAgreeing('spot', extra)).toBeDefined();
    const topicOnly = FUTURES_EXECUTION.replace('"symbol":"XBTUSDTM",', '').replace(':XBTUSDTM', ':ETHUSDTM');
    expect(scanAgreeing('futures', topicOnly)?.symbol).toBe('ETHUSDTM');
  });

  it('rejects through parseFrame what the scanner leaves, with the trade reasons', () => {
    const frame = FUTURES_EXECUTION.replace('1794100537695,"side"', '9007199254740993,"side"');
    expect(scanFrame('futures', Buffer.from(frame), 5)).toBeUndefined();
    expect(parseFrame('futures', frame, 5)).toBe('invalid_sequence');
  });

  it('leaves a trade of the other market, and tickerV2, to parseFrame', () => {
    expect(scanFrame('futures', Buffer.from(SPOT_MATCH), 5)).toBeUndefined();
    expect(scanFrame('spot', Buffer.from(FUTURES_EXECUTION), 5)).toBeUndefined();
    expect(scanFrame('futures', Buffer.from(recordedFrame('futures-ticker-v2.json')), 5)).toBeUndefined();
  });
});
