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
}

export interface GcSummary {
  readonly peakUsedMb: number;
  /** Largest heap left in use after a Mark-Compact: the live set at its largest. */
  readonly peakLiveMb: number;
  readonly longestPause?: GcEvent;
  readonly markCompacts: number;
  readonly pauseTotalMs: number;
}

// [4309:0xa955000]  933 ms: Mark-Compact 162.7 (247.5) -> 74.7 (204.0) MB, pooled: 24 MB, 117.25 / 0.00 ms ...
const LINE =
  /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: ([A-Za-z() -]+?) ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB,.*? ([\d.]+) \/ [\d.]+ ms/;

/** The collection a trace line reports, or undefined for any other line. */
export function readGcLine(line: string, atMs: number): GcEvent | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, isolate, kind, before, after, pause] = match;
  return { atMs, isolate, kind, beforeMb: Number(before), afterMb: Number(after), pauseMs: Number(pause) };
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
  };
}

/** Every isolate that collected, the main thread's (the first to start) first. */
export function isolatesOf(events: readonly GcEvent[]): string[] {
  return [...new Set(events.map((event) => event.isolate))];
}
