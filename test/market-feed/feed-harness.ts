import type { MarketType, Tick } from '../../src/domain/market';
import { ExchangeSimulator, type ExchangeSimulatorOptions } from '../../tools/exchange-simulator';
import type { CatchUpResult } from '../../src/market-feed/kucoin/rest-queue';
import type { RejectReason } from '../../src/market-feed/kucoin/frame-parser';
import type { FeedLogger, ManagerSink } from '../../src/market-feed/kucoin/connection-events';
import type { ConnectionIo, ConnectionLimits } from '../../src/market-feed/kucoin/connection-options';
import type { ReconnectCause } from '../../src/market-feed/kucoin/reconnect-cause';
import { WebSocketManager } from '../../src/market-feed/kucoin/websocket-manager';
import { watchOpen } from '../support/live-apps';

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. No fixed sleeps in the specs. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startSimulator(options: ExchangeSimulatorOptions = {}): Promise<ExchangeSimulator> {
  const sim = new ExchangeSimulator({ pingInterval: 200, pingTimeout: 300, ...options });
  await sim.start();
  watchOpen(`${sim.market} simulator`, { stillOpen: () => sim.listening, close: () => sim.stop() });
  return sim;
}

/** What a manager reported, for assertions. */
export class Recorder {
  readonly ticks: Tick[] = [];
  readonly rejected: RejectReason[] = [];
  readonly reconnects: ReconnectCause[] = [];
  readonly catchUps: CatchUpResult[] = [];

  readonly sink = {
    onTick: (tick: Tick): void => void this.ticks.push(tick),
    onRejected: (reason: RejectReason): void => void this.rejected.push(reason),
    onReconnect: (cause: ReconnectCause): void => void this.reconnects.push(cause),
    onCatchUp: (result: CatchUpResult): void => void this.catchUps.push(result),
  };

  ticksFor(symbol: string, source: Tick['source'] = 'stream'): Tick[] {
    return this.ticks.filter((tick) => tick.symbol === symbol && tick.source === source);
  }

  /** Index to remember "ticks after this point". */
  mark(): number {
    return this.ticks.length;
  }

  since(mark: number, source?: Tick['source']): Tick[] {
    return this.ticks.slice(mark).filter((tick) => source === undefined || tick.source === source);
  }
}

/** A test's changes to fastManager's connection: limits, and the sink, logger or io to use instead. */
export type FastOverrides = Partial<ConnectionLimits> & {
  readonly sink?: ManagerSink;
  readonly logger?: FeedLogger;
  readonly io?: Partial<ConnectionIo>;
};

/** Short timings so every fault recovers in well under a second or two. */
export function fastManager(
  sim: ExchangeSimulator,
  recorder: Recorder,
  overrides: FastOverrides = {},
): WebSocketManager {
  const market: MarketType = sim.market;
  const { sink = recorder.sink, logger, io, ...limits } = overrides;
  const manager = new WebSocketManager({
    id: `${market}-test`,
    market,
    apiUrl: sim.apiUrl,
    limits: {
      symbolsPerMessage: 100,
      staleFeedMs: 1_000,
      dataStaleMs: 1_500,
      reconnectBackoff: { baseMs: 20, maxMs: 200 },
      welcomeTimeoutMs: 2_000,
      ...limits,
    },
    io,
    events: { sink, logger },
  });
  watchOpen(`${market} manager`, {
    stillOpen: () => manager.state !== 'closed',
    close: () => manager.stop(),
  });
  return manager;
}

/** Connected, subscribed to exactly `symbols` on the simulator side too. */
export function subscribedExactly(
  sim: ExchangeSimulator,
  manager: WebSocketManager,
  symbols: string[],
): boolean {
  const counts = sim.subscriptionCounts();
  return (
    manager.state === 'connected' &&
    manager.status().subscribedTopics === symbols.length &&
    counts.size === symbols.length &&
    symbols.every((symbol) => counts.get(symbol) === 1)
  );
}

/**
 * The recovery contract every fault test asserts: connected, subscribed to exactly `symbols` (checked on
 * the simulator's side too), and a fresh price for each symbol reaches the recorder, all within `boundMs`.
 */
export async function expectRecovery(
  sim: ExchangeSimulator,
  manager: WebSocketManager,
  recorder: Recorder,
  symbols: string[],
  boundMs = 3_000,
): Promise<void> {
  const deadline = Date.now() + boundMs;
  await waitFor(
    'connected and subscribed to exactly the desired topics',
    () => subscribedExactly(sim, manager, symbols),
    boundMs,
  );
  const mark = recorder.mark();
  symbols.forEach((symbol, i) => sim.setPrice(symbol, 1_000 + i + Math.round(Math.random() * 100) / 100));
  await waitFor(
    'ticks flow again for every desired symbol',
    () => symbols.every((symbol) => recorder.since(mark, 'stream').some((tick) => tick.symbol === symbol)),
    Math.max(1, deadline - Date.now()),
  );
}

/**
 * Until the simulator has answered `count` more pings: the feed's own heartbeat as a clock, to let several
 * watchdog and ack-timeout periods go by without a fixed sleep.
 */
export async function heartbeats(sim: ExchangeSimulator, count: number, timeoutMs = 10_000): Promise<void> {
  const target = sim.stats.pingsReceived + count;
  await waitFor(`${count} more heartbeats`, () => sim.stats.pingsReceived >= target, timeoutMs);
}

/** A GET on the simulator's REST API: the status, the raw text and the parsed body. */
export async function getJson(
  sim: ExchangeSimulator,
  path: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the specs read KuCoin's loose JSON
): Promise<{ status: number; text: string; body: any }> {
  const res = await fetch(`${sim.apiUrl}${path}`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}
