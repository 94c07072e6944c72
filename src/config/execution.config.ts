import { registerAs } from '@nestjs/config';
import { intVar, parseEnv } from './parse-env';

/** How hits become Firestore transactions: concurrency, retries, and how long shutdown waits for them. */
export const executionConfig = registerAs('execution', () => {
  const env = parseEnv({
    EXECUTION_CONCURRENCY: intVar(64, 1, 1_000),
    EXECUTION_MAX_ATTEMPTS: intVar(5, 1, 50),
    EXECUTION_RETRY_BASE_MS: intVar(100, 1, 60_000),
    EXECUTION_RETRY_MAX_MS: intVar(5_000, 1, 300_000),
    EXECUTION_PENDING_RETRY_BASE_MS: intVar(5_000, 1, 600_000),
    EXECUTION_PENDING_RETRY_MAX_MS: intVar(60_000, 1, 3_600_000),
    SHUTDOWN_GRACE_MS: intVar(10_000, 0, 25_000),
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
  };
});
export type ExecutionConfig = ReturnType<typeof executionConfig>;
