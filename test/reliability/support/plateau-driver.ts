import type { ExchangeSimulator } from '../../../tools/exchange-simulator';
import type { Simulators } from '../../support/worker-harness';
import type { SymbolPath } from './price-path';

const SAMPLE_MS = 50;

export interface PlateauDriverOptions {
  readonly sims: Simulators;
  readonly paths: readonly SymbolPath[];
  /** Connections each symbol needs on the simulator for the feed to count as healthy (one per worker). */
  readonly workers: number;
  /** Shortest time a plateau is held. */
  readonly minHoldMs: number;
  /** How long every symbol must have been subscribed without a gap before the next plateau may start. */
  readonly healthyMs: number;
  /**
   * The plateau price is traded again this often; 0: once per plateau. The worker evaluates trades, and a
   * gap is recovered exactly from the trade history only while it holds fewer than KuCoin's 100 latest
   * trades (beyond that, candles fill at the level), so the exact oracle needs few trades per plateau.
   */
  readonly repushMs: number;
  /** Fault injection before plateau `step` (1-based) is set; the plateau is held until it resolves. */
  readonly beforeStep?: (step: number) => Promise<void> | void;
}

export interface DriveReport {
  readonly plateaus: number;
  readonly durationMs: number;
  readonly longestHoldMs: number;
}

function simFor(sims: Simulators, path: SymbolPath): ExchangeSimulator {
  return path.marketType === 'spot' ? sims.spot : sims.futures;
}

/** True when each symbol has at least `workers` subscribed connections on its simulator right now. */
export function allSubscribed(sims: Simulators, paths: readonly SymbolPath[], workers: number): boolean {
  const spot = sims.spot.subscriptionCounts();
  const futures = sims.futures.subscriptionCounts();
  return paths.every((p) => ((p.marketType === 'spot' ? spot : futures).get(p.symbol) ?? 0) >= workers);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays the plateau path (see price-path.ts for why this makes the oracle exact). A plateau ends only
 * after its minimum hold, after the step's fault has resolved, and once every symbol has been subscribed
 * on the simulators without a gap for `healthyMs`; a gap (drop, pong loss, token outage) restarts that
 * window, so no plateau is skipped by an outage.
 */
export async function drivePlateaus(options: PlateauDriverOptions): Promise<DriveReport> {
  const { sims, paths } = options;
  const steps = paths[0].values.length - 1;
  const current = new Map(paths.map((p) => [p.symbol, p.values[0]]));
  const repush =
    options.repushMs > 0
      ? setInterval(() => {
          for (const p of paths) simFor(sims, p).setPrice(p.symbol, current.get(p.symbol)!);
        }, options.repushMs)
      : undefined;
  const startedAt = Date.now();
  let longestHoldMs = 0;
  try {
    for (let step = 1; step <= steps; step++) {
      const stepStart = Date.now();
      const fault = Promise.resolve(options.beforeStep?.(step));
      for (const p of paths) {
        current.set(p.symbol, p.values[step]);
        simFor(sims, p).setPrice(p.symbol, p.values[step]);
      }
      let faultDone = false;
      let faultError: Error | undefined;
      fault.then(
        () => (faultDone = true),
        (error: unknown) =>
          (faultError =
            error instanceof Error ? error : new Error(`fault injection failed: ${String(error)}`)),
      );
      let healthySince: number | undefined;
      for (;;) {
        await sleep(SAMPLE_MS);
        if (faultError !== undefined) throw faultError;
        const now = Date.now();
        const healthy = faultDone && allSubscribed(sims, paths, options.workers);
        if (!healthy) healthySince = undefined;
        else healthySince ??= now;
        if (
          healthySince !== undefined &&
          now - healthySince >= options.healthyMs &&
          now - stepStart >= options.minHoldMs
        )
          break;
        if (now - stepStart > 120_000) throw new Error(`plateau ${step} never became healthy`);
      }
      longestHoldMs = Math.max(longestHoldMs, Date.now() - stepStart);
    }
  } finally {
    clearInterval(repush);
  }
  return { plateaus: steps, durationMs: Date.now() - startedAt, longestHoldMs };
}
