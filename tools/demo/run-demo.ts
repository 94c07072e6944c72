import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FirestoreEmulator, startFirestoreEmulator } from '../firestore-emulator';
import { globalFetch } from '../../src/market-feed/kucoin/kucoin-rest';
import type { DemoArgs } from './demo-args';
import {
  DEMO_PROJECT_ID,
  DEMO_SYMBOLS,
  KUCOIN_FUTURES_API,
  KUCOIN_SPOT_API,
  NEAR_FRACTION,
} from './demo.constants';
import type { StatusView } from './display/display.types';
import { formatPrices } from './display/format';
import { TerminalDisplay } from './display/terminal-display';
import { type FeedChoice, chooseFeed } from './feed/feed-choice';
import { SimulatedExchange } from './feed/simulated-exchange';
import { Lifecycle, StopRequested } from './lifecycle';
import { buildSeedPlan } from './seed-plan';
import { DemoFirestore } from './watch/demo-firestore';
import { TrailingWatch } from './watch/trailing-watch';
import { DemoWorker } from './worker/demo-worker';
import { FileLogger } from './worker/file-logger';
import { choosePort } from './worker/port';

const say = (line = ''): boolean => process.stdout.write(`${line}\n`);

/** The emulator as a child process group, stopped with its JVM on teardown (or, failing that, on exit). */
async function startEmulator(lifecycle: Lifecycle, logger: FileLogger): Promise<void> {
  say('Starting the Cloud Firestore emulator (a few seconds)…');
  const emulator = await startFirestoreEmulator({
    onOutput: (text) => logger.note(`emulator: ${text.trim()}`),
  });
  const disarm = killOnExit(emulator);
  lifecycle.adopt('Firestore emulator (and its JVM)', async () => {
    await emulator.stop();
    disarm();
  });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.hostPort;
  say(`Firestore emulator on ${emulator.hostPort}, project ${DEMO_PROJECT_ID}`);
}

/** Points the worker at KuCoin or at a simulator of it; returns the prices to seed the levels from. */
async function startFeed(choice: FeedChoice, lifecycle: Lifecycle): Promise<ReadonlyMap<string, number>> {
  if (choice.kind === 'live') {
    process.env.KUCOIN_SPOT_API_URL = KUCOIN_SPOT_API;
    process.env.KUCOIN_FUTURES_API_URL = KUCOIN_FUTURES_API;
    return choice.prices;
  }
  const exchange = new SimulatedExchange(DEMO_SYMBOLS);
  await exchange.start();
  lifecycle.adopt('exchange simulator', () => exchange.stop());
  process.env.KUCOIN_SPOT_API_URL = exchange.apiUrl('spot');
  process.env.KUCOIN_FUTURES_API_URL = exchange.apiUrl('futures');
  return exchange.prices();
}

/** Start-up in the order things depend on each other; every resource is adopted the moment it exists. */
async function start(args: DemoArgs, lifecycle: Lifecycle, logger: FileLogger): Promise<TerminalDisplay> {
  const choice = await chooseFeed(args.feed, DEMO_SYMBOLS, globalFetch);
  say(
    choice.kind === 'live'
      ? 'Feed: LIVE KuCoin (spot BTC-USDT, ETH-USDT; futures XBTUSDTM, ETHUSDTM)'
      : `Feed: SIMULATED: a built-in KuCoin simulator moving prices on a random walk. Why: ${choice.why}`,
  );
  lifecycle.checkpoint();

  await startEmulator(lifecycle, logger);
  lifecycle.checkpoint();

  const prices = await startFeed(choice, lifecycle);
  lifecycle.checkpoint();

  const firestore = new DemoFirestore(DEMO_PROJECT_ID);
  lifecycle.adopt('demo Firestore client', () => firestore.close());
  const plan = buildSeedPlan({ prices, nearFraction: NEAR_FRACTION[choice.kind] });
  const seededAt = await firestore.seed(plan);
  const trailing = new TrailingWatch(plan.positions, seededAt);
  say(
    `Seeded ${plan.positions.length} open positions (${trailing.size} with a trailing stop) and ` +
      `${plan.triggers.length} trade triggers near ${formatPrices(prices)}`,
  );

  const port = await choosePort();
  say(`Starting the worker (logs: ${logger.path})…`);
  const worker = await DemoWorker.start(logger, port, (tick) => trailing.onTick(tick));
  lifecycle.adopt('worker', () => worker.stop());
  lifecycle.checkpoint();

  const base = `http://127.0.0.1:${port}`;
  const startedAt = Date.now();
  const view = (): StatusView => ({
    feed: choice.kind,
    elapsedMs: Date.now() - startedAt,
    durationMs: args.durationSeconds === undefined ? undefined : args.durationSeconds * 1_000,
    feeds: worker.feedViews(Date.now()),
    prices: worker.watchedPrices(),
    openPositions: firestore.openPositions,
    pendingTriggers: firestore.pendingTriggers,
    executions: display.executions.length,
    metrics: worker.metrics,
    trailing: trailing.views(),
    baseUrl: base,
  });
  const display = new TerminalDisplay(process.stdout, view);
  await firestore.watch({
    onExecution: (event) => {
      trailing.onExecution(event); // first, so the display shows the stop closed with its execution
      display.addExecution(event);
    },
    onError: (message) => logger.note(message),
  });
  say(`Worker up. Health: ${base}/health/ready  Metrics: ${base}/metrics  (Ctrl-C to stop)`);
  display.start();
  lifecycle.adopt('display', () => Promise.resolve(display.stop()));
  return display;
}

/**
 * Last resort for an exit that skips teardown (a crash, a second Ctrl-C): the emulator's JVM runs in its
 * own process group, which would otherwise outlive the demo.
 */
function killOnExit(emulator: FirestoreEmulator): () => void {
  const kill = (): void => {
    try {
      process.kill(-emulator.pid, 'SIGKILL');
    } catch {
      // Already gone (ESRCH): nothing left to clean up.
    }
  };
  process.on('exit', kill);
  return () => process.off('exit', kill);
}

export async function runDemo(args: DemoArgs): Promise<number> {
  const lifecycle = new Lifecycle();
  const logger = new FileLogger(join(tmpdir(), `realtime-worker-demo-${process.pid}.log`));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!lifecycle.stopping) return lifecycle.requestStop(signal === 'SIGINT' ? 'Ctrl-C' : signal);
    say(`\n${signal} again: exiting now without waiting for a clean shutdown.`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let exitCode = 0;
  let executions = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const display = await start(args, lifecycle, logger);
    // Counted from when the display starts: --duration is how long there is something to watch.
    if (args.durationSeconds !== undefined) {
      const seconds = args.durationSeconds;
      timer = setTimeout(() => lifecycle.requestStop(`--duration ${seconds}`), seconds * 1_000);
    }
    const reason = await lifecycle.stopped;
    executions = display.executions.length;
    display.stop(); // the final screen first, then what happens next below it
    say(`\nStopping (${reason})…`);
  } catch (error) {
    if (error instanceof StopRequested) say(`\nStopping (${error.message}) before start-up finished…`);
    else {
      exitCode = 1;
      say(`\nThe demo could not run: ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    const released = await lifecycle.releaseAll((name, error) =>
      say(`Stopping the ${name} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    await logger.close();
    if (released.length > 0) say(`Stopped: ${released.join(', ')}.`);
  }
  say(`${executions} executions. Worker logs: ${logger.path}`);
  return exitCode;
}
