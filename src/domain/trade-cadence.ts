/**
 * A symbol's usual spacing between trades, to tell a topic that stalled and resumed from a quiet market.
 *
 * KuCoin's trade sequences are not contiguous (only order-book topics are gap-free chains), so a topic that
 * withholds pushes for a while and then resumes on its own leaves no mark in the stream but one: the next
 * trade comes after an exchange-time pause far longer than the symbol's usual spacing. Such a pause gets its
 * gap recovered from the trade history, as after a reconnect. Exchange time, not arrival time, so a slow
 * consumer or a stalled event loop does not look like a stalled topic. Pure.
 */
export interface TradeCadence {
  /** Smoothed spacing between consecutive trades, ms of exchange time. */
  meanGapMs: number;
  /** Spacings observed so far. */
  samples: number;
}

/** Below this a pause is never unusual: busy symbols pause for a second now and then. */
export const PAUSE_FLOOR_MS = 1_000;
/**
 * How many usual spacings make a pause unusual. For trades arriving at random (Poisson), a gap of 10
 * mean gaps has probability e^-10 (about 1 in 22,000 trades), so a steady symbol rarely costs a check.
 */
export const PAUSE_FACTOR = 10;
/** Spacings observed before pauses are judged: a new symbol's cadence is not known yet. */
export const CADENCE_MIN_SAMPLES = 16;
const SMOOTHING = 1 / 16;

export function newCadence(): TradeCadence {
  return { meanGapMs: 0, samples: 0 };
}

/** The pause beyond which a gap before a trade may hide withheld trades. */
export function pauseLimit(cadence: TradeCadence): number {
  return Math.max(PAUSE_FLOOR_MS, PAUSE_FACTOR * cadence.meanGapMs);
}

export function isUnusualPause(cadence: TradeCadence, gapMs: number): boolean {
  return cadence.samples >= CADENCE_MIN_SAMPLES && gapMs > pauseLimit(cadence);
}

/**
 * Takes one spacing into the mean: a plain average until the minimum sample count, then exponential. A
 * spacing is capped at the pause limit, so one outage does not teach the symbol that hour-long pauses are usual.
 */
export function observeGap(cadence: TradeCadence, gapMs: number): void {
  const gap = Math.min(Math.max(0, gapMs), pauseLimit(cadence));
  const weight = cadence.samples < CADENCE_MIN_SAMPLES ? 1 / (cadence.samples + 1) : SMOOTHING;
  cadence.meanGapMs += (gap - cadence.meanGapMs) * weight;
  cadence.samples++;
}
