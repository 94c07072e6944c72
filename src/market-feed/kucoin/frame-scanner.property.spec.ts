import fc from 'fast-check';
import type { MarketType } from '../../domain/market';
import { scanFrame } from './frame-scanner';
import { anyTradeFrameText, tickerFrameText } from '../../../test/support/doubles/frame-arbitraries';
import {
  FUTURES_EXECUTION,
  FUTURES_TICKER,
  SPOT_MATCH,
  SPOT_TICKER,
  mutate,
  mutation,
  recordedFrame,
  scanAgreeing,
} from '../../../test/support/doubles/frame-samples';

/**
 * The scanner's one promise, on many frames: for every frame it accepts, its tick is exactly parseFrame's
 * (scanAgreeing); everything else it leaves to parseFrame. The fast-path shares check that the generated
 * frames do reach the fast path, so that the promise is not kept by answering undefined.
 */

const MARKETS = ['spot', 'futures'] as const;
const acceptedShare = (market: MarketType, sample: readonly string[]): number =>
  sample.filter((text) => scanFrame(market, Buffer.from(text), 1) !== undefined).length / sample.length;

describe('scanFrame on generated ticker frames', () => {
  it("answers undefined or exactly parseFrame's tick", () => {
    const market = fc.constantFrom<MarketType>(...MARKETS);
    fc.assert(
      fc.property(
        market.chain((m) => fc.tuple(fc.constant(m), tickerFrameText(m))),
        ([m, text]) => void scanAgreeing(m, text),
      ),
      { numRuns: 1000 },
    );
  });

  it.each(MARKETS)('takes the fast path for many generated %s frames', (market) => {
    expect(
      acceptedShare(market, fc.sample(tickerFrameText(market), { numRuns: 500, seed: 7 })),
    ).toBeGreaterThan(0.1);
  });
});

describe('scanFrame on generated trade frames', () => {
  it.each(MARKETS)("answers undefined or exactly parseFrame's tick for %s trades", (market) => {
    fc.assert(
      fc.property(anyTradeFrameText(market), (text) => void scanAgreeing(market, text)),
      { numRuns: 1500 },
    );
  });

  it.each(MARKETS)('takes the fast path for many generated %s trades', (market) => {
    expect(
      acceptedShare(market, fc.sample(anyTradeFrameText(market), { numRuns: 500, seed: 7 })),
    ).toBeGreaterThan(0.1);
  });
});

describe('scanFrame on mutated frames', () => {
  const REAL: ReadonlyArray<readonly [MarketType, string]> = [
    ['spot', SPOT_TICKER],
    ['futures', FUTURES_TICKER],
    ['futures', recordedFrame('futures-ticker-v1-sdk.json')],
  ];
  const TRADES: ReadonlyArray<readonly [MarketType, string]> = [
    ['spot', SPOT_MATCH],
    ['futures', FUTURES_EXECUTION],
  ];
  const edits = fc.array(mutation, { minLength: 1, maxLength: 3 });

  it("answers undefined or exactly parseFrame's tick for mutated real ticker frames", () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL), edits, ([m, text], e) => {
        scanAgreeing(m, e.reduce(mutate, Buffer.from(text, 'utf8')));
      }),
      { numRuns: 1000 },
    );
  });

  it("answers undefined or exactly parseFrame's tick for mutated recorded trade frames", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TRADES), edits, ([m, text], e) => {
        scanAgreeing(m, e.reduce(mutate, Buffer.from(text, 'utf8')));
      }),
      { numRuns: 1500 },
    );
  });

  it.each(MARKETS)(
    "answers undefined or exactly parseFrame's tick for mutated generated %s trades",
    (market) => {
      fc.assert(
        fc.property(anyTradeFrameText(market), edits, (text, e) => {
          scanAgreeing(market, e.reduce(mutate, Buffer.from(text, 'utf8')));
        }),
        { numRuns: 1000 },
      );
    },
  );
});
