import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../tools/firestore-emulator';
import type { CpuPinning } from './cpu-pinning';
import { type GcEvent, readGcLine } from './gc-trace';
import { type MetricsSample, parseMetrics } from './prom-text';
import { type SchedSample, readMainThreadSchedstat, readStolenMs } from './thread-time';

const MAIN = join(__dirname, '../../dist/main.js');
const TAIL_LINES = 20;

/** One reading of the worker process's memory from /proc (kernel's view: works while its loop is blocked). */
export interface ProcSample {
  readonly atMs: number;
  readonly rssBytes: number;
}

/** One answer of the worker's own endpoints: /metrics and /health/ready. */
export interface EndpointSample extends MetricsSample {
  readonly atMs: number;
  readonly ready: boolean;
}

/**
 * The built worker (`node dist/main.js`) as a child process, with `--trace-gc` so every collection's
 * heap before and after is known, sampled every `intervalMs` from /proc and from its /metrics and
 * /health/ready. Times are ms since the spawn.
 */
export class SampledWorker {
  readonly proc: ProcSample[] = [];
  readonly endpoints: EndpointSample[] = [];
  readonly gc: GcEvent[] = [];
  /** The main thread's CPU and run-queue time, sampled with /proc. */
  readonly sched: SchedSample[] = [];
  readyAtMs: number | undefined;
  exitCode: number | null | undefined;
  private readonly child: ChildProcess;
  private readonly startedAt = performance.now();
  private readonly tail: string[] = [];
  private readonly exited: Promise<void>;
  private readonly procTimer: NodeJS.Timeout;
  private sampling = true;
  private readonly loop: Promise<void>;
  private readonly killOnExit = (): void => void this.child.kill('SIGKILL');

  private constructor(
    private readonly port: number,
    env: Record<string, string>,
    nodeOptions: string,
    nodeFlags: readonly string[],
    readonly intervalMs: number,
    private readonly pinning: CpuPinning | undefined,
  ) {
    const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
    // NODE_OPTIONS as a Deployment would set it; --trace-gc is not allowed there, so it is an argument.
    // MILLION_CPU_PROF_DIR: a V8 CPU profile of the worker and each of its threads, written there on exit.
    const profile = process.env.MILLION_CPU_PROF_DIR;
    const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const argv = [process.execPath, '--trace-gc', ...nodeFlags, ...flags, MAIN];
    const [command, args] = pinning ? pinning.command(argv) : [argv[0], argv.slice(1)];
    this.child = spawn(command, args, {
      env: { ...inherited, ...env, PORT: String(port), NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    process.once('exit', this.killOnExit);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        process.removeListener('exit', this.killOnExit);
        resolve();
      }),
    );
    this.readLines(this.child.stdout!, (line) => {
      const event = readGcLine(line, this.now());
      if (event) this.gc.push(event);
      else this.keep(line);
    });
    this.readLines(this.child.stderr!, (line) => this.keep(line));
    this.procTimer = setInterval(() => this.sampleProc(), intervalMs);
    this.loop = this.sampleEndpoints();
  }

  static async start(options: {
    readonly env: Record<string, string>;
    readonly nodeOptions: string;
    /** Flags on the command line before dist/main.js: V8's, which NODE_OPTIONS refuses (--single-threaded-gc). */
    readonly nodeFlags?: readonly string[];
    readonly intervalMs: number;
    /** Its main thread alone on one CPU, its other threads on the others. */
    readonly pinning?: CpuPinning;
  }): Promise<SampledWorker> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
    const { env, nodeOptions, nodeFlags = [], intervalMs, pinning } = options;
    return new SampledWorker(await freePort(), env, nodeOptions, nodeFlags, intervalMs, pinning);
  }

  now(): number {
    return performance.now() - this.startedAt;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines the worker wrote (log lines and stderr), for a failure message. */
  lastLines(): string {
    return this.tail.join('\n');
  }

  samples(): { proc: ProcSample[]; endpoints: EndpointSample[]; gc: GcEvent[]; sched: SchedSample[] } {
    return { proc: this.proc, endpoints: this.endpoints, gc: this.gc, sched: this.sched };
  }

  /** The kernel's high-water mark of the process's resident set (VmHWM), while it still runs. */
  peakRssBytes(): number {
    return this.status().hwm;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; stops sampling. */
  async stop(graceMs = 40_000): Promise<void> {
    this.sampling = false;
    clearInterval(this.procTimer);
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    await this.loop;
  }

  private keep(line: string): void {
    this.tail.push(line.slice(0, 500));
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }

  private readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') onLine(line);
    });
  }

  private status(): { rss: number; hwm: number } {
    try {
      const text = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
      return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
    } catch {
      return { rss: 0, hwm: 0 }; // exited, or not Linux
    }
  }

  private sampleProc(): void {
    if (this.child.pid !== undefined) this.pinning?.place(this.child.pid);
    const { rss } = this.status();
    const atMs = this.now();
    if (rss > 0) this.proc.push({ atMs, rssBytes: rss });
    const sched = this.child.pid === undefined ? undefined : readMainThreadSchedstat(this.child.pid);
    // Pinned, the main thread's own CPU; otherwise the machine's CPUs summed.
    const stolenMs = readStolenMs(this.pinning ? `cpu${this.pinning.mainThreadCpu}` : 'cpu');
    if (sched) this.sched.push({ atMs, ...sched, stolenMs });
  }

  /**
   * One scrape at a time, never abandoned: prom-client resets the event-loop delay histogram on every
   * scrape, so a scrape given up on would lose the stall it measured. A blocked loop answers late.
   */
  private async sampleEndpoints(): Promise<void> {
    const base = `http://127.0.0.1:${this.port}`;
    while (this.sampling && this.running) {
      const started = performance.now();
      try {
        const [metrics, ready] = await Promise.all([
          fetch(`${base}/metrics`).then((response) => response.text()),
          fetch(`${base}/health/ready`).then(async (response) => {
            await response.arrayBuffer();
            return response.status === 200;
          }),
        ]);
        const atMs = this.now();
        if (ready && this.readyAtMs === undefined) this.readyAtMs = atMs;
        this.endpoints.push({ atMs, ready, ...parseMetrics(metrics) });
      } catch {
        // Not listening yet (or gone): try again at the next interval.
      }
      const wait = this.intervalMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
