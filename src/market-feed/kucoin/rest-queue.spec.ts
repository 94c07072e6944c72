import type { Tick } from '../../domain/market';
import { fetchCatchUpTick } from './kucoin-rest';
import { RateLimitPenalty } from './rate-limit-penalty';
import { TokenBucket } from './rate-limiters';
import { type RestFailure, RestQueue } from './rest-queue';
import { systemClock } from '../../timing/clock';
import { fakeKucoin } from '../../../test/support/doubles/fake-kucoin';

const flush = (): Promise<void> => jest.advanceTimersByTimeAsync(0);

function setup(bucket = new TokenBucket(4, 1_000), penalty = new RateLimitPenalty()) {
  const kucoin = fakeKucoin();
  type Result = Tick | 'empty' | 'invalid_price' | RestFailure;
  const results: Array<[string, Result]> = [];
  const retries: boolean[] = [];
  const reasons: (string | undefined)[] = [];
  const queue = new RestQueue({
    clock: systemClock,
    bucket,
    penalty,
    market: 'futures',
    source: 'catch_up',
    weight: 2,
    concurrency: 8,
    fetchOne: (symbol) =>
      fetchCatchUpTick(kucoin.fetch, 'futures', 'https://f.test', symbol, () => systemClock.now()),
    onResult: (symbol, result, _requestedAt, willRetry, reason) => {
      results.push([symbol, result]);
      retries.push(willRetry);
      reasons.push(reason);
    },
  });
  return { kucoin, queue, results, retries, reasons };
}

describe('RestQueue (the ticker catch-up)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fetches each symbol once, within the token bucket, as catch-up ticks', async () => {
    const { kucoin, queue, results } = setup();
    queue.enqueue(['A', 'B', 'A', 'C']);
    await flush();
    expect(kucoin.fetchedUrls).toEqual([
      'https://f.test/api/v1/ticker?symbol=A',
      'https://f.test/api/v1/ticker?symbol=B',
    ]);
    await jest.advanceTimersByTimeAsync(499);
    expect(kucoin.fetchedUrls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(kucoin.fetchedUrls).toHaveLength(3);
    expect(results.map(([s, r]) => [s, typeof r === 'string' ? r : r.source])).toEqual([
      ['A', 'catch_up'],
      ['B', 'catch_up'],
      ['C', 'catch_up'],
    ]);
    expect(queue.pending).toBe(0);
  });

  it('reports unknown symbols as empty and drops answers after clear()', async () => {
    const { kucoin, queue, results } = setup(new TokenBucket(100, 1_000));
    kucoin.ticker = (symbol) => (symbol === 'NOPE' ? {} : { price: '5' });
    queue.enqueue(['NOPE']);
    await flush();
    expect(results).toEqual([['NOPE', 'empty']]);
    queue.enqueue(['A']);
    queue.clear();
    await flush();
    expect(results).toHaveLength(1);
  });

  it('on 429 pauses for gw-ratelimit-reset, then retries', async () => {
    const { kucoin, queue, results } = setup(new TokenBucket(100, 1_000));
    let limited = true;
    kucoin.ticker = () => (limited ? { status: 429 } : { price: '7' });
    queue.enqueue(['A']);
    await flush();
    expect(results).toEqual([['A', 'rate_limited']]);
    limited = false;
    await jest.advanceTimersByTimeAsync(4_999);
    expect(kucoin.fetchedUrls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(kucoin.fetchedUrls).toHaveLength(2);
    expect(results[1][1]).toMatchObject({ symbol: 'A', price: 7, source: 'catch_up' });
  });

  it("waits out a pause another caller's 429 started, and its own 429 pauses the others", async () => {
    const penalty = new RateLimitPenalty();
    const { kucoin, queue } = setup(new TokenBucket(100, 1_000), penalty);
    penalty.restRefused(Date.now(), 'spot', 'token', 3_000);
    queue.enqueue(['A']);
    await jest.advanceTimersByTimeAsync(2_999);
    expect(kucoin.fetchedUrls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(kucoin.fetchedUrls).toHaveLength(1);

    kucoin.ticker = () => ({ status: 429 });
    queue.enqueue(['B']);
    await flush();
    expect(penalty.restWaitMs(Date.now())).toBe(5_000);
    expect(penalty.connectionWaitMs(Date.now())).toBe(5_000);
  });

  it('tries a failed fetch again after 1 s, 2 s, ... until it answers', async () => {
    const { kucoin, queue, results } = setup(new TokenBucket(100, 1_000));
    let failures = 2;
    kucoin.ticker = () => (failures-- > 0 ? { status: 503 } : { price: '9' });
    queue.enqueue(['A']);
    await flush();
    await jest.advanceTimersByTimeAsync(999);
    expect(kucoin.fetchedUrls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(kucoin.fetchedUrls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1_999);
    expect(kucoin.fetchedUrls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(results.map(([, r]) => (typeof r === 'string' ? r : r.price))).toEqual(['error', 'error', 9]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(kucoin.fetchedUrls).toHaveLength(3);
  });

  it('gives up after five retries, and does not retry a 4xx, saying which answer was the last', async () => {
    const { kucoin, queue, results, retries, reasons } = setup(new TokenBucket(100, 1_000));
    kucoin.ticker = (symbol) => ({ status: symbol === 'BAD' ? 400 : 500 });
    queue.enqueue(['A', 'BAD']);
    await jest.advanceTimersByTimeAsync(120_000);
    const fetched = (symbol: string): number =>
      kucoin.fetchedUrls.filter((u) => u.endsWith(`=${symbol}`)).length;
    expect(fetched('A')).toBe(6);
    expect(fetched('BAD')).toBe(1);
    expect(results.every(([, r]) => r === 'error')).toBe(true);
    const finalFor = (symbol: string): boolean[] =>
      results.flatMap(([s], i) => (s === symbol ? [retries[i]] : []));
    expect(finalFor('A')).toEqual([true, true, true, true, true, false]);
    expect(finalFor('BAD')).toEqual([false]);
    // Each failure carries the answer's error text for the logs.
    const reasonsFor = (symbol: string): (string | undefined)[] =>
      results.flatMap(([s], i) => (s === symbol ? [reasons[i]] : []));
    expect(reasonsFor('BAD')).toEqual([expect.stringContaining('400')]);
    expect(reasonsFor('A').every((reason) => reason?.includes('500'))).toBe(true);
  });

  it('gives no failure text with an answer', async () => {
    const { kucoin, queue, results, reasons } = setup();
    kucoin.ticker = () => ({ price: '100' });
    queue.enqueue(['A']);
    await flush();
    expect(results.map(([, result]) => typeof result)).toEqual(['object']);
    expect(reasons).toEqual([undefined]);
  });

  it('cancels a pending retry on clear()', async () => {
    const { kucoin, queue } = setup(new TokenBucket(100, 1_000));
    kucoin.ticker = () => ({ status: 500 });
    queue.enqueue(['A']);
    await flush();
    queue.clear();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(kucoin.fetchedUrls).toHaveLength(1);
  });
});
