import { FullReadState, needsFullRead } from './full-read-policy';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;

function state(overrides: Partial<FullReadState> = {}): FullReadState {
  return {
    cacheMode: 'listen',
    listenersLive: true,
    lastSuccessAt: NOW - 60_000,
    reconcileIntervalMs: HOUR,
    firstSnapshotTimeoutMs: 300_000,
    now: NOW,
    ...overrides,
  };
}

describe('needsFullRead', () => {
  it('always reads in poll mode', () => {
    expect(needsFullRead(state({ cacheMode: 'poll', listenersLive: false }))).toBe(true);
  });

  it('skips the read in listen mode while the listeners are live and the last reconciliation is recent', () => {
    expect(needsFullRead(state())).toBe(false);
    expect(needsFullRead(state({ lastSuccessAt: NOW - HOUR + 1 }))).toBe(false);
  });

  it('reconciles once the interval has passed', () => {
    expect(needsFullRead(state({ lastSuccessAt: NOW - HOUR }))).toBe(true);
  });

  it('falls back to reading on every run while a listener is down', () => {
    expect(needsFullRead(state({ listenersLive: false }))).toBe(true);
    expect(needsFullRead(state({ listenersLive: false, lastSuccessAt: NOW, lastDurationMs: 0 }))).toBe(true);
  });

  it('while a listener is down, waits after a read as long as that read took before the next', () => {
    const down = { listenersLive: false, lastDurationMs: 14 * 60_000 };
    expect(needsFullRead(state({ ...down, lastSuccessAt: NOW - 14 * 60_000 + 1 }))).toBe(false);
    expect(needsFullRead(state({ ...down, lastSuccessAt: NOW - 14 * 60_000 }))).toBe(true);
    // A failure since the last success is retried at once, however long that read took.
    expect(needsFullRead(state({ ...down, lastSuccessAt: NOW - 60_000, lastFailureAt: NOW - 1 }))).toBe(true);
    // With the listeners live the reconcile interval alone decides.
    expect(needsFullRead(state({ lastDurationMs: 14 * 60_000, lastSuccessAt: NOW - HOUR }))).toBe(true);
  });

  it('keeps reading on every run after a failed run until one succeeds', () => {
    expect(needsFullRead(state({ lastFailureAt: NOW - 30_000, lastSuccessAt: NOW - 60_000 }))).toBe(true);
    expect(needsFullRead(state({ lastFailureAt: NOW - 90_000, lastSuccessAt: NOW - 60_000 }))).toBe(false);
  });

  it('reads when nothing has been collected yet', () => {
    expect(needsFullRead(state({ lastSuccessAt: undefined }))).toBe(true);
  });

  it("waits for the listeners' first snapshots as the first load, up to the first-snapshot timeout", () => {
    const starting = { lastSuccessAt: undefined, listenersLive: false };
    expect(needsFullRead(state({ ...starting, firstSnapshotsSince: NOW - 299_999 }))).toBe(false);
    expect(needsFullRead(state({ ...starting, firstSnapshotsSince: NOW - 300_000 }))).toBe(true);
    // Undefined once a listener failed, or in poll mode whatever it holds.
    expect(needsFullRead(state({ ...starting, firstSnapshotsSince: undefined }))).toBe(true);
    expect(needsFullRead(state({ ...starting, cacheMode: 'poll', firstSnapshotsSince: NOW }))).toBe(true);
    // Once loaded, the first snapshots have no say.
    expect(needsFullRead(state({ listenersLive: false, firstSnapshotsSince: NOW }))).toBe(true);
  });

  it('reconciles on every run with an interval of 0', () => {
    expect(needsFullRead(state({ reconcileIntervalMs: 0, lastSuccessAt: NOW }))).toBe(true);
  });
});
