import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MarketType, Tick } from '../../src/domain/market';
import { SendStamps, createSendStamps } from './send-stamps';
import type { SenderCommand, SenderData, SenderReply } from './wire-sender';
import type { Universe } from './workload';

/** The sender thread (wire-sender.ts) and what the receiver needs to match trades with their send times. */
export interface SenderHandle {
  readonly worker: Worker;
  readonly done: Int32Array;
  readonly stamps: SendStamps;
  readonly clockBase: bigint;
  /** Per market, symbol -> stream index (the universe's order, as the sender numbers them). */
  readonly streamIndex: Record<MarketType, Map<string, number>>;
}

export function startSender(which: SenderData['universe'], universe: Universe): SenderHandle {
  const buffers = createSendStamps(universe.streams.length);
  const clockBase = process.hrtime.bigint();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const register = join(__dirname, '../../tools/swc-register.js');
  const script = join(__dirname, 'wire-sender.ts');
  const code = `require(${JSON.stringify(register)}); require(${JSON.stringify(script)});`;
  const workerData: SenderData = { universe: which, stamps: buffers, clockBase, done };
  const worker = new Worker(code, { eval: true, workerData });
  const streamIndex: Record<MarketType, Map<string, number>> = { spot: new Map(), futures: new Map() };
  universe.streams.forEach(({ market, symbol }, i) => streamIndex[market].set(symbol, i));
  return { worker, done, stamps: new SendStamps(buffers), clockBase, streamIndex };
}

export function nextReply(worker: Worker): Promise<SenderReply> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    worker.once('error', onError);
    worker.once('message', (reply: SenderReply) => {
      worker.off('error', onError);
      resolve(reply);
    });
  });
}

export async function stopSender(sender: SenderHandle): Promise<void> {
  sender.worker.postMessage({ cmd: 'stop' } satisfies SenderCommand);
  await new Promise((resolve) => sender.worker.once('exit', resolve));
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`wire bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const microsSince = (base: bigint): number => Number(process.hrtime.bigint() - base) / 1_000;

/**
 * Tick-to-decision in µs for a live trade, from the sender's stamp to now; NaN when the trade cannot be
 * matched exactly (see send-stamps.ts). Called once the processor has returned for the tick.
 */
export function latencyOf(sender: SenderHandle, tick: Tick): number {
  const stream = sender.streamIndex[tick.marketType].get(tick.symbol);
  if (stream === undefined || tick.sequence === undefined) return Number.NaN;
  return microsSince(sender.clockBase) - sender.stamps.sentAt(stream, tick.sequence);
}

/**
 * A trade the sender made (not a REST ticker catch-up): pushed live, or recovered over REST when it came
 * after an unusual pause (the pause between two runs is one). Each trade is evaluated once, one way or
 * the other.
 */
export const isSentTrade = (tick: Tick): boolean =>
  tick.sequence !== undefined && (tick.source === 'stream' || tick.source === 'backfill');
