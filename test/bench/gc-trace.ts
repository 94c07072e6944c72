/**
 * What `node --trace-gc` says about a process: the heap in use before and after each collection. The
 * heap's peak is the largest "before" (a sampled gauge misses it: the peak is reached just as a
 * collection starts), and the live set is what a full collection (Mark-Compact) leaves.
 */
export interface GcEvent {
  /** When the line arrived, ms since the process was spawned. */
  readonly atMs: number;
  /** The isolate's address: the main thread and each worker thread (a listener's) have their own heap. */
  readonly isolate: string;
  readonly kind: string;
  /** Heap in use before and after, MB as V8 prints it (2^20 bytes). */
  readonly beforeMb: number;
  readonly afterMb: number;
  /** Main-thread pause of this collection, ms. */
  readonly pauseMs: number;
  /**
   * A Mark-Compact after incremental marking: the marking's steps on this thread before the pause (ms, and
   * the biggest), and the wall time since marking began. The pause alone leaves them out, and where
   * V8's concurrent markers get no CPU, these steps are most of the collection.
   */
  readonly marking?: { readonly stepsMs: number; readonly biggestStepMs: number; readonly wallMs: number };
  /**
   * With `--trace-gc-nvp` (MILLION_NODE_FLAGS), which V8 prints instead of the plain line: the pause's
   * phases on this thread, ms, so a long pause shows whether marking, evacuation (copying survivors and
   * compacting) or sweeping and clearing took it.
   */
  readonly phases?: Readonly<Record<(typeof NVP_PHASES)[number], number>>;
}

export interface GcSummary {
  readonly peakUsedMb: number;
  /** Largest heap left in use after a Mark-Compact: the live set at its largest. */
  readonly peakLiveMb: number;
  readonly longestPause?: GcEvent;
  readonly markCompacts: number;
  readonly pauseTotalMs: number;
  /** Incremental marking steps on this thread, ms in all, and the collection with the biggest one. */
  readonly markingTotalMs: number;
  readonly biggestMarking?: GcEvent;
}

// [4309:0xa955000]  933 ms: Mark-Compact 162.7 (247.5) -> 74.7 (204.0) MB, pooled: 24 MB, 117.25 / 0.00 ms ...
const LINE =
  /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: ([A-Za-z() -]+?) ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB,.*? ([\d.]+) \/ [\d.]+ ms/;

// ... (+ 42.9 ms in 64 steps since start of marking, biggest step 5.0 ms, walltime since start of marking 331 ms) ...
const MARKING =
  /\(\+ ([\d.]+) ms in \d+ steps since start of marking, biggest step ([\d.]+) ms, walltime since start of marking ([\d.]+) ms\)/;

// [4309:0xa955000:0]  430 ms: pause=124.7 mutator=84.6 gc=mc ... mark=102.3 ... start_object_size=93844832 ...
const NVP = /^\[\d+:(0x[0-9a-f]+)(?::\d+)?\]\s+\d+ ms: pause=([\d.]+) .*?\bgc=(\w+)/;
const NVP_KINDS: Record<string, string> = { s: 'Scavenge', mc: 'Mark-Compact', ms: 'Minor Mark-Sweep' };
const NVP_PHASES = ['mark', 'evacuate', 'sweep', 'clear', 'finish'] as const;
const MB = 2 ** 20;

/** The collection a trace line reports, or undefined for any other line. */
export function readGcLine(line: string, atMs: number): GcEvent | undefined {
  const nvp = NVP.exec(line);
  if (nvp) return readNvpLine(line, atMs, nvp);
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, isolate, kind, before, after, pause] = match;
  const event = {
    atMs,
    isolate,
    kind,
    beforeMb: Number(before),
    afterMb: Number(after),
    pauseMs: Number(pause),
  };
  const marking = MARKING.exec(line);
  if (!marking) return event;
  const [, stepsMs, biggestStepMs, wallMs] = marking.map(Number);
  return { ...event, marking: { stepsMs, biggestStepMs, wallMs } };
}

function readNvpLine(line: string, atMs: number, [, isolate, pause, gc]: RegExpExecArray): GcEvent {
  const values = new Map<string, number>();
  for (const [, name, value] of line.matchAll(/ ([a-z_.]+)=([\d.]+)/g)) values.set(name, Number(value));
  const megabytes = (name: string): number => Math.round(((values.get(name) ?? 0) / MB) * 10) / 10;
  const phases = Object.fromEntries(NVP_PHASES.map((phase) => [phase, values.get(phase) ?? 0]));
  const event: GcEvent = {
    atMs,
    isolate,
    kind: NVP_KINDS[gc] ?? gc,
    beforeMb: megabytes('start_object_size'),
    afterMb: megabytes('end_object_size'),
    pauseMs: Number(pause),
    phases: phases as GcEvent['phases'],
  };
  // The same marking steps the plain line prints in brackets, under their nvp names.
  const stepsMs = values.get('incremental') ?? 0;
  if (stepsMs <= 0) return event;
  const biggestStepMs = values.get('incremental_longest_step') ?? 0;
  const wallMs = values.get('incremental_walltime_duration') ?? 0;
  return { ...event, marking: { stepsMs, biggestStepMs, wallMs } };
}

/**
 * Marking steps of `isolate` that fell between `fromMs` and `toMs`: each collection's steps spread evenly
 * over its marking's wall time (the trace gives only their sum), so the share is an estimate.
 */
export function markingWithin(
  events: readonly GcEvent[],
  isolate: string,
  fromMs: number,
  toMs: number,
): number {
  let ms = 0;
  for (const { isolate: of, atMs, marking } of events) {
    if (of !== isolate || marking === undefined || marking.wallMs <= 0) continue;
    const overlap = Math.min(toMs, atMs) - Math.max(fromMs, atMs - marking.wallMs);
    if (overlap > 0) ms += (marking.stepsMs * overlap) / marking.wallMs;
  }
  return ms;
}

/**
 * The collections of one isolate (all when undefined) from `fromMs` (inclusive) to `toMs` (exclusive),
 * summed up.
 */
export function summarizeGc(
  events: readonly GcEvent[],
  fromMs = 0,
  toMs = Infinity,
  isolate?: string,
): GcSummary {
  const inWindow = events.filter(
    (event) =>
      event.atMs >= fromMs && event.atMs < toMs && (isolate === undefined || event.isolate === isolate),
  );
  const full = inWindow.filter((event) => event.kind.startsWith('Mark-Compact'));
  return {
    peakUsedMb: Math.max(0, ...inWindow.map((event) => event.beforeMb)),
    peakLiveMb: Math.max(0, ...full.map((event) => event.afterMb)),
    longestPause: inWindow.reduce<GcEvent | undefined>(
      (longest, event) => (longest && longest.pauseMs >= event.pauseMs ? longest : event),
      undefined,
    ),
    markCompacts: full.length,
    pauseTotalMs: inWindow.reduce((sum, event) => sum + event.pauseMs, 0),
    markingTotalMs: inWindow.reduce((sum, event) => sum + (event.marking?.stepsMs ?? 0), 0),
    biggestMarking: inWindow.reduce<GcEvent | undefined>(
      (biggest, event) =>
        (event.marking?.biggestStepMs ?? 0) > (biggest?.marking?.biggestStepMs ?? 0) ? event : biggest,
      undefined,
    ),
  };
}

/** Every isolate that collected, the main thread's (the first to start) first. */
export function isolatesOf(events: readonly GcEvent[]): string[] {
  return [...new Set(events.map((event) => event.isolate))];
}
