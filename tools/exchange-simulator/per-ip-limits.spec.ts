import { PerIpLimiter, restPathWeight } from './per-ip-limits';

describe('PerIpLimiter', () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts REST weight per fixed window and IP, refusing what would go over with the ms until the reset', () => {
    const limits = new PerIpLimiter({ restWeight: 20, clock });
    expect(limits.admitRest('127.0.0.1', '/api/v1/bullet-public')).toEqual({ ok: true });
    now += 1_000;
    expect(limits.admitRest('::ffff:127.0.0.1', '/api/v1/market/orderbook/level1')).toEqual({ ok: true });
    expect(limits.admitRest('127.0.0.1', '/api/v1/market/allTickers')).toEqual({
      ok: false,
      resetMs: 29_000,
    });
    // A refused call is not counted: a lighter one still fits.
    expect(limits.admitRest('127.0.0.1', '/api/v1/market/histories')).toEqual({ ok: true });
    expect(limits.admitRest('127.0.0.1', '/api/v1/market/histories')).toEqual({ ok: true });
    expect(limits.admitRest('127.0.0.1', '/api/v1/trade/history')).toEqual({ ok: false, resetMs: 29_000 });
    // Another IP has a pool of its own; the window resets 30 s after it opened.
    expect(limits.admitRest('10.0.0.2', '/api/v1/market/allTickers')).toEqual({ ok: true });
    now = 1_030_000;
    expect(limits.admitRest('127.0.0.1', '/api/v1/market/allTickers')).toEqual({ ok: true });
    expect(limits.refusals('rest')).toBe(2);
  });

  it('passes paths without a weight uncounted, and counts nothing with no limit set', () => {
    const limits = new PerIpLimiter({ clock });
    expect(limits.admitRest('127.0.0.1', '/nope')).toEqual({ ok: true });
    for (let i = 0; i < 1_000; i++) limits.admitRest('127.0.0.1', '/api/v1/market/allTickers');
    expect(limits.refusals()).toBe(0);
    expect(limits.records('rest')).toHaveLength(1_000);
  });

  it('counts new connections per minute and IP, apart from REST', () => {
    const limits = new PerIpLimiter({ newConnections: 2, restWeight: 10, clock });
    expect(limits.admitConnection('127.0.0.1')).toEqual({ ok: true });
    now += 15_000;
    expect(limits.admitConnection('127.0.0.1')).toEqual({ ok: true });
    expect(limits.admitConnection('127.0.0.1')).toEqual({ ok: false, resetMs: 45_000 });
    expect(limits.admitRest('127.0.0.1', '/api/v1/bullet-public')).toEqual({ ok: true });
    now = 1_060_000;
    expect(limits.admitConnection('127.0.0.1')).toEqual({ ok: true });
    expect(limits.records('connection').map((r) => r.refused)).toEqual([false, false, true, false]);
  });

  it('refuses every REST call while exhausted from outside, telling when it ends', () => {
    const limits = new PerIpLimiter({ clock });
    limits.exhaustRest(2_500);
    now += 1_000;
    expect(limits.admitRest('127.0.0.1', '/api/v1/bullet-public')).toEqual({ ok: false, resetMs: 1_500 });
    expect(limits.admitConnection('127.0.0.1')).toEqual({ ok: true });
    now += 1_500;
    expect(limits.admitRest('127.0.0.1', '/api/v1/bullet-public')).toEqual({ ok: true });
    expect(limits.log.map((r) => [r.at - 1_000_000, r.kind, r.refused, r.resetMs])).toEqual([
      [1_000, 'rest', true, 1_500],
      [1_000, 'connection', false, undefined],
      [2_500, 'rest', false, undefined],
    ]);
  });

  it('weighs the futures contract, mark-price and index paths by the spec, the mark price per host', () => {
    expect(restPathWeight('/api/v1/contracts/active')).toBe(3);
    expect(restPathWeight('/api/v1/contracts/XBTUSDTM', 'futures')).toBe(3);
    expect(restPathWeight('/api/v1/mark-price/XBTUSDTM/current', 'futures')).toBe(3);
    expect(restPathWeight('/api/v1/mark-price/BTC-USDT/current', 'spot')).toBe(2);
    expect(restPathWeight('/api/v1/contracts/XBTUSDTM/other')).toBeUndefined();
    expect(restPathWeight('/api/v1/index/query', 'futures')).toBe(2);
    const limits = new PerIpLimiter({ restWeight: 5, clock });
    expect(limits.admitRest('127.0.0.1', '/api/v1/mark-price/XBTUSDTM/current', 'futures')).toEqual({
      ok: true,
    });
    expect(limits.admitRest('127.0.0.1', '/api/v1/contracts/XBTUSDTM', 'futures').ok).toBe(false);
  });
});
