import { PerformanceObserver } from 'node:perf_hooks';
import { PositionBook } from '../../src/cache/book/position-book';
import { sortPairs, sortPairsByComparison } from '../../src/cache/book/sort-pairs';
import { CacheCore } from '../../src/cache/cache-core';
import type { Located, PositionEntry, TriggerEntry } from '../../src/domain/crossing';
import { type ScenarioResult, formatNumber, median, percentile } from './table';
import { makeWorkload, rng } from './workload';

/** Stops on one round-number level, all checked out by one crash. */
const EQUAL_STOPS = 50_000;

/** The ~100 ms event-loop goal: no step of the collector's build should come near it. */
const STEP_GOAL_MS = 100;

/**
 * The collector's build-then-swap (CacheCore.finishCollectionInSteps, what a reconciliation runs) of the
 * whole cache, timing every step between two pauses: each step is a turn the event loop cannot serve a
 * tick or a probe in. And the sort that was its longest step, side by side with the comparison sort it
 * replaced, on the largest symbol's stop levels.
 */
export async function buildScenario(quick: boolean): Promise<ScenarioResult> {
  const positions = quick ? 200_000 : 1_000_000;
  const workload = makeWorkload(positions);
  const { steps: timed, gcs } = await timeBuild(workload.positions, workload.triggers);
  const steps = timed.map((step) => step.ms);
  const longestWork = Math.max(...timed.map((step) => workOf(step, gcs)));
  const longestGc = Math.max(0, ...gcs.map((gc) => gc.ms));
  const largest = largestSymbol(workload.positions);
  const levels = Float64Array.from(largest.map((item) => item.entry.stopLoss ?? item.entry.takeProfit ?? 0));
  const slots = new Int32Array(levels.length);
  const comparison = timeSort(() => sortPairsByComparison(levels, slots, levels.length, levels.length));
  const radix = timeSort(() => sortPairs(levels, slots, levels.length, levels.length));
  const longest = Math.max(...steps);
  const equalRemoval = timeEqualLevelRemoval(EQUAL_STOPS);
  return {
    scenario: 'build',
    title: `Collector build in steps: ${formatNumber(positions)} positions + ${formatNumber(workload.triggers.length)} triggers`,
    columns: ['what', 'figure'],
    rows: [
      ['whole build (sum of steps)', `${formatNumber(steps.reduce((a, b) => a + b, 0))} ms`],
      ['steps', formatNumber(steps.length)],
      ['longest step', `${formatNumber(longest, 1)} ms`],
      [
        'longest step less the GC pauses reported (not incremental marking)',
        `${formatNumber(longestWork, 1)} ms`,
      ],
      ['longest GC pause (of any kind, during the build)', `${formatNumber(longestGc, 1)} ms`],
      [
        'p99 / median step',
        `${formatNumber(percentile(steps, 99), 1)} / ${formatNumber(median(steps), 2)} ms`,
      ],
      [
        `sort of the largest symbol's ${formatNumber(levels.length)} levels: comparison / radix`,
        `${formatNumber(comparison, 1)} / ${formatNumber(radix, 1)} ms: ${formatNumber(comparison / radix, 1)}x`,
      ],
      [
        `${formatNumber(EQUAL_STOPS)} stops at one level removed in shuffled order (a crash through a round number)`,
        `${formatNumber(equalRemoval, 1)} ms`,
      ],
    ],
    notes: [
      'Positions over 500 symbols (Zipf 1.1) as in the evaluation bench, one CacheCore, the pause a resolved promise;',
      'a step is the time from one resume to the next pause (the work a reconciliation does in one event-loop turn).',
      'Sorts: median of 7 after 3 warm-ups; comparison = Array.prototype.sort of indices by key, the previous sortPairs.',
    ],
    summary: {
      longestStepMs: longest,
      longestStepWorkMs: longestWork,
      longestGcMs: longestGc,
      stepGoalMet: longest <= STEP_GOAL_MS,
      sortRatio: comparison / radix,
      equalLevelRemovalMs: equalRemoval,
    },
  };
}

interface Step {
  readonly start: number;
  readonly ms: number;
}

/** Each step (from a resume, or the start, to the next pause, or the end), and the GC pauses meanwhile. */
async function timeBuild(
  positions: Located<PositionEntry>[],
  triggers: Located<TriggerEntry>[],
): Promise<{ steps: Step[]; gcs: Step[] }> {
  const gcs: Step[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push({ start: entry.startTime, ms: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const core = new CacheCore();
  const read = { positions, triggers, readTimes: { positions: 0, triggers: 0 } };
  const steps: Step[] = [];
  let resumed = performance.now();
  const pause = async (): Promise<void> => {
    steps.push({ start: resumed, ms: performance.now() - resumed });
    await Promise.resolve();
    resumed = performance.now();
  };
  const outcome = await core.finishCollectionInSteps(core.beginCollection(), read, pause);
  steps.push({ start: resumed, ms: performance.now() - resumed });
  if (outcome.kind !== 'swapped' || core.count('position') !== positions.length)
    throw new Error(`the build did not swap in every position (${outcome.kind})`);
  // GC entries are delivered later, from a timer.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return { steps, gcs };
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
  const start = performance.now();
  for (const path of order) book.remove(path);
  const ms = performance.now() - start;
  if (book.size !== 0) throw new Error('the book kept positions it was asked to remove');
  return ms;
}
