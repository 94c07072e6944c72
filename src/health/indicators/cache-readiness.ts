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
 * Why the books are not ready, as stable codes for the readiness body and for alerts to match on. The
 * raw error text stays in the logs (the collector logs every failure where it happens): it may carry
 * hosts, project ids or document paths, and it changes with every library version.
 */
export type CacheProblem =
  'no_collection_yet' | 'last_collection_failed' | 'collection_stale' | 'listeners_down';

/** What kind of error the last failed collection met: a gRPC status name, a timeout, or `other`. */
export type CollectionErrorKind =
  | 'unavailable'
  | 'deadline_exceeded'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'internal'
  | 'cancelled'
  | 'aborted'
  | 'timeout'
  | 'other';

const GRPC_KINDS: ReadonlyArray<[RegExp, CollectionErrorKind]> = [
  [/\bUNAVAILABLE\b/, 'unavailable'],
  [/\bDEADLINE_EXCEEDED\b/, 'deadline_exceeded'],
  [/\bPERMISSION_DENIED\b/, 'permission_denied'],
  [/\bUNAUTHENTICATED\b/, 'unauthenticated'],
  [/\bRESOURCE_EXHAUSTED\b/, 'resource_exhausted'],
  [/\bFAILED_PRECONDITION\b/, 'failed_precondition'],
  [/\bINTERNAL\b/, 'internal'],
  [/\bCANCELLED\b/, 'cancelled'],
  [/\bABORTED\b/, 'aborted'],
  [/did not answer within/, 'timeout'],
];

/** Maps an error message to one of a small fixed set, safe to show to any caller of /health/ready. */
export function collectionErrorKind(message: string | undefined): CollectionErrorKind | undefined {
  if (message === undefined) return undefined;
  return GRPC_KINDS.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
}

/**
 * Why the books cannot be trusted yet, or no longer; empty when they can. They must have been loaded whole
 * once (`lastSuccessAt`: a full read, or in listen mode both listeners' first snapshots; `no_collection_yet`
 * keeps its name, alerts match it). A collection that failed since the last success is an outage (the
 * listeners retry quietly and cannot tell one), reported at once. Otherwise the books are fresh while the
 * listeners are live (listen mode) or while the last collection is recent.
 */
export function cacheProblems(stats: CacheStats, now: number, policy: CacheReadinessPolicy): CacheProblem[] {
  if (stats.lastSuccessAt === undefined) return ['no_collection_yet'];
  const problems: CacheProblem[] = [];
  if (stats.lastFailureAt !== undefined && stats.lastFailureAt > stats.lastSuccessAt) {
    problems.push('last_collection_failed');
  }
  if (stats.listenersLive) return problems;
  if (now - stats.lastSuccessAt > staleAfterMs(policy)) problems.push('collection_stale');
  if (stats.cacheMode === 'listen' && problems.length > 0) problems.push('listeners_down');
  return problems;
}

/** How old the last successful collection may be while the listeners are down (or in poll mode). */
export function staleAfterMs(policy: CacheReadinessPolicy): number {
  return policy.intervalMs * policy.missedRunsTolerated;
}
