import {
  CADENCE_MIN_SAMPLES,
  PAUSE_FLOOR_MS,
  isUnusualPause,
  newCadence,
  observeGap,
  pauseLimit,
} from './trade-cadence';

function cadenceOf(gapMs: number, samples: number) {
  const cadence = newCadence();
  for (let i = 0; i < samples; i++) observeGap(cadence, gapMs);
  return cadence;
}

describe('trade cadence', () => {
  it('judges no pause before it has seen enough spacings', () => {
    const cadence = cadenceOf(100, CADENCE_MIN_SAMPLES - 1);
    expect(isUnusualPause(cadence, 60_000)).toBe(false);
    observeGap(cadence, 100);
    expect(isUnusualPause(cadence, 60_000)).toBe(true);
  });

  it('a busy symbol: a pause beyond the floor is unusual, one below it never is', () => {
    const cadence = cadenceOf(20, 100);
    expect(cadence.meanGapMs).toBeCloseTo(20, 6);
    expect(pauseLimit(cadence)).toBe(PAUSE_FLOOR_MS);
    expect(isUnusualPause(cadence, PAUSE_FLOOR_MS)).toBe(false);
    expect(isUnusualPause(cadence, PAUSE_FLOOR_MS + 1)).toBe(true);
  });

  it('a quiet symbol: pauses are judged against ten of its own spacings', () => {
    const cadence = cadenceOf(30_000, 200);
    expect(cadence.meanGapMs).toBeCloseTo(30_000, 0);
    expect(isUnusualPause(cadence, 299_000)).toBe(false);
    expect(isUnusualPause(cadence, 301_000)).toBe(true);
  });

  it('one long outage does not teach the symbol that long pauses are usual', () => {
    const cadence = cadenceOf(100, 100);
    observeGap(cadence, 3_600_000);
    // Capped at the limit (1 s): the mean moves by (1000 - 100) / 16 only.
    expect(cadence.meanGapMs).toBeCloseTo(100 + 900 / 16, 6);
    expect(isUnusualPause(cadence, 5_000)).toBe(true);
  });

  it('treats a negative spacing (clock skew between trades) as none', () => {
    const cadence = cadenceOf(100, 100);
    observeGap(cadence, -5_000);
    expect(cadence.meanGapMs).toBeCloseTo(100 - 100 / 16, 6);
  });
});
