/** One index price the simulator showed, at its exchange time (ms). */
export interface IndexPoint {
  readonly time: number;
  readonly value: number;
}

export interface IndexHistoryLimits {
  /** Points older than this before the newest one are dropped. Default 24 h. */
  readonly maxAgeMs: number;
  /** Points kept per contract at most, the oldest dropped first. Default 100 000. */
  readonly maxPoints: number;
}

export const INDEX_HISTORY_LIMITS: IndexHistoryLimits = { maxAgeMs: 86_400_000, maxPoints: 100_000 };

/** Once this many dropped points sit at the front of a series, it is compacted (amortised O(1) a drop). */
const COMPACT_AFTER = 1_024;

/**
 * Every index price each contract showed, for KuCoin's index history (GET /api/v1/index/query and index
 * klines). Bounded like the candles, so a simulator pushing every second for days keeps flat memory:
 * one push a second is 86 400 points a day, so the age bound is the one that binds in practice.
 */
export class IndexHistory {
  private readonly series = new Map<string, IndexSeries>();

  constructor(private readonly limits: IndexHistoryLimits = INDEX_HISTORY_LIMITS) {}

  record(symbol: string, time: number, value: number): void {
    let series = this.series.get(symbol);
    if (series === undefined) this.series.set(symbol, (series = new IndexSeries(this.limits)));
    series.record(Math.floor(time), value);
  }

  has(symbol: string): boolean {
    return (this.series.get(symbol)?.size ?? 0) > 0;
  }

  /** The contract's points with `from <= time <= to`, oldest first. */
  range(symbol: string, from: number, to: number): IndexPoint[] {
    return this.series.get(symbol)?.range(from, to) ?? [];
  }
}

/** One contract's points in time order; `head` marks where the kept ones start. */
class IndexSeries {
  private points: IndexPoint[] = [];
  private head = 0;

  constructor(private readonly limits: IndexHistoryLimits) {}

  get size(): number {
    return this.points.length - this.head;
  }

  record(time: number, value: number): void {
    const points = this.points;
    const point = { time, value };
    if (this.size === 0 || time > points[points.length - 1].time) {
      points.push(point);
    } else {
      // KuCoin has one snapshot per time point, so a second value at the same time replaces the first.
      // An earlier time only happens when a test's injected clock goes back; the series stays in order.
      const at = this.firstAtOrAfter(time);
      if (at < points.length && points[at].time === time) points[at] = point;
      else points.splice(at, 0, point);
    }
    this.trim();
  }

  range(from: number, to: number): IndexPoint[] {
    // Times are whole ms, so `time <= to` is `time < floor(to) + 1`.
    return this.points.slice(this.firstAtOrAfter(from), this.firstAtOrAfter(Math.floor(to) + 1));
  }

  private trim(): void {
    const points = this.points;
    const oldest = points[points.length - 1].time - this.limits.maxAgeMs;
    while (this.size > this.limits.maxPoints || (this.size > 0 && points[this.head].time < oldest))
      this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= points.length) {
      this.points = points.slice(this.head);
      this.head = 0;
    }
  }

  /** The index of the first kept point at or after `time` (binary search; `points.length` if none). */
  private firstAtOrAfter(time: number): number {
    let low = this.head;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.points[mid].time < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
