import { AckFaults } from './ack-faults';

describe('AckFaults', () => {
  it('answers everything with no rule', () => {
    expect(new AckFaults().judge(['BTC-USDT'])).toBe('answer');
  });

  it('withholds the next `count` messages naming the symbol, then answers again', () => {
    const acks = new AckFaults();
    acks.withhold('BTC-USDT', 2);
    expect(acks.judge(['ETH-USDT'])).toBe('answer');
    expect(acks.judge(['BTC-USDT'])).toBe('drop');
    expect(acks.judge(['ETH-USDT', 'BTC-USDT'])).toBe('drop');
    expect(acks.judge(['BTC-USDT'])).toBe('answer');
  });

  it("withholds every matching message with 'always', until cleared", () => {
    const acks = new AckFaults();
    acks.withhold((symbol) => symbol.startsWith('GHOST'), 'always');
    for (let i = 0; i < 5; i++) expect(acks.judge(['GHOST-USDT'])).toBe('drop');
    expect(acks.judge(['BTC-USDT'])).toBe('answer');
    acks.clear();
    expect(acks.judge(['GHOST-USDT'])).toBe('answer');
  });

  it('matches a list of symbols, and applies the subscribe when asked to lose only the ack', () => {
    const acks = new AckFaults();
    acks.withhold(['A-USDT', 'B-USDT'], 1, { apply: true });
    expect(acks.judge(['C-USDT'])).toBe('answer');
    expect(acks.judge(['B-USDT'])).toBe('apply_silently');
    expect(acks.judge(['A-USDT'])).toBe('answer');
  });

  it('lets the first rule with messages left decide, and counts only against it', () => {
    const acks = new AckFaults();
    acks.withhold('BTC-USDT', 1, { apply: true });
    acks.withhold('BTC-USDT', 1);
    expect(acks.judge(['BTC-USDT'])).toBe('apply_silently');
    expect(acks.judge(['BTC-USDT'])).toBe('drop');
    expect(acks.judge(['BTC-USDT'])).toBe('answer');
  });

  it('refuses a count that withholds nothing', () => {
    const acks = new AckFaults();
    expect(() => acks.withhold('BTC-USDT', 0)).toThrow(RangeError);
    expect(() => acks.withhold('BTC-USDT', Number.NaN)).toThrow(RangeError);
  });
});
