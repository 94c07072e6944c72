import { readFileSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/**
 * Nanoseconds this thread has spent on a CPU (Linux schedstat), or undefined where that is not readable.
 * On a two-core machine the wire benchmark's sender thread, the kernel's loopback work and V8's helper
 * threads compete with the thread under test; its own CPU time is what it needed, whatever it waited for.
 */
export function threadCpuNanos(): number | undefined {
  try {
    return Number(readFileSync(SCHEDSTAT, 'latin1').split(' ', 1)[0]);
  } catch {
    return undefined; // not Linux, or /proc not mounted: callers fall back to wall time
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
