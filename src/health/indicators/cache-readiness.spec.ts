import type { CacheStats } from '../../cache/symbol-cache';
import { cacheProblems, collectionErrorKind, cronIntervalMs } from './cache-readiness';

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
    listenerFailures: 0,
    positions: 0,
    triggers: 0,
    symbols: { spot: 0, futures: 0 },
    pending: { count: 0, retrying: 0, earliestTickTime: {} },
    ...overrides,
  };
}

describe('cacheProblems', () => {
  it('is not ready before the first successful collection, by code and without the error text', () => {
    expect(
      cacheProblems(
        stats({ lastSuccessAt: undefined, lastError: '14 UNAVAILABLE: at 10.0.0.7' }),
        NOW,
        POLICY,
      ),
    ).toEqual(['no_collection_yet']);
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
      'collection_stale',
    ]);
  });

  it('reports an outage at once when a collection fails while the listeners are down', () => {
    const problems = cacheProblems(
      stats({ lastSuccessAt: NOW - 31_000, lastFailureAt: NOW - 1_000, lastError: '14 UNAVAILABLE' }),
      NOW,
      POLICY,
    );
    expect(problems).toEqual(['last_collection_failed', 'listeners_down']);
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
    expect(problems).toEqual(['last_collection_failed']);
  });

  it('ignores a failure that a later success has superseded', () => {
    expect(
      cacheProblems(stats({ lastFailureAt: NOW - 5_000, lastSuccessAt: NOW - 1_000 }), NOW, POLICY),
    ).toEqual([]);
  });
});

describe('collectionErrorKind', () => {
  it.each([
    [
      '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.1.2.3:443',
      'unavailable',
    ],
    ['Firestore probe failed: 4 DEADLINE_EXCEEDED: Deadline exceeded', 'deadline_exceeded'],
    ['7 PERMISSION_DENIED: Missing or insufficient permissions.', 'permission_denied'],
    ['the read did not answer within 20000 ms', 'timeout'],
    ['too many listener changes during the read', 'other'],
  ])('%s is %s', (message, kind) => {
    expect(collectionErrorKind(message)).toBe(kind);
  });

  it('has nothing to say without an error', () => {
    expect(collectionErrorKind(undefined)).toBeUndefined();
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
