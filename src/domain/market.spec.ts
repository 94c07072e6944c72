import { isValidSymbol, marketOfStream, priceStream } from './market';

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

  it('puts the last price of each market and the futures mark and index prices in streams of their own', () => {
    expect(priceStream('spot')).toBe('spot');
    expect(priceStream('futures')).toBe('futures');
    expect(priceStream('futures', 'mark')).toBe('mark');
    expect(priceStream('futures', 'index')).toBe('index');
    expect(['spot', 'futures', 'mark', 'index'].map((s) => marketOfStream(s as 'spot'))).toEqual([
      'spot',
      'futures',
      'futures',
      'futures',
    ]);
  });
});
