import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExchangeSimulator } from '../../tools/exchange-simulator';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../tools/firestore-emulator';
import { CpuPinning } from './cpu-pinning';
import { findReconcile, lastScrape } from './million-figures';
import { type MillionSetup, millionReport } from './million-report';
import { makeMarket, seedMillion } from './million-seed';
import type { ScenarioResult } from './table';
import { SampledWorker } from './worker-sampler';

/**
 * The real worker (`node dist/main.js`, listen mode) on a million open positions and 100k triggers in a
 * Firestore emulator of its own, fed by the exchange simulator: time to ready, memory at start-up, at
 * steady state and during a reconciliation, the worst event-loop delay, and documents read.
 *
 * Overrides (environment): MILLION_POSITIONS, MILLION_TRIGGERS (sizes), MILLION_MAX_OLD_SPACE_MB (the
 * worker's --max-old-space-size), MILLION_EMULATOR_HEAP (the emulator JVM's -Xmx, such as 10g),
 * MILLION_NODE_OPTIONS (more of the worker's NODE_OPTIONS, such as --max-semi-space-size=4),
 * MILLION_NODE_FLAGS (flags on the worker's command line, such as --single-threaded-gc, which NODE_OPTIONS refuses),
 * MILLION_LISTEN_PARTITIONS (FIRESTORE_LISTEN_PARTITIONS; by default one per 250,000 positions above 500,000),
 * MILLION_SAMPLES_FILE (writes every sample there as JSON, to plot the run), MILLION_CPU_PROF_DIR (a
 * --cpu-prof profile of the worker and its threads there, to find what holds the event loop),
 * MILLION_MAIN_THREAD_CPU (such as 0: the worker's event loop alone on that CPU, everything else on the others),
 * MILLION_EMULATOR_NICE (such as 19: the emulator yields a CPU it shares to the worker's threads).
 */
const SAMPLE_MS = 250;
/** After the reconciliation, how long to keep sampling (the old books become garbage after the swap). */
const AFTER_RECONCILE_MS = 15_000;
/** Trades per second the simulator makes over the subscribed symbols: the venue bench's estimate. */
const SPOT_TRADES_PER_SECOND = 100;
const FUTURES_TRADES_PER_SECOND = 350;

function setup(quick: boolean): MillionSetup {
  const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
  const positions = env('MILLION_POSITIONS', quick ? 50_000 : 1_000_000);
  return {
    positions,
    triggers: env('MILLION_TRIGGERS', quick ? 5_000 : 100_000),
    // Full size: a ceiling above the need, so the run measures what the heap takes rather than what a
    // tight limit squeezes it into (a tight heap trades memory for more collections).
    maxOldSpaceMb: env('MILLION_MAX_OLD_SPACE_MB', quick ? 1_024 : 6_144),
    nodeFlags: (process.env.MILLION_NODE_FLAGS ?? '').split(/\s+/).filter((flag) => flag !== ''),
    emulatorHeap: process.env.MILLION_EMULATOR_HEAP ?? (quick ? '3g' : '6g'),
    reconcileIntervalMs: quick ? 60_000 : 180_000,
    readyTimeoutMs: Math.max(300_000, positions * 3.6),
    pageSize: pageSizeFor(positions),
    listenPartitions: env('MILLION_LISTEN_PARTITIONS', listenPartitionsFor(positions)),
    sampleMs: SAMPLE_MS,
    mainThreadCpu: process.env.MILLION_MAIN_THREAD_CPU
      ? Number(process.env.MILLION_MAIN_THREAD_CPU)
      : undefined,
    emulatorNice: process.env.MILLION_EMULATOR_NICE ? Number(process.env.MILLION_EMULATOR_NICE) : undefined,
    tradesPerSecond: { spot: SPOT_TRADES_PER_SECOND, futures: FUTURES_TRADES_PER_SECOND },
  };
}

