/** An exponential backoff: attempt n (0-based) waits up to min(maxMs, baseMs * 2^n). */
export interface BackoffPolicy {
  /** Ceiling of the first attempt's delay, in ms. */
  readonly baseMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxMs: number;
  /**
   * How the delay is drawn below the ceiling. `full` (the default): uniform in [0, ceiling) — "full jitter"
   * (AWS architecture blog), which keeps many clients that failed together from retrying together.
   * `half`: in [ceiling / 2, ceiling], never much sooner than planned. `none`: the ceiling itself.
   */
  readonly jitter?: 'full' | 'half' | 'none';
}

/** The exponential ceiling for a 0-based attempt: min(maxMs, baseMs * 2^attempt), safe for huge attempts. */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

/** The delay before the 0-based `attempt`, in whole ms; `random` returns values in [0, 1). */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(policy, attempt);
  switch (policy.jitter ?? 'full') {
    case 'full':
      return Math.floor(Math.min(Math.max(random(), 0), 0.999999) * ceiling);
    case 'half':
      return Math.round(ceiling * (0.5 + random() * 0.5));
    case 'none':
      return ceiling;
  }
}
