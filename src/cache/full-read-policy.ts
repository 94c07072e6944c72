import type { CacheMode } from '../config/collector.config';

export interface FullReadState {
  readonly cacheMode: CacheMode;
  readonly listenersLive: boolean;
  readonly lastSuccessAt?: number;
  readonly lastFailureAt?: number;
  /** How long the last successful full read took (undefined when the listeners made the first load). */
  readonly lastDurationMs?: number;
  readonly reconcileIntervalMs: number;
  /**
   * Listen mode before the books were ever loaded: since when the listeners' first snapshots have made no
   * progress (SymbolCache.firstSnapshotsSince); undefined once one of them failed.
   */
  readonly firstSnapshotsSince?: number;
  readonly firstSnapshotTimeoutMs: number;
  readonly now: number;
}

/**
 * Whether a collector run should read both collection groups in full. In poll mode every run does: the
 * reads are the cache. In listen mode the listeners keep the books current and a full read is only the
 * reconciliation safety net, due once per reconcile interval; while a listener is down, or since a run
 * failed, runs read again, so the worker falls back to polling instead of going stale. While a listener is
 * down, a read starts no sooner after the last one ended than that one took: reads fill at most half the
 * time, so a collection that takes minutes to read is not read back to back (billed each time) for as long
 * as the listener stays down. At start the
 * listeners' first snapshots are the first load: no full read while they arrive (that would read every
 * document twice), unless one fails or one makes no progress for the first-snapshot timeout.
 */
export function needsFullRead(state: FullReadState): boolean {
  if (state.cacheMode === 'poll') return true;
  if (awaitingFirstSnapshots(state)) return false;
  if (state.lastSuccessAt === undefined) return true;
  if (state.lastFailureAt !== undefined && state.lastFailureAt > state.lastSuccessAt) return true;
  if (!state.listenersLive) return state.now - state.lastSuccessAt >= (state.lastDurationMs ?? 0);
  return state.now - state.lastSuccessAt >= state.reconcileIntervalMs;
}

function awaitingFirstSnapshots(state: FullReadState): boolean {
  const { lastSuccessAt, firstSnapshotsSince: since, now } = state;
  return lastSuccessAt === undefined && since !== undefined && now - since < state.firstSnapshotTimeoutMs;
}
