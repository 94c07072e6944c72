import fc from 'fast-check';
import { positionCrossing } from './crossing';
import {
  type ContractMargin,
  type LiquidationSubject,
  liquidationCrossed,
  liquidationLevel,
  liquidationPrice,
} from './liquidation';
import type { Side } from './position';

const linear = (mmr: number): ContractMargin => ({ isInverse: false, maintenanceMarginRate: mmr });
const inverse = (mmr: number): ContractMargin => ({ isInverse: true, maintenanceMarginRate: mmr });

function priceOf(side: Side, entryPrice: number, leverage: number, contract: ContractMargin): number {
  const result = liquidationPrice({ side, entryPrice, leverage, contract });
  if (result.kind !== 'price') throw new Error(`no price: ${result.reason}`);
  return result.price;
}

describe('liquidationPrice: hand-computed cases (KuCoin help center 26694703491737, fees ignored)', () => {
  it.each<[string, Side, number, number, ContractMargin, number]>([
    // KuCoin's own example (short, 28,000, 100x, MMR 0.4 %); its pre-2025 entry-based formula gave 28,168.
    [
      'linear short 28000 × (1 + 1/100) / (1 + 0.004) = 28280 / 1.004',
      'short',
      28_000,
      100,
      linear(0.004),
      28_167.330677290836,
    ],
    [
      'linear long 28000 × (1 − 1/100) / (1 − 0.004) = 27720 / 0.996',
      'long',
      28_000,
      100,
      linear(0.004),
      27_831.32530120482,
    ],
    [
      'linear long 60000 × (1 − 1/10) / (1 − 0.005) = 54000 / 0.995',
      'long',
      60_000,
      10,
      linear(0.005),
      54_271.3567839196,
    ],
    [
      'linear short 60000 × (1 + 1/10) / (1 + 0.005) = 66000 / 1.005',
      'short',
      60_000,
      10,
      linear(0.005),
      65_671.64179104478,
    ],
    [
      'linear long 3000 × (1 − 1/5) / (1 − 0.01) = 2400 / 0.99',
      'long',
      3_000,
      5,
      linear(0.01),
      2_424.242424242424,
    ],
    [
      'inverse long 50000 × (1 + 0.005) / (1 + 1/10) = 50250 / 1.1',
      'long',
      50_000,
      10,
      inverse(0.005),
      45_681.818181818184,
    ],
    [
      'inverse short 50000 × (1 − 0.005) / (1 − 1/10) = 49750 / 0.9',
      'short',
      50_000,
      10,
      inverse(0.005),
      55_277.77777777778,
    ],
    [
      'inverse long 90000 × (1 + 0.004) / (1 + 1/20) = 90360 / 1.05',
      'long',
      90_000,
      20,
      inverse(0.004),
      86_057.14285714286,
    ],
    [
      'inverse short 90000 × (1 − 0.004) / (1 − 1/20) = 89640 / 0.95',
      'short',
      90_000,
      20,
      inverse(0.004),
      94_357.8947368421,
    ],
    // MMR 0: the bankruptcy price. Inverse long at 2x: margin 1/200 coin per USD = PnL 1/100 − 1/66.67.
    ['linear long, MMR 0: 100 × (1 − 1/2) = 50', 'long', 100, 2, linear(0), 50],
    ['linear short, MMR 0: 100 × (1 + 1/2) = 150', 'short', 100, 2, linear(0), 150],
    ['inverse long, MMR 0: 100 / (1 + 1/2) = 66.67', 'long', 100, 2, inverse(0), 66.66666666666667],
    ['inverse short, MMR 0: 100 / (1 − 1/2) = 200', 'short', 100, 2, inverse(0), 200],
  ])('%s', (_name, side, entry, leverage, contract, expected) => {
    expect(priceOf(side, entry, leverage, contract)).toBeCloseTo(expected, 6);
  });

  it('differs from the pre-2025 entry-based formula only by the maintenance margin taken at the mark', () => {
    const legacy = 28_000 * (1 + 1 / 100 - 0.004); // the help center's earlier worked example: 28,168
    expect(legacy).toBeCloseTo(28_168, 6);
    expect(Math.abs(priceOf('short', 28_000, 100, linear(0.004)) - legacy) / legacy).toBeLessThan(3e-5);
  });
});

