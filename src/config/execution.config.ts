import { registerAs } from '@nestjs/config';
import { DEFAULT_CACHE_TIMING } from '../cache/cache.constants';
import { IN_FLIGHT_SETTLE_MS } from '../execution/execution.constants';
import { intVar, parseEnv, requireAtMost } from './parse-env';

/** The process exits on its own this long before Kubernetes' SIGKILL, so the exit (and its log) is ours. */
export const HARD_DEADLINE_MARGIN_MS = 2_000;

/** Closing the sockets, the Firestore listeners and client, and the last log lines. */
const CLOSE_MS = 1_000;

/**
 * What a shutdown needs inside TERMINATION_GRACE_MS besides SHUTDOWN_GRACE_MS (10 s). Nest runs the
 * modules' shutdown hooks one module after another, so these add up: the collector's wait for a read
 * still running (5 s), the transactions already on the wire after the grace (2 s), closing (1 s), and
 * the hard deadline's margin before SIGKILL (2 s).
 */
export const SHUTDOWN_OVERHEAD_MS =
  DEFAULT_CACHE_TIMING.shutdownWaitMs + IN_FLIGHT_SETTLE_MS + CLOSE_MS + HARD_DEADLINE_MARGIN_MS;

/** When shutdown.ts gives up and exits 1: the termination grace less the margin before SIGKILL. */
export function hardDeadlineMs(terminationGraceMs: number): number {
  return terminationGraceMs - HARD_DEADLINE_MARGIN_MS;
}

/** How hits become Firestore transactions: concurrency, retries, and how long shutdown waits for them. */
export const executionConfig = registerAs('execution', () => {
  const env = parseEnv({
    EXECUTION_CONCURRENCY: intVar(64, 1, 1_000),
    EXECUTION_MAX_ATTEMPTS: intVar(5, 1, 50),
    EXECUTION_RETRY_BASE_MS: intVar(100, 1, 60_000),
    EXECUTION_RETRY_MAX_MS: intVar(5_000, 1, 300_000),
    EXECUTION_PENDING_RETRY_BASE_MS: intVar(5_000, 1, 600_000),
    EXECUTION_PENDING_RETRY_MAX_MS: intVar(60_000, 1, 3_600_000),
    // Kubernetes' terminationGracePeriodSeconds, in ms: SIGKILL comes this long after SIGTERM.
    TERMINATION_GRACE_MS: intVar(30_000, SHUTDOWN_OVERHEAD_MS, 3_600_000),
    SHUTDOWN_GRACE_MS: intVar(10_000, 0, 3_600_000),
  });
  requireAtMost(env, 'EXECUTION_RETRY_BASE_MS', 'EXECUTION_RETRY_MAX_MS');
  requireAtMost(env, 'EXECUTION_PENDING_RETRY_BASE_MS', 'EXECUTION_PENDING_RETRY_MAX_MS');
  requireAtMost(env, 'SHUTDOWN_GRACE_MS', 'TERMINATION_GRACE_MS', {
    margin: SHUTDOWN_OVERHEAD_MS,
    why: ', the time the rest of the shutdown needs before SIGKILL',
  });
  return {
    concurrency: env.EXECUTION_CONCURRENCY,
    maxAttempts: env.EXECUTION_MAX_ATTEMPTS,
    retryBaseMs: env.EXECUTION_RETRY_BASE_MS,
    /** Cap on one backoff delay; the exponential growth would otherwise reach hours at high attempt counts. */
    retryMaxMs: env.EXECUTION_RETRY_MAX_MS,
    /**
     * After the fast attempts a crossing stays pending and is retried on this longer backoff, for as long as
     * it takes: it never needs the price to cross again.
     */
    pendingRetryBaseMs: env.EXECUTION_PENDING_RETRY_BASE_MS,
    pendingRetryMaxMs: env.EXECUTION_PENDING_RETRY_MAX_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    /** SIGTERM to SIGKILL; shutdown.ts exits by itself HARD_DEADLINE_MARGIN_MS before it. */
    terminationGraceMs: env.TERMINATION_GRACE_MS,
  };
});
export type ExecutionConfig = ReturnType<typeof executionConfig>;
