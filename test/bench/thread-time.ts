import { readFileSync } from 'node:fs';
import { type GcEvent, markingWithin } from './gc-trace';
import { readSchedstat } from './thread-clock';

/** The main thread's scheduler counters at one moment (ms since the worker was spawned). */
export interface SchedSample {
  readonly atMs: number;
  /** Time on a CPU, ns. */
  readonly runNs: number;
  /** Time runnable but waiting for a CPU (the run queue), ns: the machine was busy with something else. */
  readonly waitNs: number;
  /** Time the hypervisor ran another guest on the CPUs the main thread may use, ms (/proc/stat). */
  readonly stolenMs?: number;
}

/** The main thread's schedstat: its task id is the process id. Undefined once it has exited. */
export function readMainThreadSchedstat(pid: number): { runNs: number; waitNs: number } | undefined {
  return readSchedstat(`/proc/${pid}/task/${pid}/schedstat`);
}

const TICK_MS = 10; // /proc/stat counts in USER_HZ, 100 a second on Linux

/**
 * Time the hypervisor gave the machine's CPUs to another guest, ms since boot: `cpuN` for one CPU, `cpu`
 * for all of them summed. A thread on a stolen CPU is neither running nor waiting in its own schedstat,
 * so a stall that is neither is the host's. Undefined where /proc/stat is not readable.
 */
export function readStolenMs(cpu: 'cpu' | `cpu${number}`): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'latin1')
      .split('\n')
      .find((candidate) => candidate.startsWith(`${cpu} `));
    // user nice system idle iowait irq softirq steal ...
    const steal = line?.trim().split(/\s+/)[8];
    return steal === undefined ? undefined : Number(steal) * TICK_MS;
  } catch {
    return undefined;
  }
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
  /** Its CPUs given to another guest by the hypervisor (10 ms resolution), where that was sampled. */
  readonly stolenMs?: number;
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
    stolenMs:
      before.stolenMs === undefined || after.stolenMs === undefined
        ? undefined
        : after.stolenMs - before.stolenMs,
  };
}

/** "on a CPU 420 ms (GC 98, marking ~200), waiting for one 380 ms, stolen 40 ms, of 900 ms" */
export function describeThreadTime(time: ThreadTime | undefined): string {
  if (!time) return '-';
  const ms = (value: number): string => String(Math.round(value));
  const gc = `GC ${ms(time.gcMs)}, marking ~${ms(time.markingMs)}`;
  const stolen = time.stolenMs === undefined ? '' : `, stolen ${ms(time.stolenMs)} ms`;
  return `on a CPU ${ms(time.runMs)} ms (${gc}), waiting for one ${ms(time.waitMs)} ms${stolen}, of ${ms(time.windowMs)} ms`;
}
