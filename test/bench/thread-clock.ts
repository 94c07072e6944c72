import { readFileSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/**
 * Nanoseconds this thread has spent on a CPU (Linux schedstat), or undefined where that is not readable.
 * On a two-core machine the wire benchmark's sender thread, the kernel's loopback work and V8's helper
 * threads compete with the thread under test; its own CPU time is what it needed, whatever it waited for.
 */
export function threadCpuNanos(): number | undefined {
  // Not Linux, or /proc not mounted: callers fall back to wall time.
  return readSchedstat(SCHEDSTAT)?.runNs;
}

/**
 * A task's schedstat (Linux): ns on a CPU, and ns runnable but waiting for one. Undefined where the file
 * cannot be read (not Linux, or the task has exited).
 */
export function readSchedstat(file: string): { runNs: number; waitNs: number } | undefined {
  try {
    const [run, wait] = readFileSync(file, 'latin1').split(' ');
    return { runNs: Number(run), waitNs: Number(wait) };
  } catch {
    return undefined;
  }
}

export interface Timed {
  readonly wallMs: number;
  /** This thread's CPU time; equal to wallMs where the CPU clock is unavailable. */
  readonly cpuMs: number;
}

/** A stopwatch over both clocks. */
export function startClocks(): () => Timed {
  const wall = performance.now();
  const cpu = threadCpuNanos();
  return () => {
    const wallMs = performance.now() - wall;
    const cpuNow = threadCpuNanos();
    return { wallMs, cpuMs: cpu === undefined || cpuNow === undefined ? wallMs : (cpuNow - cpu) / 1e6 };
  };
}