describe('liquidationPrice: guard cases', () => {
  it.each<[string, number]>([
    ['leverage 1', 1],
    ['leverage below 1', 0.5],
  ])('%s is never liquidated', (_name, leverage) => {
    expect(liquidationPrice({ side: 'short', entryPrice: 100, leverage, contract: linear(0.01) })).toEqual({
      kind: 'none',
      reason: 'not_leveraged',
    });
  });

  it.each<[string, number, number, ContractMargin]>([
    ['a zero entry price', 0, 10, linear(0.01)],
    ['a NaN entry price', NaN, 10, linear(0.01)],
    ['an infinite leverage', 100, Infinity, linear(0.01)],
    ['a negative MMR', 100, 10, linear(-0.01)],
    ['an MMR of 1', 100, 10, inverse(1)],
    ['a NaN MMR', 100, 10, linear(NaN)],
  ])('rejects %s', (_name, entryPrice, leverage, contract) => {
    expect(liquidationPrice({ side: 'long', entryPrice, leverage, contract })).toEqual({
      kind: 'none',
      reason: 'invalid_input',
    });
  });

  it('flags MMR >= 1/leverage: the price is at the entry (50x, MMR 2 %) or beyond it (MMR 3 %)', () => {
    expect(liquidationPrice({ side: 'long', entryPrice: 100, leverage: 50, contract: linear(0.02) })).toEqual(
      {
        kind: 'price',
        price: 100, // 100 × (1 − 0.02) / (1 − 0.02)
        underMargined: true,
      },
    );
    const beyond = liquidationPrice({ side: 'long', entryPrice: 100, leverage: 50, contract: linear(0.03) });
    expect(beyond).toMatchObject({ kind: 'price', underMargined: true });
    expect(beyond.kind === 'price' && beyond.price).toBeCloseTo(101.03092783505154, 9); // 98 / 0.97
    expect(liquidationCrossed('long', 101.03092783505154, 100)).toBe(true); // the entry's own mark liquidates
  });
});

describe('liquidationPrice: the definition (property)', () => {
  const case_ = fc.record({
    side: fc.constantFrom<Side>('long', 'short'),
    isInverse: fc.boolean(),
    entry: fc.double({ min: 1e-4, max: 1e6, noNaN: true }),
    leverage: fc.double({ min: 1.01, max: 125, noNaN: true }),
    mmrShare: fc.double({ min: 0, max: 0.99, noNaN: true }), // MMR as a share of 1/leverage
  });

  it('at the price, margin + unrealised PnL equals MMR × position value at that price, on the losing side', () => {
    fc.assert(
      fc.property(case_, ({ side, isInverse, entry, leverage, mmrShare }) => {
        const mmr = mmrShare / leverage;
        const p = priceOf(side, entry, leverage, { isInverse, maintenanceMarginRate: mmr });
        const sign = side === 'long' ? 1 : -1;
        // Per unit of linear base, or per 1 USD inverse contract (in coins).
        const [equity, maintenance] = isInverse
          ? [1 / (entry * leverage) + sign * (1 / entry - 1 / p), mmr / p]
          : [entry / leverage + sign * (p - entry), mmr * p];
        const scale = isInverse ? 1 / entry : entry;
        expect(Math.abs(equity - maintenance) / scale).toBeLessThan(1e-9);
        expect(side === 'long' ? p < entry : p > entry).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('liquidationCrossed', () => {
  it.each<[Side, number, boolean]>([
    ['long', 90, true],
    ['long', 89.9, true],
    ['long', 90.1, false],
    ['short', 110, true],
    ['short', 110.1, true],
    ['short', 109.9, false],
  ])('%s at mark %d: %s (equal counts, as for stops)', (side, mark, crossed) => {
    expect(liquidationCrossed(side, side === 'long' ? 90 : 110, mark)).toBe(crossed);
  });

  it('never acts on a zero or non-finite mark', () => {
    expect(liquidationCrossed('long', 90, 0)).toBe(false);
    expect(liquidationCrossed('short', 110, Infinity)).toBe(false);
  });

  it('is a stop-loss crossing at the same level (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Side>('long', 'short'),
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        (side, level, mark) => {
          const stop = positionCrossing(side, level, null, mark);
          expect(liquidationCrossed(side, level, mark)).toBe(stop?.reason === 'stop_loss');
        },
      ),
    );
  });
});

describe('liquidationLevel: which level a position is watched at', () => {
  const subject = (overrides: Partial<LiquidationSubject> = {}): LiquidationSubject => ({
    marketType: 'futures',
    side: 'long',
    entryPrice: 60_000,
    leverage: 10,
    liquidationPrice: null,
    ...overrides,
  });

  it('prefers the document’s own price, else computes it from the contract', () => {
    expect(liquidationLevel(subject({ liquidationPrice: 55_000 }), linear(0.005))).toBe(55_000);
    expect(liquidationLevel(subject({ liquidationPrice: 55_000 }), undefined)).toBe(55_000);
    expect(liquidationLevel(subject(), linear(0.005))).toBeCloseTo(54_271.3567839196, 6);
  });

  it('watches nothing for spot, leverage <= 1, or unknown contract details without an own price', () => {
    expect(liquidationLevel(subject({ marketType: 'spot' }), linear(0.005))).toBeNull();
    expect(liquidationLevel(subject({ leverage: 1, liquidationPrice: 55_000 }), linear(0.005))).toBeNull();
    expect(liquidationLevel(subject(), undefined)).toBeNull();
    expect(liquidationLevel(subject(), linear(1))).toBeNull();
  });
});
