/** Events per second over a sliding window, from a running count sampled now and then. */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 3_000) {}

  /** Records the running total at time `at` (ms) and returns the rate over the window. */
  sample(count: number, at: number): number {
    this.samples.push({ at, count });
    while (this.samples.length > 2 && at - this.samples[1].at >= this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const seconds = (at - first.at) / 1_000;
    return seconds > 0 ? Math.max(0, count - first.count) / seconds : 0;
  }
}
