import { PerformanceObserver } from 'node:perf_hooks';
import { PositionBook } from '../../src/cache/book/position-book';
import { sortPairs, sortPairsByComparison } from '../../src/cache/book/sort-pairs';
import { CacheCore } from '../../src/cache/cache-core';
import { BUILD_TURN_BUDGET_MS } from '../../src/cache/full-read-items';
import type { Located, PositionEntry, TriggerEntry } from '../../src/domain/crossing';
import { settledUsage } from './memory.bench';
import { fresh } from './read-memory.bench';
import { type ScenarioResult, formatNumber, median, percentile } from './table';
import { makeWorkload, rng } from './workload';

/** Stops on one round-number level, all checked out by one crash. */
const EQUAL_STOPS = 50_000;

/** The ~100 ms event-loop goal: no turn of the collector's reconciliation should come near it. */
const STEP_GOAL_MS = 100;

/** How often a read's parse looks at the turn's time (collection-group.ts PARSE_CHECK_EVERY). */
const CHECK_EVERY = 64;

/**
 * The collector's reconciliation of the whole cache as the worker runs it, timing every event-loop turn:
 * the read's documents taken one by one (CacheCore.takeRead) in turns of the worker's budget, then the
 * sweep (finishCollectionInSteps) with the same budget. Twice on one CacheCore: the first fill into empty
 * books, then a reconciliation that finds every document as the books hold it (a listen-mode pod's
 * hourly run). Each document is taken as a read decodes it, a copy with a path string of its own, made as
 * it is taken. Each turn is time the event loop cannot serve a tick or a probe in. And the sort that was
 * the longest step of the build this replaced, side by side with the comparison sort before it, on the
 * largest symbol's stop levels.
 */
export async function buildScenario(quick: boolean): Promise<ScenarioResult> {
  const positions = quick ? 200_000 : 1_000_000;
  const workload = makeWorkload(positions);
  const { fill, again } = await timeFillThenReconcile(workload.positions, workload.triggers);
  const largest = largestSymbol(workload.positions);
  const levels = Float64Array.from(largest.map((item) => item.entry.stopLoss ?? item.entry.takeProfit ?? 0));
  const slots = new Int32Array(levels.length);
  const comparison = timeSort(() => sortPairsByComparison(levels, slots, levels.length, levels.length));
  const radix = timeSort(() => sortPairs(levels, slots, levels.length, levels.length));
  const longest = Math.max(fill.longest, again.longest);
  const equalRemoval = timeEqualLevelRemoval(EQUAL_STOPS);
  return {
    scenario: 'build',
    title: `Collector reconciliation in turns: ${formatNumber(positions)} positions + ${formatNumber(workload.triggers.length)} triggers`,
    columns: ['what', 'first fill (empty books)', 'reconciliation (books as read)'],
    rows: [
      ...turnRows(fill, again),
      [
        `sort of the largest symbol's ${formatNumber(levels.length)} levels: comparison / radix`,
        `${formatNumber(comparison, 1)} / ${formatNumber(radix, 1)} ms: ${formatNumber(comparison / radix, 1)}x`,
        '',
      ],
      [
        `${formatNumber(EQUAL_STOPS)} stops at one level removed in shuffled order (a crash through a round number)`,
        `${formatNumber(equalRemoval, 1)} ms`,
        '',
      ],
    ],
    notes: [
      'Positions over 500 symbols (Zipf 1.1) as in the evaluation bench, one CacheCore, the pause a resolved promise;',
      `a turn: documents taken until ${BUILD_TURN_BUDGET_MS} ms are spent (looked at every ${CHECK_EVERY}), or sweep steps until they are.`,
      'Sorts: median of 7 after 3 warm-ups; comparison = Array.prototype.sort of indices by key, the previous sortPairs.',
    ],
    summary: {
      longestStepMs: longest,
      longestStepWorkMs: Math.max(fill.longestWork, again.longestWork),
      longestGcMs: Math.max(fill.longestGc, again.longestGc),
      reconciliationLongestTurnMs: again.longest,
      reconciliationHeapGrowthMb: again.heapGrowthMb,
      reconciliationLiveGrowthMb: again.liveGrowthMb,
      stepGoalMet: longest <= STEP_GOAL_MS,
      sortRatio: comparison / radix,
      equalLevelRemovalMs: equalRemoval,
    },
  };
}

interface Timed {
  readonly turns: number[];
  readonly longest: number;
  readonly longestWork: number;
  readonly longestGc: number;
  /** Heap used at the end of the read above before it, in MB (no GC forced: what the read left). */
  readonly heapGrowthMb: number;
  /** The same after a forced full GC (outside the turns): what the read keeps alive until its sweep. */
  readonly liveGrowthMb: number;
}

function turnRows(...phases: Timed[]): string[][] {
  const row = (what: string, figure: (t: Timed) => string): string[] => [what, ...phases.map(figure)];
  return [
    row('whole (sum of turns)', (t) => `${formatNumber(t.turns.reduce((a, b) => a + b, 0))} ms`),
    row('turns', (t) => formatNumber(t.turns.length)),
    row('longest turn', (t) => `${formatNumber(t.longest, 1)} ms`),
    row(
      'longest turn less the GC pauses reported (not incremental marking)',
      (t) => `${formatNumber(t.longestWork, 1)} ms`,
    ),
    row('longest GC pause (of any kind)', (t) => `${formatNumber(t.longestGc, 1)} ms`),
    row(
      'p99 / median turn',
      (t) => `${formatNumber(percentile(t.turns, 99), 1)} / ${formatNumber(median(t.turns), 2)} ms`,
    ),
    row('heap used after the read, less before it', (t) => `${formatNumber(t.heapGrowthMb)} MB`),
    row('same, live (after a full GC, before the sweep)', (t) => `${formatNumber(t.liveGrowthMb)} MB`),
  ];
}

