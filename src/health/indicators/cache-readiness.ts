import { CronTime } from 'cron';
import type { CacheStats } from '../../cache/symbol-cache';

/** Milliseconds between two runs of the cron expression (the gap after the next run). */
export function cronIntervalMs(expression: string): number {
  const [first, second] = new CronTime(expression).sendAt(2);
  return second.toMillis() - first.toMillis();
}

export interface CacheReadinessPolicy {
  readonly intervalMs: number;
  /** Collector intervals a last success may be old before the books count as stale. */
  readonly missedRunsTolerated: number;
}

/**
 * Why the books cannot be trusted yet, or no longer; empty when they can. The first collection must have
 * succeeded. A collection that failed since the last success is an outage (the listeners retry quietly
 * and cannot tell one), reported at once. Otherwise the books are fresh while the listeners are live
 * (listen mode) or while the last collection is recent.
 */
export function cacheProblems(stats: CacheStats, now: number, policy: CacheReadinessPolicy): string[] {
  if (stats.lastSuccessAt === undefined) {
    return [`no collection has succeeded yet${stats.lastError ? ` (last error: ${stats.lastError})` : ''}`];
  }
  const problems: string[] = [];
  if (stats.lastFailureAt !== undefined && stats.lastFailureAt > stats.lastSuccessAt) {
    problems.push(`the last collection failed: ${stats.lastError ?? 'unknown error'}`);
  }
  if (stats.listenersLive) return problems;
  const maxAgeMs = policy.intervalMs * policy.missedRunsTolerated;
  const ageMs = now - stats.lastSuccessAt;
  if (ageMs > maxAgeMs)
    problems.push(`the last successful collection is ${ageMs} ms old (limit ${maxAgeMs} ms)`);
  if (stats.cacheMode === 'listen' && problems.length > 0)
    problems.push('the Firestore listeners are not live');
  return problems;
}
