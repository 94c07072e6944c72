import type { Firestore } from 'firebase-admin/firestore';
import type { MarketType } from '../../src/domain/market';
import type { ExchangeSimulator, SimTrade } from '../../tools/exchange-simulator';
import { FEED_TOKENS, type FeedGateway } from '../../src/market-feed';
import { type Worker, readAll } from './worker-harness';
import { waitFor } from './wait-for';

/**
 * Helpers for the trade-by-trade and gap-recovery specs: waits on what the feed has evaluated, and the
 * exact fields an execution writes. (Simulators with an injected clock: startSimulators(options).)
 */

export const MINUTE_MS = 60_000;

export const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

export function gateway(worker: Worker, market: MarketType): FeedGateway {
  return worker.app.get<FeedGateway>(FEED_TOKENS[market]);
}

/** Until the market's feed has evaluated every trade up to this live one (it is its newest). */
export function waitEvaluated(worker: Worker, market: MarketType, trade: SimTrade): Promise<void> {
  return waitFor(`${market} trade at ${trade.time} evaluated`, () => {
    const through = gateway(worker, market).evaluatedThrough();
    return through !== undefined && through >= trade.time;
  });
}

/** Until the worker has seen every connection of the market go down. */
export function waitDisconnected(worker: Worker, market: MarketType): Promise<void> {
  return waitFor(`${market} feed down`, () =>
    gateway(worker, market)
      .status()
      .connections.every((connection) => connection.state !== 'connected'),
  );
}

/** Until the market is connected again with no gap left to recover. */
export function waitCaughtUp(worker: Worker, market: MarketType): Promise<void> {
  return waitFor(`${market} feed caught up`, () => {
    const status = gateway(worker, market).status();
    return (
      status.recoveringSymbols === 0 &&
      status.connections.length > 0 &&
      status.connections.every(
        (connection) => connection.state === 'connected' && connection.subscribedTopics > 0,
      )
    );
  });
}

/** Gap recoveries the worker counted with this result. */
export async function gapRecoveries(worker: Worker, market: MarketType, result: string): Promise<number> {
  const metric = await worker.metrics.gapRecoveries.get();
  return metric.values
    .filter((value) => value.labels.market === market && value.labels.result === result)
    .reduce((sum, value) => sum + value.value, 0);
}

/** An exchange time after the symbol's last trade, so a trade is after a watermark by time alone. */
export function after(sim: ExchangeSimulator, symbol: string): number {
  return Math.max(Date.now(), (sim.lastTrade(symbol)?.time ?? 0) + 1);
}

/** A few ordinary trades that cross nothing the spec watches, alternating around `price`. */
export function chop(
  sim: ExchangeSimulator,
  symbol: string,
  price: number,
  step: number,
  count: number,
): SimTrade[] {
  const trades: SimTrade[] = [];
  for (let i = 0; i < count; i++) trades.push(sim.trade(symbol, price + (i % 2 === 0 ? step : -step)));
  return trades;
}

export const status = async (db: Firestore, path: string): Promise<unknown> =>
  (await db.doc(path).get()).get('status');

export const gone = async (db: Firestore, path: string): Promise<boolean> =>
  !(await db.doc(path).get()).exists;

export interface Close {
  readonly reason: 'stop_loss' | 'take_profit';
  readonly level: number;
  readonly price: number;
  /** Exchange time, ms. */
  readonly time: number;
}

export interface Fire {
  readonly price: number;
  readonly time: number;
}

/** What a scenario must leave: these closes and fires, exactly, and these documents as they were. */
export interface Outcome {
  /** By openPositions path. */
  readonly closes: Record<string, Close>;
  /** By tradeTriggers path. */
  readonly fires: Record<string, Fire>;
  readonly untouched: Record<string, Record<string, unknown>>;
}

/** Until every close of the outcome is written and every fired trigger gone. */
export function waitActed(db: Firestore, outcome: Outcome): Promise<void> {
  return waitFor('the expected closes and fires', async () => {
    for (const path of Object.keys(outcome.closes)) if ((await status(db, path)) === 'open') return false;
    for (const path of Object.keys(outcome.fires)) if (!(await gone(db, path))) return false;
    return true;
  });
}

const executedPath = (path: string): string => path.replace('/tradeTriggers/', '/executedTriggers/');

/** Exactly the outcome: each close and fire with its fields, the rest untouched, nothing else written. */
export async function expectOutcome(db: Firestore, outcome: Outcome, by: string): Promise<void> {
  const positions = await readAll(db, 'openPositions');
  const triggers = await readAll(db, 'tradeTriggers');
  const executed = await readAll(db, 'executedTriggers');
  for (const [path, close] of Object.entries(outcome.closes)) {
    const {
      status: s,
      closeReason,
      closeTriggerPrice,
      closePrice,
      closeTickTime,
      closedBy,
    } = positions.get(path) ?? {};
    expect([path, { s, closeReason, closeTriggerPrice, closePrice, closeTickTime, closedBy }]).toEqual([
      path,
      {
        s: 'closing',
        closeReason: close.reason,
        closeTriggerPrice: close.level,
        closePrice: close.price,
        closeTickTime: close.time,
        closedBy: by,
      },
    ]);
  }
  for (const [path, fire] of Object.entries(outcome.fires)) {
    const { executedPrice, executedTickTime, executedBy } = executed.get(executedPath(path)) ?? {};
    expect([path, { executedPrice, executedTickTime, executedBy }]).toEqual([
      path,
      { executedPrice: fire.price, executedTickTime: fire.time, executedBy: by },
    ]);
  }
  for (const [path, doc] of Object.entries(outcome.untouched)) {
    expect([path, positions.get(path) ?? triggers.get(path)]).toEqual([path, doc]);
  }
  const untouched = Object.keys(outcome.untouched);
  expect([...positions.keys()].sort()).toEqual(
    [...Object.keys(outcome.closes), ...untouched.filter((p) => p.includes('/openPositions/'))].sort(),
  );
  expect([...triggers.keys()].sort()).toEqual(untouched.filter((p) => p.includes('/tradeTriggers/')).sort());
  expect([...executed.keys()].sort()).toEqual(Object.keys(outcome.fires).map(executedPath).sort());
}

/** Until the market's feed is caught up and every accepted execution has finished. */
export async function waitSettled(worker: Worker, markets: readonly MarketType[]): Promise<void> {
  for (const market of markets) await waitCaughtUp(worker, market);
  await waitFor('queue idle', () => worker.execution.stats().queue.length === 0);
}

export function pick<T>(record: Record<string, T>, ...keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}
