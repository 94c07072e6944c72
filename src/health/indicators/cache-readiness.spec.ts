import type { CacheStats } from '../../cache/symbol-cache';
import { cacheProblems, cronIntervalMs } from './cache-readiness';

const NOW = 10_000_000;
const POLICY = { intervalMs: 30_000, missedRunsTolerated: 3 };

function stats(overrides: Partial<CacheStats> = {}): CacheStats {
  return {
    cacheMode: 'listen',
    collections: 1,
    lastSuccessAt: NOW - 1_000,
    consecutiveFailures: 0,
    skippedRuns: 0,
    listenersLive: false,
    listeners: { openPositions: false, tradeTriggers: false },
    positions: 0,
    triggers: 0,
    symbols: { spot: 0, futures: 0 },
    pending: { count: 0, retrying: 0, earliestTickTime: {} },
    ...overrides,
  };
}

describe('cacheProblems', () => {
  it('is not ready before the first successful collection, naming the last error', () => {
    expect(cacheProblems(stats({ lastSuccessAt: undefined, lastError: 'UNAVAILABLE' }), NOW, POLICY)).toEqual(
      ['no collection has succeeded yet (last error: UNAVAILABLE)'],
    );
  });

  it('is ready while the listeners are live, however old the last collection', () => {
    expect(
      cacheProblems(stats({ listenersLive: true, lastSuccessAt: NOW - 3_600_000 }), NOW, POLICY),
    ).toEqual([]);
  });

  it('is ready in poll mode with a recent collection', () => {
    expect(cacheProblems(stats({ cacheMode: 'poll', lastSuccessAt: NOW - 89_000 }), NOW, POLICY)).toEqual([]);
  });

  it('is stale after the tolerated number of missed runs', () => {
    expect(cacheProblems(stats({ cacheMode: 'poll', lastSuccessAt: NOW - 90_001 }), NOW, POLICY)).toEqual([
      'the last successful collection is 90001 ms old (limit 90000 ms)',
    ]);
  });

  it('reports an outage at once when a collection fails while the listeners are down', () => {
    const problems = cacheProblems(
      stats({ lastSuccessAt: NOW - 31_000, lastFailureAt: NOW - 1_000, lastError: '14 UNAVAILABLE' }),
      NOW,
      POLICY,
    );
    expect(problems).toEqual([
      'the last collection failed: 14 UNAVAILABLE',
      'the Firestore listeners are not live',
    ]);
  });

  it('reports a failed collection even while the listeners claim to be live: they retry an outage quietly', () => {
    const problems = cacheProblems(
      stats({
        listenersLive: true,
        lastSuccessAt: NOW - 31_000,
        lastFailureAt: NOW - 1_000,
        lastError: 'the read did not answer within 20000 ms',
      }),
      NOW,
      POLICY,
    );
    expect(problems).toEqual(['the last collection failed: the read did not answer within 20000 ms']);
  });

  it('ignores a failure that a later success has superseded', () => {
    expect(
      cacheProblems(stats({ lastFailureAt: NOW - 5_000, lastSuccessAt: NOW - 1_000 }), NOW, POLICY),
    ).toEqual([]);
  });
});

describe('cronIntervalMs', () => {
  it.each([
    ['*/30 * * * * *', 30_000],
    ['*/5 * * * * *', 5_000],
    ['0 * * * * *', 60_000],
  ])('%s runs every %d ms', (expression, interval) => {
    expect(cronIntervalMs(expression)).toBe(interval);
  });
});
