import { isTick, parseFrame } from '../../src/market-feed/kucoin/frame-parser';
import { scanFrame } from '../../src/market-feed/kucoin/frame-scanner';
import { startClocks } from './thread-clock';

/**
 * The yardsticks for the wire path: the same frames, with no socket, framing, dispatch or evaluation, in a
 * tight loop. The sample is kept small enough to stay in cache, as a frame just read off the socket is.
 */
export const LIMIT_SAMPLE = 1_000;

/** Frames per CPU-second through parseFrame (JSON.parse + tick parser), `frames` frames in all. */
export function parseOnlyRate(texts: readonly string[], frames: number): number {
  let ticks = 0;
  const stop = startClocks();
  for (let i = 0; i < frames; i++) {
    if (isTick(parseFrame('spot', texts[i % texts.length], Date.now()))) ticks++;
  }
  const { cpuMs } = stop();
  if (ticks !== frames) throw new Error('wire bench: a sampled frame did not parse as a tick');
  return frames / (cpuMs / 1_000);
}

/** Frames per CPU-second through scanFrame, the worker's own reader, straight from the bytes. */
export function scanOnlyRate(sample: readonly Buffer[], frames: number): number {
  let ticks = 0;
  const stop = startClocks();
  for (let i = 0; i < frames; i++) {
    if (scanFrame('spot', sample[i % sample.length], Date.now()) !== undefined) ticks++;
  }
  const { cpuMs } = stop();
  if (ticks !== frames) throw new Error('wire bench: the scanner left a sampled frame to the full parser');
  return frames / (cpuMs / 1_000);
}
