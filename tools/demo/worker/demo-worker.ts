import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { validateEnvironment } from '../../../src/config';
import type { MarketType, Tick } from '../../../src/domain/market';
import { FEED_TOKENS, type FeedGateway } from '../../../src/market-feed';
import type { FeedView } from '../display/display.types';
import { RateMeter } from '../display/rate-meter';
import { WorkerMetrics } from '../../../src/metrics/worker-metrics';
import type { FileLogger } from './file-logger';
import { type MetricTotals, sumByLabel, sumCounter } from './metric-totals';

const METRICS_SAMPLE_MS = 1_000;

interface MarketState {
  readonly market: MarketType;
  readonly gateway?: FeedGateway;
  readonly meter: RateMeter;
  ticks: number;
}

/**
 * The real worker, in this process: AppModule exactly as production builds it, with its logger pointed at
 * a file. In-process rather than a child `node dist/main.js` because the demo can then read the feed
 * gateways' own status (connections, desired symbols) and their tick streams directly, and there is one
 * process to stop on Ctrl-C instead of two.
 */
export class DemoWorker {
  private readonly prices = new Map<string, number>();
  /** Refreshed every second from the worker's registry; undefined until the first read. */
  metrics: MetricTotals | undefined;
  private readonly markets: MarketState[];
  private readonly subscriptions: Subscription[] = [];
  private readonly metricsTimer: NodeJS.Timeout;

  private constructor(
    private readonly app: INestApplication,
    private readonly logger: FileLogger,
    onTick?: (tick: Tick) => void,
  ) {
    this.markets = (['spot', 'futures'] as const).map((market) => ({
      market,
      gateway: findGateway(app, market),
      meter: new RateMeter(),
      ticks: 0,
    }));
    for (const state of this.markets) {
      const subscription = state.gateway?.ticks$.subscribe((tick) => {
        state.ticks++;
        this.prices.set(tick.symbol, tick.price);
        onTick?.(tick);
      });
      if (subscription) this.subscriptions.push(subscription);
    }
    const registry = app.get(WorkerMetrics);
    this.metricsTimer = setInterval(() => void this.readMetrics(registry), METRICS_SAMPLE_MS);
  }

  /**
   * The environment (emulator, KuCoin URLs, project id) must be set before this is called. `onTick` sees
   * every tick of the spot and futures feeds, in the order the worker gets them: it is subscribed before the
   * app starts, so before the worker's own subscription (made at bootstrap) and its first tick.
   */
  static async start(logger: FileLogger, port: number, onTick?: (tick: Tick) => void): Promise<DemoWorker> {
    validateEnvironment();
    // Imported only now: the config namespaces read the environment the demo has just set.
    const { AppModule } = await import('../../../src/app.module');
    const app = await NestFactory.create(AppModule, { logger, abortOnError: false });
    const worker = new DemoWorker(app, logger, onTick);
    try {
      await app.listen(port, '127.0.0.1');
    } catch (error) {
      await worker.stop().catch(() => undefined);
      throw error;
    }
    return worker;
  }

  /** Last prices of the symbols the worker still watches; a symbol with nothing left to watch is unsubscribed. */
  watchedPrices(): Map<string, number> {
    const watched = (symbol: string): boolean =>
      this.markets.some((state) => state.gateway?.desiredSymbols().has(symbol) === true);
    return new Map([...this.prices].filter(([symbol]) => watched(symbol)));
  }

  feedViews(now: number): FeedView[] {
    return this.markets.map((state) => {
      const status = state.gateway?.status();
      return {
        market: state.market,
        desired: status && [...(state.gateway?.desiredSymbols() ?? [])].sort(),
        connections: status?.connections ?? [],
        ticksPerSecond: state.meter.sample(state.ticks, now),
      };
    });
  }

  /** Runs every shutdown hook: feeds close, in-flight transactions drain, the Firestore client closes. */
  async stop(): Promise<void> {
    clearInterval(this.metricsTimer);
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    await this.app.close();
  }

  private async readMetrics(metrics: WorkerMetrics): Promise<void> {
    try {
      const [ticks, executions] = await Promise.all([metrics.ticksReceived.get(), metrics.executions.get()]);
      this.metrics = {
        ticksReceived: sumCounter(ticks.values),
        executions: sumByLabel(executions.values, 'outcome'),
      };
    } catch (error) {
      this.logger.note(`reading the worker's metrics failed: ${(error as Error).message}`);
    }
  }
}

function findGateway(app: INestApplication, market: MarketType): FeedGateway | undefined {
  // Tolerated missing, so the demo still runs (and says so) in a build where the feed is not wired in.
  try {
    return app.get<FeedGateway>(FEED_TOKENS[market]);
  } catch {
    return undefined;
  }
}
