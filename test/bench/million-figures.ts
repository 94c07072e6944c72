import { type GcSummary, isolatesOf, summarizeGc } from './gc-trace';
import { type ThreadTime, threadTime } from './thread-time';
import type { EndpointSample, SampledWorker } from './worker-sampler';

/** Ms since the worker was spawned. */
export interface Phases {
  readonly readyAtMs: number;
  /** The reconciliation's full read: from the cron tick that started it to the swap of the books. */
  readonly reconcileStartMs?: number;
  readonly reconcileEndMs?: number;
  readonly endMs: number;
}

export interface PhaseFigures {
  readonly rssPeakBytes: number;
  /** Median of the /proc samples: the level the phase sits at. */
  readonly rssMedianBytes: number;
  /** Largest nodejs_heap_size_used_bytes of the phase's scrapes. */
  readonly heapUsedPeakBytes: number;
  readonly heapUsedMedianBytes: number;
  readonly lagMaxSeconds: number;
  readonly lagMaxAtMs: number;
  /** The main thread between the scrape before the worst stall's and that scrape: work or a busy machine. */
  readonly lagMaxThread?: ThreadTime;
  /** The same for the five longest stalls, longest first. */
  readonly longestLags: readonly {
    readonly lagMs: number;
    readonly atMs: number;
    readonly thread?: ThreadTime;
  }[];
  /** The main thread over the whole phase. */
  readonly thread?: ThreadTime;
  /**
   * The longest wait for a scrape answer beyond the sampling interval, ending at `unansweredAtMs`: the loop
   * was blocked (or starved) at least that long. prom-client's maximum can miss a stall: when the queued
   * scrape is served before the delay monitor's timer runs, the reset discards the stall unrecorded.
   */
  readonly unansweredMaxMs: number;
  readonly unansweredAtMs: number;
  /** The main thread's collections (its heap is what nodejs_heap_* reports). */
  readonly gc: GcSummary;
  /** Each worker thread's (the listeners'), largest peak first: heaps of their own, beside the main one. */
  readonly threads: GcSummary[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[sorted.length >> 1];
};

/** What the samples show between `fromMs` (inclusive) and `toMs` (exclusive). */
export function phaseFigures(worker: SampledWorker, fromMs: number, toMs: number): PhaseFigures {
  const rss = worker.proc.filter((s) => s.atMs >= fromMs && s.atMs < toMs).map((s) => s.rssBytes);
  const scrapes = worker.endpoints.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  const heap = scrapes.map((s) => s.heapUsedBytes);
  // A scrape's lag maximum covers the time since the previous scrape, so it belongs to the phase it ends in.
  const worstLag = scrapes.reduce<EndpointSample | undefined>(
    (worst, s) => (worst && worst.lagMaxSeconds >= s.lagMaxSeconds ? worst : s),
    undefined,
  );
  const mainIsolate = isolatesOf(worker.gc)[0] ?? '';
  const around = (scrape: EndpointSample): ThreadTime | undefined => {
    const previous = worker.endpoints[worker.endpoints.indexOf(scrape) - 1];
    return previous && threadTime(worker.sched, worker.gc, mainIsolate, previous.atMs, scrape.atMs);
  };
  const longestLags = [...scrapes]
    .sort((a, b) => b.lagMaxSeconds - a.lagMaxSeconds)
    .slice(0, 5)
    .map((s) => ({ lagMs: s.lagMaxSeconds * 1_000, atMs: s.atMs, thread: around(s) }));
  let [unansweredMaxMs, unansweredAtMs] = [0, 0];
  for (let i = 1; i < worker.endpoints.length; i++) {
    const [before, after] = [worker.endpoints[i - 1], worker.endpoints[i]];
    const waited = after.atMs - before.atMs - worker.intervalMs;
    if (after.atMs >= fromMs && after.atMs < toMs && waited > unansweredMaxMs)
      [unansweredMaxMs, unansweredAtMs] = [waited, after.atMs];
  }
  return {
    unansweredMaxMs,
    unansweredAtMs,
    rssPeakBytes: Math.max(0, ...rss),
    rssMedianBytes: median(rss),
    heapUsedPeakBytes: Math.max(0, ...heap),
    heapUsedMedianBytes: median(heap),
    lagMaxSeconds: worstLag?.lagMaxSeconds ?? 0,
    lagMaxAtMs: worstLag?.atMs ?? 0,
    lagMaxThread: worstLag && around(worstLag),
    longestLags,
    thread: threadTime(worker.sched, worker.gc, mainIsolate, fromMs, Math.min(toMs, worker.now())),
    gc: summarizeGc(worker.gc, fromMs, toMs, mainIsolate),
    threads: isolatesOf(worker.gc)
      .slice(1)
      .map((isolate) => summarizeGc(worker.gc, fromMs, toMs, isolate))
      .sort((a, b) => b.peakUsedMb - a.peakUsedMb),
  };
}

/**
 * The first scrape after `fromMs` whose successful collector runs exceed `runsBefore`, and when that
 * run started: its end minus its duration (the collector duration histogram's sum grew by exactly it).
 */
export function findReconcile(
  worker: SampledWorker,
  fromMs: number,
  runsBefore: number,
): { startMs: number; endMs: number } | undefined {
  const all = worker.endpoints;
  const done = all.findIndex((s) => s.atMs >= fromMs && (s.collectorRuns.success ?? 0) > runsBefore);
  if (done <= 0) return undefined;
  const seconds = all[done].collectorSecondsSum - all[done - 1].collectorSecondsSum;
  return { startMs: all[done].atMs - seconds * 1_000, endMs: all[done].atMs };
}

export function lastScrape(worker: SampledWorker): EndpointSample | undefined {
  return worker.endpoints[worker.endpoints.length - 1];
}

/** Which phase a time falls in, for saying when the worst stall happened. */
export function phaseOf(phases: Phases, atMs: number): string {
  if (atMs <= phases.readyAtMs) return 'start-up';
  const { reconcileStartMs: start, reconcileEndMs: end } = phases;
  if (start !== undefined && end !== undefined && atMs >= start && atMs <= end + 5_000) return 'reconcile';
  return start !== undefined && atMs > start ? 'after reconcile' : 'steady';
}
