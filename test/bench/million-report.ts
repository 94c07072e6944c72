import { type GcSummary, isolatesOf } from './gc-trace';
import {
  type PhaseFigures,
  type Phases,
  findReconcile,
  lastScrape,
  phaseFigures,
  phaseOf,
} from './million-figures';
import { type ScenarioResult, formatNumber } from './table';
import { describeThreadTime } from './thread-time';
import type { SampledWorker } from './worker-sampler';

const MB = 2 ** 20;

/** What the million bench ran with: sizes, the worker's heap ceiling, and the emulator's. */
export interface MillionSetup {
  readonly positions: number;
  readonly triggers: number;
  readonly maxOldSpaceMb: number;
  /** MILLION_NODE_FLAGS: on the worker's command line besides --trace-gc (V8 flags NODE_OPTIONS refuses). */
  readonly nodeFlags: readonly string[];
  readonly emulatorHeap: string;
  /** From the first collection's success; the cron (every 30 s) starts the reconciliation after it. */
  readonly reconcileIntervalMs: number;
  readonly readyTimeoutMs: number;
  /** COLLECTOR_PAGE_SIZE: larger than the default for large collections (see the bench's worker env). */
  readonly pageSize: number;
  /** FIRESTORE_LISTEN_PARTITIONS: above 500,000 positions the emulator needs it (see the bench). */
  readonly listenPartitions: number;
  readonly sampleMs: number;
  /** MILLION_MAIN_THREAD_CPU: the worker's main thread alone on this CPU, everything else on the others. */
  readonly mainThreadCpu?: number;
  /**
   * MILLION_EMULATOR_NICE: the emulator's JVM at this nice value, so that the worker's threads (V8's GC
   * helpers) take the CPU they share before it, as in production, where Firestore's CPU is not the pod's.
   */
  readonly emulatorNice?: number;
  readonly tradesPerSecond: { readonly spot: number; readonly futures: number };
}

export interface MillionReportInput {
  readonly config: MillionSetup;
  readonly worker: SampledWorker;
  readonly failure?: string;
  readonly peakRss: number;
  readonly seedSeconds: number;
  readonly staleBuild: boolean;
}

const mb = (bytes: number): string => formatNumber(bytes / MB);
const seconds = (ms: number): string => formatNumber(ms / 1_000, 1);

