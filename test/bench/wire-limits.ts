import type { MarketType } from '../../src/domain/market';
import { ExchangeSimulator } from '../../tools/exchange-simulator';
import {
  futuresExecution,
  futuresTickerV1,
  spotMatch,
  spotTicker,
} from '../../tools/exchange-simulator/wire-frames';
import { isTick, parseFrame } from '../../src/market-feed/kucoin/frame-parser';
import { scanFrame } from '../../src/market-feed/kucoin/frame-scanner';
import { startClocks } from './thread-clock';
import { futuresSymbolName, makeWorkload } from './workload';

/**
 * The yardsticks for the wire path: the same frames, with no socket, framing, dispatch or evaluation, in a
 * tight loop. The sample is kept small enough to stay in cache, as a frame just read off the socket is.
 */
export const LIMIT_SAMPLE = 1_000;

/** Frames per CPU-second through parseFrame (JSON.parse + tick parser), `frames` frames in all. */
export function parseOnlyRate(market: MarketType, texts: readonly string[], frames: number): number {
  let ticks = 0;
  const stop = startClocks();
  for (let i = 0; i < frames; i++) {
    if (isTick(parseFrame(market, texts[i % texts.length], Date.now()))) ticks++;
  }
  const { cpuMs } = stop();
  if (ticks !== frames) throw new Error('wire bench: a sampled frame did not parse as a tick');
  return frames / (cpuMs / 1_000);
}

/** Frames per CPU-second through scanFrame, the worker's own reader, straight from the bytes. */
export function scanOnlyRate(market: MarketType, sample: readonly Buffer[], frames: number): number {
  let ticks = 0;
  const stop = startClocks();
  for (let i = 0; i < frames; i++) {
    if (scanFrame(market, sample[i % sample.length], Date.now()) !== undefined) ticks++;
  }
  const { cpuMs } = stop();
  if (ticks !== frames) throw new Error('wire bench: the scanner left a sampled frame to the full parser');
  return frames / (cpuMs / 1_000);
}

/** The part of ws the worker runs per frame: its Receiver (not in ws's type declarations). */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer) => void): void;
  write(chunk: Buffer): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Receiver } = require('ws') as { Receiver: new (options: { isServer: boolean }) => FrameReceiver };

/** The sample as a server would put it on the wire: unmasked text frames, cut into 64 KiB reads. */
function encodedReads(sample: readonly Buffer[], frames: number): Buffer[] {
  const wire = Buffer.concat(
    Array.from({ length: frames }, (_, i) => {
      const payload = sample[i % sample.length];
      const header =
        payload.length < 126
          ? [0x81, payload.length]
          : [0x81, 126, payload.length >> 8, payload.length & 255];
      return Buffer.concat([Buffer.from(header), payload]);
    }),
  );
  const reads: Buffer[] = [];
  for (let offset = 0; offset < wire.length; offset += 65_536)
    reads.push(wire.subarray(offset, offset + 65_536));
  return reads;
}

/**
 * Frames per CPU-second through ws's Receiver alone, then through the Receiver and parseFrame: no socket,
 * dispatch or evaluation. The second is the most a worker that used JSON.parse could reach.
 */
export function framingRates(
  market: MarketType,
  sample: readonly Buffer[],
  frames: number,
): { framing: number; framingAndParse: number } {
  const reads = encodedReads(sample, frames);
  const run = (onFrame: (data: Buffer) => void): number => {
    const receiver = new Receiver({ isServer: false });
    let received = 0;
    receiver.on('message', (data) => {
      received++;
      onFrame(data);
    });
    const stop = startClocks();
    for (const read of reads) receiver.write(read);
    const { cpuMs } = stop();
    if (received !== frames)
      throw new Error(`wire bench: the receiver decoded ${received} of ${frames} frames`);
    return frames / (cpuMs / 1_000);
  };
  let ticks = 0;
  const framing = run(() => undefined);
  const framingAndParse = run((data) => {
    if (isTick(parseFrame(market, data.toString('utf8'), Date.now()))) ticks++;
  });
  if (ticks !== frames) throw new Error('wire bench: a framed frame did not parse as a tick');
  return { framing, framingAndParse };
}

/** The push kinds the limits are measured on: the trade pushes the worker reads, and tickers to compare. */
export const FRAME_KINDS = ['spot match', 'futures execution', 'spot ticker', 'futures ticker'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

export interface FrameSample {
  readonly kind: FrameKind;
  readonly market: MarketType;
  readonly frames: readonly Buffer[];
  readonly texts: readonly string[];
}

export function sampleOf(kind: FrameKind, market: MarketType, frames: readonly Buffer[]): FrameSample {
  return { kind, market, frames, texts: frames.map((frame) => frame.toString('utf8')) };
}

/**
 * LIMIT_SAMPLE frames of each kind, written by the simulator's own frame writers (the bytes it puts on
 * the wire) from one random-walk trade tape per market over the bench's 500 symbols, round robin.
 */
export function generatedSamples(): Record<FrameKind, FrameSample> {
  const { symbols, basePrices } = makeWorkload(0);
  const generate = (market: MarketType): { trades: Buffer[]; tickers: Buffer[] } => {
    // Never started: no socket, the trade tape only.
    const sim = new ExchangeSimulator({ market, tickerIntervalMs: 0 });
    const prices = Float64Array.from(basePrices);
    const trades: Buffer[] = [];
    const tickers: Buffer[] = [];
    for (let i = 0; i < LIMIT_SAMPLE; i++) {
      const s = i % symbols.length;
      const symbol = market === 'spot' ? symbols[s] : futuresSymbolName(s);
      prices[s] *= 1 + (Math.random() - 0.5) / 2_000;
      const trade = sim.trade(symbol, prices[s]);
      const quote = sim.quote(symbol)!;
      trades.push(Buffer.from(market === 'spot' ? spotMatch(trade) : futuresExecution(trade)));
      tickers.push(
        Buffer.from(market === 'spot' ? spotTicker(symbol, quote) : futuresTickerV1(symbol, quote)),
      );
    }
    return { trades, tickers };
  };
  const spot = generate('spot');
  const futures = generate('futures');
  return {
    'spot match': sampleOf('spot match', 'spot', spot.trades),
    'futures execution': sampleOf('futures execution', 'futures', futures.trades),
    'spot ticker': sampleOf('spot ticker', 'spot', spot.tickers),
    'futures ticker': sampleOf('futures ticker', 'futures', futures.tickers),
  };
}

/** Mean bytes per frame of a sample. */
export function meanBytes(sample: FrameSample): number {
  return sample.frames.reduce((sum, frame) => sum + frame.length, 0) / sample.frames.length;
}
