import { ManualClock } from '../../test/support/doubles/manual-clock';
import { type ContractMarginsOptions, ContractMarginsService } from './contract-margins.service';
import type { FetchLike } from './kucoin/kucoin-rest';
import { RateLimitPenalty } from './kucoin/rate-limit-penalty';
import { WeightWindow } from './kucoin/rate-limiters';

const API = 'http://kucoin.test';
const REFRESH_MS = 3_600_000;

type Answer = Response | Error;

const contracts = (...rows: [string, number, boolean?][]): Response =>
  new Response(
    JSON.stringify({
      code: '200000',
      data: rows.map(([symbol, maintainMargin, isInverse = false]) => ({
        symbol,
        status: 'Open',
        maintainMargin,
        isInverse,
      })),
    }),
  );
const TABLE = (): Response => contracts(['XBTUSDTM', 0.004], ['XBTUSDM', 0.007, true]);
const http = (status: number, headers: Record<string, string> = {}): Response =>
  new Response('{}', { status, headers });

/** Lets the fake fetch's answer travel through callJson (its body is read asynchronously). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

function setup(answers: Answer[], overrides: Partial<ContractMarginsOptions> = {}) {
  const clock = new ManualClock(1_000_000);
  const calls: { url: string; at: number }[] = [];
  const fetch: FetchLike = (url) => {
    calls.push({ url, at: clock.now() });
    const answer = answers.shift() ?? new Error('no answer scripted');
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const penalty = new RateLimitPenalty();
  const budget = new WeightWindow(1_000, 30_000);
  const results: string[] = [];
  const logs: string[] = [];
  const logger = {
    log: (m: string) => void logs.push(`log ${m}`),
    warn: (m: string) => void logs.push(`warn ${m}`),
    error: (m: string) => void logs.push(`error ${m}`),
  };
  const service = new ContractMarginsService({
    apiUrl: API,
    enabled: true,
    refreshMs: REFRESH_MS,
    random: () => 1, // the 'half' jitter's top: each retry waits its whole ceiling
    io: { clock, fetch, restBudget: budget, ratePenalty: penalty },
    rateLimitSource: 'audit',
    onRefresh: (result) => void results.push(result),
    logger,
    ...overrides,
  });
  let changes = 0;
  service.onChange(() => changes++);
  return { clock, calls, penalty, budget, results, logs, service, changes: () => changes };
}

describe('ContractMarginsService', () => {
  it('loads the table at start and reads it again every refreshMs', async () => {
    const t = setup([TABLE(), contracts(['XBTUSDTM', 0.01], ['XBTUSDM', 0.007, true])]);
    expect(t.service.loaded()).toBe(false);
    t.service.start();
    await settle();
    expect(t.calls).toEqual([{ url: `${API}/api/v1/contracts/active`, at: 1_000_000 }]);
    expect(t.service.loaded()).toBe(true);
    expect(t.service.margin('XBTUSDTM')).toEqual({ isInverse: false, maintenanceMarginRate: 0.004 });
    expect(t.service.margin('XBTUSDM')).toEqual({ isInverse: true, maintenanceMarginRate: 0.007 });
    expect(t.service.margin('ETHUSDTM')).toBeUndefined();
    expect(t.changes()).toBe(1);
    expect(t.budget.used(t.clock.now())).toBe(3);

    t.clock.advance(REFRESH_MS - 1);
    expect(t.calls).toHaveLength(1);
    t.clock.advance(1);
    await settle();
    expect(t.calls).toHaveLength(2);
    expect(t.service.margin('XBTUSDTM')?.maintenanceMarginRate).toBe(0.01);
    expect(t.changes()).toBe(2);
    expect(t.results).toEqual(['success', 'success']);
    expect(t.service.status()).toEqual({
      enabled: true,
      loaded: true,
      contracts: 2,
      skippedRows: 0,
      lastSuccessAt: 1_000_000 + REFRESH_MS,
      consecutiveFailures: 0,
    });
  });

  it('notifies listeners only when a value changed, and stops notifying one removed', async () => {
    const t = setup([TABLE(), TABLE(), contracts(['XBTUSDTM', 0.004])]);
    let second = 0;
    const remove = t.service.onChange(() => second++);
    t.service.start();
    await settle();
    expect([t.changes(), second]).toEqual([1, 1]);
    t.clock.advance(REFRESH_MS);
    await settle();
    expect([t.changes(), second]).toEqual([1, 1]); // the same table again
    remove();
    t.clock.advance(REFRESH_MS);
    await settle();
    expect([t.changes(), second]).toEqual([2, 1]); // XBTUSDM delisted
    expect(t.service.margin('XBTUSDM')).toBeUndefined();
  });

  it('keeps the last table through failed reads, retrying on backoff until one succeeds', async () => {
    const refused = http(503);
    const t = setup([TABLE(), refused, new Error('ECONNRESET'), contracts(['XBTUSDTM', 0.005])]);
    t.service.start();
    await settle();
    t.clock.advance(REFRESH_MS);
    await settle();
    expect(t.service.margin('XBTUSDTM')?.maintenanceMarginRate).toBe(0.004);
    expect(t.logs).toEqual([expect.stringMatching(/^warn .*HTTP 503.*keeping the last 2 contracts.*1 s$/)]);
    t.clock.advance(999);
    expect(t.calls).toHaveLength(2);
    t.clock.advance(1); // 1 s after the failure
    await settle();
    expect(t.calls).toHaveLength(3);
    expect(t.service.status()).toMatchObject({ loaded: true, contracts: 2, consecutiveFailures: 2 });
    t.clock.advance(2_000); // then 2 s
    await settle();
    expect(t.calls.map((c) => c.at - t.calls[1].at)).toEqual([-REFRESH_MS, 0, 1_000, 3_000]);
    expect(t.service.margin('XBTUSDTM')?.maintenanceMarginRate).toBe(0.005);
    expect(t.results).toEqual(['success', 'failure', 'failure', 'success']);
    expect(t.logs).toHaveLength(3);
    expect(t.logs[2]).toBe('log contract margins read again after 2 failures');
    // Back on the interval.
    t.clock.advance(REFRESH_MS - 1);
    expect(t.calls).toHaveLength(4);
    expect(t.clock.pendingTimers).toEqual([1]);
  });

  it('retries a first read that fails, and counts an answer with no usable contract as failed', async () => {
    const noRows = contracts();
    const errorCode = new Response(JSON.stringify({ code: '400100', msg: 'no' }));
    const t = setup([noRows, errorCode, TABLE()]);
    t.service.start();
    await settle();
    expect(t.service.loaded()).toBe(false);
    expect(t.logs[0]).toMatch(/no usable contract.*no contracts yet/);
    t.clock.advance(1_000);
    await settle();
    t.clock.advance(2_000);
    await settle();
    expect(t.results).toEqual(['failure', 'failure', 'success']);
    expect(t.service.loaded()).toBe(true);
    expect(t.changes()).toBe(1);
  });

  it('never retries later than the next regular read would come', async () => {
    const failures = Array.from({ length: 12 }, () => new Error('down'));
    const t = setup([TABLE(), ...failures], { refreshMs: 60_000 });
    t.service.start();
    await settle();
    for (let i = 0; i < 8; i++) {
      t.clock.advance(t.clock.pendingTimers[0]);
      await settle();
    }
    const gaps = t.calls.slice(1).map((c, i, all) => (i === 0 ? 0 : c.at - all[i - 1].at));
    expect(gaps).toEqual([0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
  });

  it('after a 429 pauses every KuCoin caller and asks nothing until the reset has passed', async () => {
    const t = setup([TABLE(), http(429, { 'gw-ratelimit-reset': '5000' }), TABLE()]);
    t.service.start();
    await settle();
    t.clock.advance(REFRESH_MS);
    await settle();
    expect(t.penalty.restWaitMs(t.clock.now())).toBe(5_000);
    expect(t.results).toEqual(['success', 'failure']);
    t.clock.advance(4_999);
    await settle();
    expect(t.calls).toHaveLength(2);
    t.clock.advance(1);
    await settle();
    expect(t.calls).toHaveLength(3);
    expect(t.results).toEqual(['success', 'failure', 'success']);
  });

  it("waits out another caller's rate-limit pause and a spent budget before its first read", async () => {
    const t = setup([TABLE()]);
    t.penalty.restRefused(t.clock.now(), 'spot', 'catch_up', 10_000);
    t.budget.tryTake(t.clock.now(), 999);
    t.service.start();
    t.clock.advance(10_000); // the pause is over; the budget is spent until 30 s
    expect(t.calls).toHaveLength(0);
    t.clock.advance(19_999);
    expect(t.calls).toHaveLength(0);
    t.clock.advance(1);
    await settle();
    expect(t.calls).toHaveLength(1);
    expect(t.service.loaded()).toBe(true);
  });

  it('fetches nothing when disabled', () => {
    const t = setup([TABLE()], { enabled: false });
    t.service.start();
    t.clock.advance(REFRESH_MS * 2);
    expect(t.calls).toHaveLength(0);
    expect(t.service.status()).toMatchObject({ enabled: false, loaded: false, contracts: 0 });
  });

  it('leaves no timer after stop() and ignores a read that answers after it', async () => {
    const t = setup([TABLE()]);
    t.service.start();
    t.service.stop();
    await settle();
    expect(t.service.loaded()).toBe(false);
    expect(t.clock.pendingTimers).toEqual([]);
    expect(t.changes()).toBe(0);
  });

  it('keeps notifying the other listeners when one throws', async () => {
    const t = setup([TABLE()]);
    t.service.onChange(() => {
      throw new Error('boom');
    });
    let last = 0;
    t.service.onChange(() => last++);
    t.service.start();
    await settle();
    expect([t.changes(), last]).toEqual([1, 1]);
    expect(t.logs).toEqual(['error contract margins: a change listener threw: boom']);
  });
});