/** The emulator with a larger heap than the shared one: a million documents and two listeners on them. */
async function startEmulator(heap: string): Promise<FirestoreEmulator> {
  const previous = process.env.JAVA_TOOL_OPTIONS;
  // Off-heap capped too: with only -Xmx8g the JVM reached 15 GB resident at a million documents.
  process.env.JAVA_TOOL_OPTIONS = `-Xss4m -Xmx${heap} -XX:MaxDirectMemorySize=2g`;
  try {
    const emulator = await startFirestoreEmulator();
    // Ctrl-C ends the bench with process.exit: the JVM's group must not outlive it.
    process.once('exit', () => signalGroup(emulator.pid));
    return emulator;
  } finally {
    if (previous === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = previous;
  }
}

/** Every thread of the emulator's process group at this nice value (renice -g sets each thread's). */
function deprioritize(pid: number, nice: number | undefined): void {
  if (nice !== undefined)
    execFileSync('renice', ['-n', String(nice), '-g', String(pid)], { stdio: 'ignore' });
}

function signalGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function startExchange(): Promise<ExchangeSimulator[]> {
  const { market } = makeMarket();
  const sims = [new ExchangeSimulator({ market: 'spot' }), new ExchangeSimulator({ market: 'futures' })];
  for (const sim of sims) await sim.start();
  for (const [symbol, price] of market.spot) sims[0].setPrice(symbol, price);
  for (const [symbol, price] of market.futures) sims[1].setPrice(symbol, price);
  sims[0].startTicking(SPOT_TRADES_PER_SECOND);
  sims[1].startTicking(FUTURES_TRADES_PER_SECOND);
  return sims;
}

/** Newer source than the build means the bench would measure old code. */
function staleBuild(): boolean {
  const root = join(__dirname, '../..');
  const built = statSync(join(root, 'dist/main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' });
  const newer = (file: string): boolean => statSync(join(root, 'src', file)).mtimeMs > built;
  return sources.some((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && newer(file));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, worker: SampledWorker, done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (!worker.running) throw new Error(`worker exited (code ${worker.exitCode}) waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(SAMPLE_MS);
  }
}

export async function millionScenario(quick: boolean): Promise<ScenarioResult> {
  const config = setup(quick);
  const pinning = config.mainThreadCpu === undefined ? undefined : new CpuPinning(config.mainThreadCpu);
  pinning?.pinThisProcess();
  const emulator = await startEmulator(config.emulatorHeap);
  const projectId = `bench-million-${randomUUID().slice(0, 8)}`;
  let sims: ExchangeSimulator[] = [];
  let worker: SampledWorker | undefined;
  try {
    const { positions, triggers } = config;
    deprioritize(emulator.pid, config.emulatorNice);
    const seedSeconds = await seedMillion({ hostPort: emulator.hostPort, projectId, positions, triggers });
    // Again for the threads the JVM started while seeding (a thread takes its creator's nice value after).
    deprioritize(emulator.pid, config.emulatorNice);
    sims = await startExchange();
    worker = await SampledWorker.start({
      nodeOptions: [`--max-old-space-size=${config.maxOldSpaceMb}`, process.env.MILLION_NODE_OPTIONS ?? '']
        .join(' ')
        .trim(),
      nodeFlags: config.nodeFlags,
      intervalMs: SAMPLE_MS,
      pinning,
      env: workerEnv(config, emulator, projectId, sims),
    });
    const failure = await drive(worker, config);
    const peakRss = worker.peakRssBytes();
    await worker.stop();
    const file = process.env.MILLION_SAMPLES_FILE;
    if (file) writeFileSync(file, JSON.stringify({ readyAtMs: worker.readyAtMs, ...worker.samples() }));
    return millionReport({ config, worker, failure, peakRss, seedSeconds, staleBuild: staleBuild() });
  } finally {
    await worker?.stop();
    for (const sim of sims) await sim.stop();
    await emulator.stop();
  }
}

/** The ConfigMap's values (deploy/k8s/configmap.yaml), with a reconciliation due during the run. */
function workerEnv(
  config: MillionSetup,
  emulator: FirestoreEmulator,
  projectId: string,
  sims: ExchangeSimulator[],
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    METADATA_SERVER_DETECTION: 'none',
    FIREBASE_PROJECT_ID: projectId,
    FIRESTORE_EMULATOR_HOST: emulator.hostPort,
    KUCOIN_SPOT_API_URL: sims[0].apiUrl,
    KUCOIN_FUTURES_API_URL: sims[1].apiUrl,
    INSTANCE_ID: 'bench-million',
    LOG_LEVEL: 'info',
    CACHE_MODE: 'listen',
    COLLECTOR_CRON: '*/30 * * * * *',
    EXECUTION_CONCURRENCY: '64',
    SHUTDOWN_GRACE_MS: '10000',
    TERMINATION_GRACE_MS: '30000',
    RECONCILE_INTERVAL_MS: String(config.reconcileIntervalMs),
    COLLECTOR_PAGE_SIZE: String(config.pageSize),
    COLLECTOR_PAGE_TIMEOUT_MS: '600000',
    COLLECTOR_READ_TIMEOUT_MS: '600000',
    COLLECTOR_PROBE_TIMEOUT_MS: '60000',
    FIRESTORE_LISTEN_PARTITIONS: String(config.listenPartitions),
  };
}

/**
 * The emulator answers every query on a collection group by scanning the whole group (about 4.5 s at 220k
 * documents, whatever the limit), unlike Firestore's indexes: a million documents in the default pages of
 * 5,000 would take over an hour per full read with every page over its 20 s timeout, and the one-document
 * probe would miss its 5 s timeout on every run (each miss forcing a full read). Larger collections read
 * in fewer, larger pages here, and the timeouts are long; builds from before the paged read have one
 * timeout for the whole read instead.
 */
function pageSizeFor(positions: number): number {
  return Math.min(50_000, Math.max(5_000, Math.ceil(positions / 20_000) * 1_000));
}

/**
 * The emulator builds a listen target's whole first result before it sends any of it, and firebase-admin
 * resets a listen stream that has received nothing for 120 s: a single listener of 500,000 positions
 * delivers in about a minute here, of a million never. Above 500,000, a partition per 250,000 (about 47 s
 * each at a million, every one a scan of the whole group).
 */
function listenPartitionsFor(positions: number): number {
  return positions <= 500_000 ? 1 : Math.ceil(positions / 250_000);
}

/** Waits through start-up, the steady state and the reconciliation; a failure is reported, not thrown. */
async function drive(worker: SampledWorker, config: MillionSetup): Promise<string | undefined> {
  try {
    await until('/health/ready', worker, () => worker.readyAtMs !== undefined, config.readyTimeoutMs);
    const runsAtReady = lastScrape(worker)?.collectorRuns.success ?? 0;
    const reconciled = (): boolean => findReconcile(worker, worker.readyAtMs!, runsAtReady) !== undefined;
    await until('the reconciliation', worker, reconciled, config.reconcileIntervalMs + 3_600_000);
    await sleep(AFTER_RECONCILE_MS);
    return undefined;
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}\n${worker.lastLines()}`;
  }
}
