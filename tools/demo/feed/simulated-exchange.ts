import type { MarketType } from '../../../src/domain/market';
import { ExchangeSimulator } from '../../exchange-simulator';
import { type DemoSymbol, WALK_PERIOD_MS, WALK_STEP_VOLATILITY } from '../demo.constants';
import { RandomWalk } from './random-walk';

/** KuCoin's `mark.index.price` cadence. */
const MARK_PERIOD_MS = 1_000;

/**
 * KuCoin on loopback for the demo: one simulator per market (token endpoint, REST ticker, WebSocket) and a
 * random walk per symbol pushing a tick every period. The walk is the demo's own rather than the
 * simulator's built-in one, so its volatility matches how far the seed puts the levels.
 */
export class SimulatedExchange {
  private readonly simulators: Record<MarketType, ExchangeSimulator> = {
    spot: new ExchangeSimulator({ market: 'spot' }),
    futures: new ExchangeSimulator({ market: 'futures' }),
  };
  private readonly walks = new Map<DemoSymbol, RandomWalk>();
  private timer: NodeJS.Timeout | undefined;
  private markTimer: NodeJS.Timeout | undefined;

  constructor(symbols: readonly DemoSymbol[]) {
    for (const symbol of symbols) {
      this.walks.set(symbol, new RandomWalk(symbol.simulatedStart, WALK_STEP_VOLATILITY));
    }
  }

  /** Starts both servers with their first prices set, so REST catch-ups answer before the walk starts. */
  async start(): Promise<void> {
    await Promise.all([this.simulators.spot.start(), this.simulators.futures.start()]);
    for (const [symbol, walk] of this.walks)
      this.simulators[symbol.marketType].setPrice(symbol.symbol, walk.price);
    this.timer = setInterval(() => this.step(), WALK_PERIOD_MS);
    this.markTimer = setInterval(() => this.pushMarks(), MARK_PERIOD_MS);
  }

  async stop(): Promise<void> {
    for (const timer of [this.timer, this.markTimer]) if (timer !== undefined) clearInterval(timer);
    this.timer = this.markTimer = undefined;
    await Promise.all([this.simulators.spot.stop(), this.simulators.futures.stop()]);
  }

  apiUrl(market: MarketType): string {
    return this.simulators[market].apiUrl;
  }

  prices(): Map<string, number> {
    return new Map([...this.walks].map(([symbol, walk]) => [symbol.symbol, walk.price]));
  }

  /**
   * The futures mark and index price, once a second as KuCoin pushes them: the walk's price now (the demo
   * has no fair-price model). The walk drives the simulators itself, so their own mark pushes, which
   * run only while they tick, are off.
   */
  private pushMarks(): void {
    for (const [symbol, walk] of this.walks)
      if (symbol.marketType === 'futures') this.simulators.futures.setMarkPrice(symbol.symbol, walk.price);
  }

  private step(): void {
    for (const [symbol, walk] of this.walks)
      this.simulators[symbol.marketType].setPrice(symbol.symbol, walk.next());
  }
}
