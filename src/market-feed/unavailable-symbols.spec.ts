import { UNLISTED, UnavailableSymbols } from './unavailable-symbols';

function setup() {
  const logger = { warn: jest.fn(), log: jest.fn() };
  const counts: number[] = [];
  const symbols = new UnavailableSymbols('spot', logger, (count) => counts.push(count));
  return { symbols, logger, counts };
}

describe('UnavailableSymbols', () => {
  it('counts and logs each symbol once per change of reason', () => {
    const t = setup();
    t.symbols.update(['NOPE-USDT'], [], 'refused 404');
    t.symbols.update(['NOPE-USDT'], [], 'refused 404');
    t.symbols.update(['GHOST-USDT'], [], 'ack_timeout');
    expect(t.symbols.list()).toEqual([
      { symbol: 'NOPE-USDT', reason: 'refused 404' },
      { symbol: 'GHOST-USDT', reason: 'ack_timeout' },
    ]);
    expect(t.counts).toEqual([1, 2]);
    expect(t.logger.warn).toHaveBeenCalledTimes(2);
  });

  it('an acknowledged subscribe clears a refusal or a lost ack, but not unlisted: KuCoin acks unknown symbols', () => {
    const t = setup();
    t.symbols.update(['NOPE-USDT'], [], 'refused 404');
    t.symbols.update(['GHOST-USDT'], [], 'ack_timeout');
    t.symbols.update(['OLD-USDT'], [], UNLISTED);
    t.symbols.accepted(['NOPE-USDT', 'GHOST-USDT', 'OLD-USDT', 'BTC-USDT']);
    expect(t.symbols.list()).toEqual([{ symbol: 'OLD-USDT', reason: UNLISTED }]);
    expect(t.counts).toEqual([1, 2, 3, 1]);
    expect(t.logger.log).toHaveBeenCalledTimes(2);
  });

  it('a trade clears any reason; the audit clears unlisted only', () => {
    const t = setup();
    t.symbols.update(['OLD-USDT', 'NOPE-USDT'], [], UNLISTED);
    t.symbols.heardFrom('OLD-USDT');
    t.symbols.update([], ['NOPE-USDT'], 'refused 404'); // another reason: not cleared
    expect(t.symbols.list()).toEqual([{ symbol: 'NOPE-USDT', reason: UNLISTED }]);
    t.symbols.update([], ['NOPE-USDT'], UNLISTED);
    expect(t.symbols.list()).toEqual([]);
  });
});