export function millionReport(input: MillionReportInput): ScenarioResult {
  const { config, worker, failure, peakRss, seedSeconds, staleBuild } = input;
  const readyAtMs = worker.readyAtMs ?? Infinity;
  const endMs = worker.now();
  // In listen mode no full read has run by ready (the listeners' first snapshots were the first load):
  // a scrape without the success series counts none.
  const atReady = worker.endpoints.filter((s) => s.atMs <= readyAtMs).pop();
  const runsAtReady = atReady === undefined ? Infinity : (atReady.collectorRuns.success ?? 0);
  const reconcile = findReconcile(worker, readyAtMs, runsAtReady);
  const phases: Phases = {
    readyAtMs,
    reconcileStartMs: reconcile?.startMs,
    reconcileEndMs: reconcile?.endMs,
    endMs,
  };
  const startup = phaseFigures(worker, 0, readyAtMs + 1);
  const steady = phaseFigures(worker, readyAtMs + 5_000, reconcile?.startMs ?? endMs);
  const during = reconcile
    ? phaseFigures(worker, reconcile.startMs, reconcile.endMs + 5_000)
    : phaseFigures(worker, endMs, endMs);
  const after = phaseFigures(worker, (reconcile?.endMs ?? endMs) + 5_000, endMs);
  const whole = phaseFigures(worker, 0, Infinity);
  const last = lastScrape(worker);
  const read = (source: string): number => last?.documentsRead[source] ?? 0;
  const stall = `${formatNumber(whole.lagMaxSeconds * 1_000)} ms (${phaseOf(phases, whole.lagMaxAtMs)}, t=${seconds(whole.lagMaxAtMs)} s)`;
  const unanswered = `${formatNumber(whole.unansweredMaxMs)} ms (${phaseOf(phases, whole.unansweredAtMs)}, t=${seconds(whole.unansweredAtMs)} s)`;
  const gcPause = whole.gc.longestPause;
  const rows: (string | number)[][] = [
    ['positions / triggers', `${formatNumber(config.positions)} / ${formatNumber(config.triggers)}`],
    ['--max-old-space-size', `${formatNumber(config.maxOldSpaceMb)} MB`],
    ['node flags besides --trace-gc', config.nodeFlags.join(' ') || 'none'],
    ['time to ready', worker.readyAtMs === undefined ? 'never' : `${seconds(readyAtMs)} s`],
    ['RSS peak, start-up', `${mb(startup.rssPeakBytes)} MB`],
    ['main heap used peak, start-up (GC trace / scrapes)', heapPeak(startup)],
    ['RSS steady (median)', `${mb(steady.rssMedianBytes)} MB`],
    ['main heap used steady (median / live after full GC)', heapSteady(steady)],
    ['RSS peak, reconcile', `${mb(during.rssPeakBytes)} MB`],
    ['main heap used peak, reconcile (GC trace / scrapes)', heapPeak(during)],
    ['worker threads: heap peak / live (GC trace)', threadHeaps(whole)],
    ['reconcile duration', reconcile ? `${seconds(reconcile.endMs - reconcile.startMs)} s` : 'not seen'],
    ['RSS after reconcile (median)', `${mb(after.rssMedianBytes)} MB`],
    ['RSS peak, whole run (VmHWM)', `${mb(peakRss)} MB`],
    ['event-loop max delay (prom-client)', stall],
    ['  main thread around it (schedstat)', describeThreadTime(whole.lagMaxThread)],
    ['  main thread in the reconcile', describeThreadTime(during.thread)],
    ['longest unanswered scrape', unanswered],
    ['  same, during reconcile', reconcile ? `${formatNumber(during.unansweredMaxMs)} ms` : '-'],
    ['longest GC pause, main thread', gcPause ? `${formatNumber(gcPause.pauseMs)} ms ${gcPause.kind}` : '-'],
    ['incremental marking, main thread: biggest step / in all', markingCell(whole.gc)],
    ['documents read', readCells(last?.documentsRead ?? {})],
  ];
  return {
    scenario: 'million',
    title: `7. Memory budget: real worker, listen mode, ${formatNumber(config.positions)} positions + ${formatNumber(config.triggers)} triggers`,
    columns: ['measure', 'value'],
    rows,
    notes: [
      ...notes({ config, worker, failure, seedSeconds, staleBuild, phases, steady }),
      ...longestLagNotes(during),
      ...pausePhaseNotes(worker, phases),
    ],
    summary: {
      completed: failure === undefined,
      positions: config.positions,
      triggers: config.triggers,
      maxOldSpaceMb: config.maxOldSpaceMb,
      timeToReadySeconds: round(readyAtMs / 1_000),
      rssPeakStartupMb: round(startup.rssPeakBytes / MB),
      heapUsedPeakStartupMb: round(Math.max(startup.gc.peakUsedMb, startup.heapUsedPeakBytes / MB)),
      rssSteadyMb: round(steady.rssMedianBytes / MB),
      heapUsedSteadyMb: round(steady.heapUsedMedianBytes / MB),
      heapLiveMb: round(Math.max(startup.gc.peakLiveMb, steady.gc.peakLiveMb)),
      rssPeakReconcileMb: round(during.rssPeakBytes / MB),
      heapUsedPeakReconcileMb: round(Math.max(during.gc.peakUsedMb, during.heapUsedPeakBytes / MB)),
      heapLiveReconcileMb: round(during.gc.peakLiveMb),
      reconcileSeconds: reconcile ? round((reconcile.endMs - reconcile.startMs) / 1_000) : -1,
      rssAfterReconcileMb: round(after.rssMedianBytes / MB),
      vmHwmMb: round(peakRss / MB),
      eventLoopMaxDelayMs: round(whole.lagMaxSeconds * 1_000),
      eventLoopMaxDelayPhase: phaseOf(phases, whole.lagMaxAtMs),
      longestUnansweredScrapeMs: round(whole.unansweredMaxMs),
      longestUnansweredScrapePhase: phaseOf(phases, whole.unansweredAtMs),
      longestUnansweredScrapeAtSeconds: round(whole.unansweredAtMs / 1_000),
      longestUnansweredScrapeReconcileMs: round(during.unansweredMaxMs),
      longestGcPauseMs: round(gcPause?.pauseMs ?? 0),
      // Each of the reconciliation's five longest stalls: "lag/on a CPU/waiting/GC" in ms.
      reconcileLongestLags: during.longestLags
        .map(({ lagMs, thread: t }) =>
          [lagMs, t?.runMs, t?.waitMs, t?.gcMs].map((v) => round(v ?? -1)).join('/'),
        )
        .join(' '),
      reconcileMainThreadRunS: round((during.thread?.runMs ?? -1_000) / 1_000),
      reconcileMainThreadWaitS: round((during.thread?.waitMs ?? -1_000) / 1_000),
      threadsHeapPeakMb: round(whole.threads.reduce((sum, gc) => sum + gc.peakUsedMb, 0)),
      threadsHeapLiveMb: round(whole.threads.reduce((sum, gc) => sum + gc.peakLiveMb, 0)),
      documentsReadListener: read('listener'),
      documentsReadCollector: read('collector'),
      documentsReadProbe: read('probe'),
      seedSeconds: round(seedSeconds),
    },
  };
}