interface Step {
  readonly start: number;
  readonly ms: number;
}

/** Both collections on one CacheCore, which is garbage once they are timed (the removal timed after is alone). */
async function timeFillThenReconcile(
  positions: Located<PositionEntry>[],
  triggers: Located<TriggerEntry>[],
): Promise<{ fill: Timed; again: Timed }> {
  const core = new CacheCore();
  const fill = await timeReconciliation(core, positions, triggers);
  const again = await timeReconciliation(core, positions, triggers);
  return { fill, again };
}

/** Each turn of one collection (from a resume, or the start, to the next pause, or the end), and the GC pauses meanwhile. */
async function timeReconciliation(
  core: CacheCore,
  positions: Located<PositionEntry>[],
  triggers: Located<TriggerEntry>[],
): Promise<Timed> {
  const liveBefore = settledUsage().heap;
  // Made before the clock starts: the bench's own work, not the reconciliation's.
  const documents = [
    ...positions.map((item) => ['position', item] as const),
    ...triggers.map((item) => ['trigger', item] as const),
  ];
  const gcs: Step[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push({ start: entry.startTime, ms: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const steps: Step[] = [];
  let resumed = performance.now();
  const pause = async (): Promise<void> => {
    steps.push({ start: resumed, ms: performance.now() - resumed });
    await Promise.resolve();
    resumed = performance.now();
  };
  const heapBefore = process.memoryUsage().heapUsed;
  const ticket = core.beginCollection();
  for (let i = 0; i < documents.length; i++) {
    core.takeRead(ticket, documents[i][0], decoded(documents[i][1]));
    if (i % CHECK_EVERY === CHECK_EVERY - 1 && performance.now() - resumed >= BUILD_TURN_BUDGET_MS)
      await pause();
  }
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  // The forced collection is the bench's: it ends a turn, and its pauses are left out of the figures.
  steps.push({ start: resumed, ms: performance.now() - resumed });
  // The input is the bench's: dropped, so that what is measured is what the read keeps.
  documents.length = 0;
  const forcedFrom = performance.now();
  const liveGrowthMb = (settledUsage().heap - liveBefore) / 2 ** 20;
  const forcedTo = performance.now();
  resumed = forcedTo;
  const budget = { ms: BUILD_TURN_BUDGET_MS, now: () => performance.now() };
  const outcome = await core.finishCollectionInSteps(ticket, { positions: 0, triggers: 0 }, pause, budget);
  steps.push({ start: resumed, ms: performance.now() - resumed });
  if (outcome.kind !== 'reconciled' || core.count('position') !== positions.length)
    throw new Error(`the reconciliation did not leave every position in the books (${outcome.kind})`);
  // GC entries are delivered later, from a timer.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const ours = gcs.filter((gc) => gc.start < forcedFrom || gc.start >= forcedTo);
  const longest = Math.max(...steps.map((step) => step.ms));
  const longestWork = Math.max(...steps.map((step) => workOf(step, ours)));
  const longestGc = Math.max(0, ...ours.map((gc) => gc.ms));
  return { turns: steps.map((step) => step.ms), longest, longestWork, longestGc, heapGrowthMb, liveGrowthMb };
}

/** A read's document as firebase-admin decodes it: nothing shared with the books, the path string least. */
function decoded<T extends Located<PositionEntry | TriggerEntry>>(item: T): T {
  return { ...item, entry: { ...item.entry, path: fresh(item.entry.path) } };
}

/** A step's own work: its duration less the GC pauses that began in it. */
function workOf(step: Step, gcs: readonly Step[]): number {
  const end = step.start + step.ms;
  const paused = gcs
    .filter((gc) => gc.start >= step.start && gc.start < end)
    .reduce((sum, gc) => sum + gc.ms, 0);
  return Math.max(0, step.ms - paused);
}

function largestSymbol(positions: Located<PositionEntry>[]): Located<PositionEntry>[] {
  const bySymbol = new Map<string, Located<PositionEntry>[]>();
  for (const item of positions) {
    const group = bySymbol.get(item.symbol);
    if (group) group.push(item);
    else bySymbol.set(item.symbol, [item]);
  }
  return [...bySymbol.values()].reduce((a, b) => (b.length > a.length ? b : a));
}

function timeSort(sort: () => unknown): number {
  for (let i = 0; i < 3; i++) sort();
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    sort();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** One book of `count` long positions with the same stop, all removed in a shuffled order: ms. */
function timeEqualLevelRemoval(count: number): number {
  const items = Array.from({ length: count }, (_, i) => ({
    entry: {
      path: `users/u${i}/openPositions/p`,
      side: 'long' as const,
      size: 1,
      stopLoss: 60_000,
      takeProfit: null,
    },
    version: 1,
  }));
  const book = PositionBook.from(items);
  const random = rng(7);
  const order = items.map((item) => item.entry.path);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // The reconciliations' million entries are garbage by now: collected first, not inside the timing.
  settledUsage();
  const start = performance.now();
  for (const path of order) book.remove(path);
  const ms = performance.now() - start;
  if (book.size !== 0) throw new Error('the book kept positions it was asked to remove');
  return ms;
}
