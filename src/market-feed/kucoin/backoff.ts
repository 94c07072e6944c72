export interface BackoffPolicy {
  /** Ceiling of the first retry's delay, in ms. */
  readonly baseMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxMs: number;
}

/** The exponential ceiling for a 0-based attempt: min(maxMs, baseMs * 2^attempt), safe for huge attempts. */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

/**
 * "Full jitter" (AWS architecture blog): a uniform delay in [0, ceiling). Spreading reconnects over the whole
 * window keeps many clients that dropped together from reconnecting together and tripping the
 * 30-connections-per-minute limit.
 */
export function fullJitterDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const r = Math.min(Math.max(random(), 0), 0.999999);
  return Math.floor(r * backoffCeiling(policy, attempt));
}