const round = (value: number): number => (Number.isFinite(value) ? Math.round(value * 10) / 10 : -1);

/** The reconciliation's five longest stalls, each with what the main thread did around it. */
function longestLagNotes(during: PhaseFigures): string[] {
  if (during.longestLags.length === 0) return [];
  return [
    "The reconciliation's longest stalls (prom-client), with the main thread's time from the scrape before:",
    ...during.longestLags.map(
      ({ lagMs, atMs, thread }) =>
        `  ${formatNumber(lagMs)} ms at t=${seconds(atMs)} s: ${describeThreadTime(thread)}`,
    ),
  ];
}

/**
 * With `--trace-gc-nvp` in MILLION_NODE_FLAGS: each main-thread pause of 50 ms or more in the
 * reconciliation, split into V8's phases.
 */
function pausePhaseNotes(worker: SampledWorker, phases: Phases): string[] {
  const from = phases.reconcileStartMs;
  if (from === undefined) return [];
  const to = (phases.reconcileEndMs ?? phases.endMs) + 5_000;
  const main = isolatesOf(worker.gc)[0];
  const long = worker.gc.filter(
    (e) => e.isolate === main && e.phases && e.atMs >= from && e.atMs < to && e.pauseMs >= 50,
  );
  if (long.length === 0) return [];
  return [
    "The reconciliation's main-thread GC pauses of 50 ms or more, by phase (--trace-gc-nvp), ms:",
    ...long.map(({ atMs, kind, pauseMs, beforeMb, afterMb, phases: split }) => {
      const parts = Object.entries(split ?? {}).map(([phase, ms]) => `${phase} ${formatNumber(ms)}`);
      return `  t=${seconds(atMs)} s ${kind} ${formatNumber(pauseMs)} (${beforeMb} -> ${afterMb} MB): ${parts.join(', ')}`;
    }),
  ];
}

function heapPeak(figures: PhaseFigures): string {
  return `${formatNumber(figures.gc.peakUsedMb)} / ${mb(figures.heapUsedPeakBytes)} MB`;
}

/** Each worker thread's heap (the listeners' firebase-admin copies since they left the main thread). */
function threadHeaps(figures: PhaseFigures): string {
  if (figures.threads.length === 0) return 'none';
  const one = (gc: GcSummary): string => `${formatNumber(gc.peakUsedMb)} / ${formatNumber(gc.peakLiveMb)}`;
  return `${figures.threads.map(one).join(', ')} MB`;
}

function heapSteady(figures: PhaseFigures): string {
  const live = figures.gc.peakLiveMb > 0 ? formatNumber(figures.gc.peakLiveMb) : '-';
  return `${mb(figures.heapUsedMedianBytes)} / ${live} MB`;
}

/** Every source the worker counted (listener, collector, probe, watermark), the three of interest first. */
function readCells(counts: Readonly<Record<string, number>>): string {
  const sources = [...new Set(['listener', 'collector', 'probe', ...Object.keys(counts)])];
  return sources.map((source) => `${source} ${formatNumber(counts[source] ?? 0)}`).join(', ');
}

