import { isValidSymbol, symbolKey } from './market';

describe('symbols', () => {
  it.each([
    ['spot', 'BTC-USDT', true],
    ['spot', 'ETH-BTC', true],
    ['spot', '1INCH-USDT', true],
    ['spot', 'XBTUSDTM', false],
    ['spot', 'BTC-', false],
    ['spot', 'btc-usdt', false],
    ['futures', 'XBTUSDTM', true],
    ['futures', 'XBTMZ26', true],
    ['futures', 'BTC-USDT', false],
    ['futures', 'X', false],
  ] as const)('%s %s valid: %s', (market, symbol, expected) => {
    expect(isValidSymbol(market, symbol)).toBe(expected);
  });

  it('keys spot and futures apart', () => {
    expect(symbolKey('spot', 'BTC-USDT')).not.toBe(symbolKey('futures', 'BTC-USDT'));
  });
});
