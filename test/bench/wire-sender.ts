/**
 * The sending side of the wire benchmark, in a worker thread so the exchange and the worker under test
 * each have their own event loop (and core). Every frame's send time goes into a shared array, indexed by
 * a sequence number the frame carries as its bestBid, on the monotonic clock both threads share.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExchangeSimulator } from '../../src/exchange-simulator';
import { makeWorkload } from './workload';

export type SenderCommand =
  | { readonly cmd: 'paced'; readonly rate: number; readonly seconds: number; readonly firstSeq: number }
  /** `hold`: the receiver blocks until the sender sets `done[0]`, then drains the backlog at its own pace. */
  | { readonly cmd: 'blast'; readonly count: number; readonly firstSeq: number; readonly hold: boolean }
  | { readonly cmd: 'stop' };

export type SenderReply =
  | { readonly kind: 'ready'; readonly apiUrl: string }
  | { readonly kind: 'done'; readonly sent: number; readonly ms: number };

export interface SenderData {
  readonly sendTimes: Float64Array;
  readonly clockBase: bigint;
  readonly done: Int32Array;
}

const { sendTimes, clockBase, done } = workerData as SenderData;
const port = parentPort!;
const sim = new ExchangeSimulator({
  market: 'spot',
  pingInterval: 10_000,
  pingTimeout: 10_000,
  limits: { maxClientMessagesPer10s: 0 },
  // Every trade's frame is measured: no ticker throttling.
  tickerIntervalMs: 0,
});
const workload = makeWorkload(0);
const prices = Float64Array.from(workload.basePrices);
let cursor = 0;

const microsSince = (base: bigint): number => Number(process.hrtime.bigint() - base) / 1_000;

/** Quoted prices have a tick size: eight significant digits, as KuCoin's quotes carry at most. */
const toTickSize = (price: number): number => Number(price.toPrecision(8));

/** One frame: a small random-walk step on the next symbol, stamped just before the simulator sends it. */
function sendOne(seq: number): void {
  const s = cursor++ % prices.length;
  prices[s] = toTickSize(prices[s] * (1 + (Math.random() - 0.5) / 2_000));
  sendTimes[seq] = microsSince(clockBase);
  sim.setPrice(workload.symbols[s], prices[s], { bestBid: seq, bestAsk: seq + 1 });
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function paced(rate: number, seconds: number, firstSeq: number): Promise<number> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1_000));
    while (sent < due) sendOne(firstSeq + sent++);
    await tick(1);
  }
  return sent;
}

async function blast(count: number, firstSeq: number): Promise<number> {
  for (let sent = 0; sent < count;) {
    const end = Math.min(count, sent + 500);
    while (sent < end) sendOne(firstSeq + sent++);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return count;
}

port.on('message', (command: SenderCommand) => {
  if (command.cmd === 'stop') {
    void sim.stop().then(() => port.close());
    return;
  }
  const started = performance.now();
  const work =
    command.cmd === 'paced'
      ? paced(command.rate, command.seconds, command.firstSeq)
      : blast(command.count, command.firstSeq);
  void work.then((sent) => {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    port.postMessage({ kind: 'done', sent, ms: performance.now() - started } satisfies SenderReply);
  });
});

void sim.start().then(() => {
  // Initial prices, so the REST catch-up after subscribing has something to answer.
  workload.symbols.forEach((symbol, i) => sim.setPrice(symbol, prices[i]));
  port.postMessage({ kind: 'ready', apiUrl: sim.apiUrl } satisfies SenderReply);
});