function notes(input: {
  readonly config: MillionSetup;
  readonly worker: SampledWorker;
  readonly failure?: string;
  readonly seedSeconds: number;
  readonly staleBuild: boolean;
  readonly phases: Phases;
  readonly steady: PhaseFigures;
}): string[] {
  const { config, worker, failure, phases } = input;
  const steadyMs = (phases.reconcileStartMs ?? phases.endMs) - phases.readyAtMs - 5_000;
  const pause = phaseFigures(worker, 0, Infinity).gc.longestPause;
  const after = worker.endpoints.filter((s) => s.atMs > phases.readyAtMs);
  const lost = after.filter((s) => !s.ready);
  return [
    ...(failure ? [`FAILED: ${failure}`] : []),
    ...(input.staleBuild ? ['WARNING: src/ has files newer than dist/main.js: run "npm run build"'] : []),
    `Seeded in ${formatNumber(input.seedSeconds)} s (batches of 500, 12 in flight) over 10,000 users and 200 symbols`,
    '(120 spot, 80 futures, Zipf 1.1); levels 20-70 % from the price, so (almost) nothing executes. The worker is',
    `\`node dist/main.js\` with the ConfigMap values, CACHE_MODE=listen, COLLECTOR_PAGE_SIZE=${formatNumber(config.pageSize)}`,
    '(the emulator scans the whole group for every query), COLLECTOR_PAGE_TIMEOUT_MS=600000 (before the paged',
    'read: COLLECTOR_READ_TIMEOUT_MS=600000), COLLECTOR_PROBE_TIMEOUT_MS=60000,',
    `FIRESTORE_LISTEN_PARTITIONS=${config.listenPartitions},`,
    `RECONCILE_INTERVAL_MS=${config.reconcileIntervalMs} (the reconciliation at the first 30 s cron tick after it), trading at`,
    `${config.tradesPerSecond.spot} spot + ${config.tradesPerSecond.futures} futures trades/s on the simulator; emulator -Xmx${config.emulatorHeap}.`,
    config.mainThreadCpu !== undefined
      ? `The worker's main thread alone on CPU ${config.mainThreadCpu}; its other threads, the emulator, the simulator and the bench on the others.`
      : 'The worker shares every CPU with the emulator, the simulator and the bench.',
    ...(config.emulatorNice !== undefined
      ? [
          `The emulator at nice ${config.emulatorNice}: the worker's threads take a CPU they share with it first.`,
        ]
      : []),
    `Sampled every ${config.sampleMs} ms: RSS from /proc (works while the loop is blocked), heap and event-loop delay`,
    "from the worker's /metrics (prom-client resets the delay histogram per scrape, and no scrape is abandoned,",
    'so the maximum of the scrapes covers the whole run), and --trace-gc: heap in use before each collection',
    '(the true peak, which scrapes miss) and after each full one (the live set). prom-client can miss a stall',
    '(a scrape served before its delay monitor records the stall resets it away), so the longest wait for a',
    'scrape answer beyond the interval is shown too: the loop did not answer for at least that long.',
    lost.length === 0
      ? 'Readiness stayed 200 from the first 200 to the end.'
      : `Readiness lost after the first 200: ${lost.length} of ${after.length} scrapes 503, first at t=${seconds(lost[0].atMs)} s.`,
    `Steady: from 5 s after ready to the reconciliation (${seconds(steadyMs)} s). Reconcile: from the cron tick`,
    '(end minus the collector duration) to 5 s after the swap.',
    pause
      ? `Longest GC pause ${formatNumber(pause.pauseMs)} ms (${pause.kind}, ${phaseOf(phases, pause.atMs)}, t=${seconds(pause.atMs)} s); ${formatNumber(phaseFigures(worker, 0, Infinity).gc.markCompacts)} full GCs on the main thread.`
      : 'No GC trace lines seen.',
  ];
}

/** "75 ms (t=616.9 s) / 2,310 ms": V8's marking steps on the main thread, outside its pauses. */
function markingCell(gc: GcSummary): string {
  const biggest = gc.biggestMarking;
  if (biggest?.marking === undefined) return '-';
  const at = `t=${seconds(biggest.atMs)} s`;
  return `${formatNumber(biggest.marking.biggestStepMs)} ms (${at}) / ${formatNumber(gc.markingTotalMs)} ms`;
}
