/**
 * The sending side of the wire and venue benchmarks, in a worker thread so the exchange and the worker
 * under test each have their own event loop (and core). One ExchangeSimulator per market in the
 * universe; every trade is one match (spot) or execution (futures) push. Each trade's send time goes
 * into the shared SendStamps under its stream and trade sequence, on the monotonic clock both threads
 * share (see send-stamps.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MarketType } from '../../src/domain/market';
import { ExchangeSimulator } from '../../tools/exchange-simulator';
import { type SendStampBuffers, SendStamps, sequenceLow } from './send-stamps';
import { rng, sampler, venueUniverse, wireUniverse } from './workload';

export type SenderCommand =
  /** Round robin over the streams, evenly paced. */
  | { readonly cmd: 'paced'; readonly rate: number; readonly seconds: number }
  /** Round robin; `hold`: the receiver blocks until the sender sets `done[0]`, then drains the backlog. */
  | { readonly cmd: 'blast'; readonly count: number; readonly hold: boolean }
  /** `count` trades at Poisson times averaging `rate` per second, each on a stream drawn by its weight. */
  | { readonly cmd: 'poisson'; readonly rate: number; readonly count: number; readonly seed: number }
  | { readonly cmd: 'stop' };

export type SenderReply =
  | { readonly kind: 'ready'; readonly apiUrls: Partial<Record<MarketType, string>> }
  | { readonly kind: 'done'; readonly sent: number; readonly ms: number };

export interface SenderData {
  readonly universe: 'wire' | 'venue';
  readonly stamps: SendStampBuffers;
  readonly clockBase: bigint;
  readonly done: Int32Array;
}

const { universe: which, stamps: buffers, clockBase, done } = workerData as SenderData;
const port = parentPort!;
const universe = which === 'wire' ? wireUniverse() : venueUniverse();
const { streams } = universe;
const stamps = new SendStamps(buffers);
const sims = new Map<MarketType, ExchangeSimulator>();
for (const { market } of streams) {
  if (sims.has(market)) continue;
  sims.set(
    market,
    new ExchangeSimulator({
      market,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      limits: { maxClientMessagesPer10s: 0 },
      // Nobody subscribes to tickers; unthrottled, the simulator keeps no ticker timer per symbol.
      tickerIntervalMs: 0,
    }),
  );
}
const simOf = streams.map(({ market }) => sims.get(market)!);
const prices = Float64Array.from(universe.basePrices);
/** Per stream, sequenceLow of its next trade: one above its last, known before the trade exists. */
const nextLow = new Float64Array(streams.length);
let cursor = 0;

const microsSince = (base: bigint): number => Number(process.hrtime.bigint() - base) / 1_000;

/** Quoted prices have a tick size: eight significant digits, as KuCoin's quotes carry at most. */
const toTickSize = (price: number): number => Number(price.toPrecision(8));

/** One trade: a small random-walk step on stream `s`, stamped just before the simulator sends it. */
function sendOne(s: number): void {
  prices[s] = toTickSize(prices[s] * (1 + (Math.random() - 0.5) / 2_000));
  const low = nextLow[s]++;
  stamps.stamp(s, low, microsSince(clockBase));
  const trade = simOf[s].trade(streams[s].symbol, prices[s]);
  if (sequenceLow(trade.sequence) !== low) {
    throw new Error(`wire sender: ${trade.symbol} traded sequence ${trade.sequence}, expected ...${low}`);
  }
}

const sendNext = (): void => sendOne(cursor++ % streams.length);

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function paced(rate: number, seconds: number): Promise<number> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1_000));
    while (sent < due) {
      sendNext();
      sent++;
    }
    await tick(1);
  }
  return sent;
}

async function blast(count: number): Promise<number> {
  for (let sent = 0; sent < count;) {
    const end = Math.min(count, sent + 500);
    while (sent < end) {
      sendNext();
      sent++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return count;
}

/** Exponential gaps (a Poisson process); whatever is due goes out on each ~1 ms timer turn. */
async function poisson(rate: number, count: number, seed: number): Promise<number> {
  const random = rng(seed);
  const pick = sampler(universe.weights, random);
  const due = new Float64Array(count);
  for (let i = 0, t = 0; i < count; i++) due[i] = t += (-Math.log(1 - random()) * 1_000) / rate;
  const picks = Int32Array.from({ length: count }, pick);
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    const now = performance.now() - started;
    while (sent < count && due[sent] <= now) sendOne(picks[sent++]);
    await tick(1);
  }
  return count;
}

port.on('message', (command: SenderCommand) => {
  if (command.cmd === 'stop') {
    void Promise.all([...sims.values()].map((sim) => sim.stop())).then(() => port.close());
    return;
  }
  const started = performance.now();
  const work =
    command.cmd === 'paced'
      ? paced(command.rate, command.seconds)
      : command.cmd === 'blast'
        ? blast(command.count)
        : poisson(command.rate, command.count, command.seed);
  void work.then((sent) => {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    port.postMessage({ kind: 'done', sent, ms: performance.now() - started } satisfies SenderReply);
  });
});

void Promise.all([...sims.values()].map((sim) => sim.start())).then(() => {
  // Initial prices, so the REST catch-up after subscribing has something to answer.
  streams.forEach(({ symbol }, s) => {
    const first = simOf[s].trade(symbol, prices[s]);
    nextLow[s] = sequenceLow(first.sequence) + 1;
  });
  const apiUrls: Partial<Record<MarketType, string>> = {};
  for (const [market, sim] of sims) apiUrls[market] = sim.apiUrl;
  port.postMessage({ kind: 'ready', apiUrls } satisfies SenderReply);
});
