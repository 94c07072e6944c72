import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * MILLION_MAIN_THREAD_CPU: the worker's main thread (its event loop) alone on one CPU, and everything else
 * on the others: this bench process and what it starts (the emulator, the simulator), and the worker's
 * other threads (the watch threads, V8's and libuv's helpers). On a two-core machine the emulator, and the
 * watch threads while the emulator resends them every document (see the README), otherwise take the
 * event loop's CPU for hundreds of milliseconds at a time: a stall of the machine, not of the event loop.
 * In production Firestore runs elsewhere and sends a listener only the changes.
 */
export class CpuPinning {
  private readonly others: string;
  private readonly placed = new Set<number>();

  constructor(readonly mainThreadCpu: number) {
    const cpus = [...Array(availableParallelism()).keys()];
    if (!cpus.includes(mainThreadCpu) || cpus.length < 2)
      throw new Error(
        `MILLION_MAIN_THREAD_CPU=${mainThreadCpu}: needs one of CPUs 0-${cpus.length - 1} and another`,
      );
    const others = cpus.filter((cpu) => cpu !== mainThreadCpu);
    this.others = others.join(',');
  }

  /** This process and everything it starts from now on: off the event loop's CPU. -a: every thread. */
  pinThisProcess(): void {
    taskset(['-a', '-p', '-c', this.others, String(process.pid)]);
  }

  /** The command that starts a process on the other CPUs (taskset execs it: the pid is the program's). */
  command(argv: string[]): [string, string[]] {
    return ['taskset', ['-c', this.others, ...argv]];
  }

  /**
   * Puts the worker's main thread (task id = pid) on its CPU and every other thread on the others. Called
   * at every sample: a thread the main thread starts inherits its CPU and is moved when first seen.
   */
  place(pid: number): void {
    let tasks: number[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`).map(Number);
    } catch {
      return; // exited
    }
    for (const tid of tasks) {
      if (this.placed.has(tid)) continue;
      this.placed.add(tid);
      const cpus = tid === pid ? String(this.mainThreadCpu) : this.others;
      try {
        taskset(['-p', '-c', cpus, String(tid)]);
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
}

function taskset(args: string[]): void {
  execFileSync('taskset', args, { stdio: 'ignore' });
}
