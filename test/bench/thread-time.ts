import { type GcEvent, markingWithin } from './gc-trace';
import { readSchedstat } from './thread-clock';

/** The main thread's scheduler counters at one moment (ms since the worker was spawned). */
export interface SchedSample {
  readonly atMs: number;
  /** Time on a CPU, ns. */
  readonly runNs: number;
  /** Time runnable but waiting for a CPU (the run queue), ns: the machine was busy with something else. */
  readonly waitNs: number;
}

/** The main thread's schedstat: its task id is the process id. Undefined once it has exited. */
export function readMainThreadSchedstat(pid: number): { runNs: number; waitNs: number } | undefined {
  return readSchedstat(`/proc/${pid}/task/${pid}/schedstat`);
}

/**
 * How the main thread spent a window: on a CPU (its own work, GC included), waiting for a CPU (the other
 * processes on the machine: here the emulator, the simulator and the bench itself share two cores), and
 * the part of its CPU time that was main-thread GC pauses. An event-loop stall that is mostly waiting is
 * the machine's, not the worker's.
 */
export interface ThreadTime {
  /** From the last sample at or before the window's start to the first at or after its end. */
  readonly windowMs: number;
  readonly runMs: number;
  readonly waitMs: number;
  readonly gcMs: number;
  /** Incremental marking steps in the window (an estimate: see markingWithin), on top of the pauses. */
  readonly markingMs: number;
}

export function threadTime(
  samples: readonly SchedSample[],
  gc: readonly GcEvent[],
  isolate: string,
  fromMs: number,
  toMs: number,
): ThreadTime | undefined {
  const before = samples.filter((s) => s.atMs <= fromMs).pop();
  const after = samples.find((s) => s.atMs >= toMs);
  if (!before || !after) return undefined;
  const gcMs = gc
    .filter((e) => e.isolate === isolate && e.atMs > before.atMs && e.atMs <= after.atMs)
    .reduce((sum, e) => sum + e.pauseMs, 0);
  return {
    windowMs: after.atMs - before.atMs,
    runMs: (after.runNs - before.runNs) / 1e6,
    waitMs: (after.waitNs - before.waitNs) / 1e6,
    gcMs,
    markingMs: markingWithin(gc, isolate, before.atMs, after.atMs),
  };
}

/** "on a CPU 420 ms (GC 98, marking ~200), waiting for one 380 ms, of 900 ms" */
export function describeThreadTime(time: ThreadTime | undefined): string {
  if (!time) return '-';
  const ms = (value: number): string => String(Math.round(value));
  const gc = `GC ${ms(time.gcMs)}, marking ~${ms(time.markingMs)}`;
  return `on a CPU ${ms(time.runMs)} ms (${gc}), waiting for one ${ms(time.waitMs)} ms, of ${ms(time.windowMs)} ms`;
}
