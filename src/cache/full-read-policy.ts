import type { CacheMode } from '../config/collector.config';

export interface FullReadState {
  readonly cacheMode: CacheMode;
  readonly listenersLive: boolean;
  readonly lastSuccessAt?: number;
  readonly lastFailureAt?: number;
  readonly reconcileIntervalMs: number;
  readonly now: number;
}

/**
 * Whether a collector run should read both collection groups in full. In poll mode every run does: the
 * reads are the cache. In listen mode the listeners keep the books current and a full read is only the
 * reconciliation safety net, due once per reconcile interval; while a listener is down, or since a run
 * failed, every run reads again, so the worker falls back to polling instead of going stale.
 */
export function needsFullRead(state: FullReadState): boolean {
  if (state.cacheMode === 'poll' || !state.listenersLive) return true;
  if (state.lastSuccessAt === undefined) return true;
  if (state.lastFailureAt !== undefined && state.lastFailureAt > state.lastSuccessAt) return true;
  return state.now - state.lastSuccessAt >= state.reconcileIntervalMs;
}
