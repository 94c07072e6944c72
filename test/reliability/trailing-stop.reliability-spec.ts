import type { SimTrade } from '../../tools/exchange-simulator';
import { CacheCore } from '../../src/cache/cache-core';
import { NOT_ACTIVATED } from '../../src/domain/trailing-stop';
import { WATERMARK_DOCUMENT } from '../../src/firestore/watermark.repository';
import { MINUTE_MS, gapRecoveries } from '../support/trade-scenarios';
import { waitFor } from '../support/wait-for';
import type { Worker } from '../support/worker-harness';
import { TapeRun } from './support/tape-run';
import type { Fill, Fills, Sym } from './support/trade-oracle';
import {
  type Recovered,
  at,
  fillOf,
  liveFill,
  livePoints,
  minuteOf,
  recoverFor,
  recovered,
  specOf,
  trailingDocs,
} from './support/trailing-oracle';
import { executedDocuments, expectClean, readEndState } from './support/verdict';

/**
 * Trailing stops end to end: real workers on the emulator and the simulators, every position judged
 * against the plain model (support/trailing-oracle.ts) run over the tape the worker evaluated: each closes
 * once, as `trailing_stop`, at the model's level (closeTriggerPrice), fill (closePrice) and exchange time
 * (closeTickTime), or stays untouched. One spot and one futures symbol, so both feeds' recovery is used.
 */
const SYMS: Sym[] = [
  { symbol: 'TRL-USDT', marketType: 'spot', base: 1_000 },
  { symbol: 'TRLUSDTM', marketType: 'futures', base: 2_000 },
];
const bySymbol = <T>(make: (s: Sym) => T) => new Map(SYMS.map((s) => [s.symbol, make(s)]));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until every expected close is written and every worker idle. Two replicas race on each document in the
 * emulator (hundreds of transactions, 10 to 30 s): the verdict's own 20 s wait is too short for that, and
 * outcomes still being counted would show as negative duplicates.
 */
async function settled(r: TapeRun, fills: Fills): Promise<void> {
  await waitFor('every trade evaluated', () => r.evaluated(), 30_000);
  const expected = [...fills.values()].filter((f) => f !== undefined).length;
  const idle = (w: Worker) => !w.execution.stats().queue.length && !w.app.get(CacheCore).pendingStats().count;
  const written = async () => executedDocuments(await readEndState(r.store.db)) >= expected;
  await waitFor(
    'every close written, every worker idle',
    async () => r.workers.every(idle) && (await written()),
    120_000,
  );
}

/**
 * Row A's path, in thousandths of the base: up in steps (an activation of 15 is met at equality, one of 30
 * passed at 35), a pull-back to 30 (on spot, an amount of 5 from the peak 35 is crossed at equality), a
 * fall to -50 that every activated long fires on (shorts activate down to -35, -5 at equality), then a
 * rally through every short's level but those of 8 %. Activations at 60 and -70 are never reached.
 */
const PATH_A = [0, 3, 8, 6, 15, 22, 18, 35, 30, 12, -5, -20, -14, -35, -28, -50, -42, -10, 5, 25, 10];

/** A rally whose peak is made while no worker runs, and the minutes it happens in (after the documents' own). */
const STOPPED = {
  rise: [5, 12, 30, 26], // minute 3: the peak 30; the close fires longs whose level is above 26
  fall: [20, 8, -5, 2], // minute 4: a candle whose order is unknown: the adverse-first rule decides
  // minute 5: the oldest of the latest 100 trades falls in it, after a spike and a dip that only its candle
  // shows: the candle gives those extremes (beyond the trades'), the trades the rest
  flat: [...Array<number>(10).fill(-2), 20, -30, ...Array<number>(18).fill(-2)],
  // minute 6: 90 trades the history returns exactly: a new low below the dip, then a bounce
  trades: [-6, -12, -18, -25, -32, -40, -31, -22, -15].flatMap((o) => Array<number>(10).fill(o)),
};

describe('trailing stops: activation, trail and fire, live and recovered after a stop', () => {
  let run: TapeRun | undefined;
  afterEach(async () => {
    await run?.stop();
    run = undefined;
  });

  it('trailing stops activate, trail and fire: two replicas, once each, at the level the model gives', async () => {
    const docs = trailingDocs('trail', SYMS, 300, { long: [5, 15, 20, 30, 60], short: [-5, -20, -35, -70] });
    const r = (run = new TapeRun(SYMS, docs));
    await r.start(['trailing-a', 'trailing-b']);
    const live = bySymbol((): SimTrade[] => []);
    for (const offset of PATH_A) {
      for (const s of SYMS) live.get(s.symbol)!.push(...r.tape.trade(s, at(s, offset)));
      await pause(20); // each price at its own exchange time: closeTickTime tells which one fired
    }
    const fills: Fills = new Map(
      Object.entries(docs).map(([path, doc]) => {
        const points = livePoints(live.get(doc.symbol as string)!, r.versions.get(path)! / 1_000);
        return [path, liveFill(specOf(doc), NOT_ACTIVATED, points)];
      }),
    );
    await settled(r, fills);
    expectClean(await r.verdict('trailing stops activate, trail and fire', fills));
    // What the row covers: fires on both sides, by rate and by amount, after an activation price, at a
    // price equal to the level, and positions the tape never fires (never activated, or too far).
    const fired = Object.entries(docs).filter(([path]) => fills.get(path) !== undefined);
    const trailing = (doc: Record<string, unknown>) => doc.trailingStop as Record<string, number>;
    expect(
      new Set(fired.map(([, d]) => `${String(d.side)} ${Object.keys(trailing(d)).sort().join()}`)).size,
    ).toBe(8);
    expect([...fills.values()].some((f) => f !== undefined && f.price === f.level)).toBe(true);
    expect(fired.length).toBeGreaterThan(Object.keys(docs).length / 2);
    expect(fired.length).toBeLessThan(Object.keys(docs).length);
  });

  /**
   * Firestore stamps the documents with the real clock; the simulator's clock here puts the trades in
   * whole minutes after the documents' own minute (whose candle is older than them and applies to none).
   * The workers see minutes 1 and 2 live and write the restart watermark, then all stop; minutes 3 to 6
   * trade with none running, over 100 trades, so a start recovers 1-minute candles and then the latest
   * 100. Its recovery must reach back to the documents' update time, before the watermark: the peak the
   * shorts made in minute 1 is in no candle from the watermark on.
   */
  it('trailing peak made while all workers were stopped: the next start rebuilds it from candles and trades', async () => {
    const docs = trailingDocs('peak', SYMS, 200, { long: [10, 20, 40, 80], short: [-10, -20, -30, -90] });
    const r = (run = new TapeRun(SYMS, docs, { WATERMARK_INTERVAL_MS: '200' }));
    let clock: number | undefined;
    await r.start(['peak-a', 'peak-b'], () => clock ?? Date.now());
    const seededMinute = minuteOf(Math.min(...r.versions.values()) / 1_000);
    /** One price per symbol per 50 ms of exchange time, from the start of the `minute`-th minute after the seed's. */
    const walk = (minute: number, offsets: readonly number[]) =>
      offsets.flatMap((offset, i) => {
        clock = seededMinute + minute * MINUTE_MS + 1_000 + 50 * i;
        return SYMS.flatMap((s) => r.tape.trade(s, at(s, offset)));
      });
    const trades = (from: number) => bySymbol((s) => r.tape.trades(s).filter((t) => t.time >= from));
    const start = (minute: number) => seededMinute + minute * MINUTE_MS;

    walk(1, [0, 2, 6, 4]);
    walk(2, [3]);
    await waitFor('the live minutes evaluated', () => r.evaluated());
    const firstLive = trades(start(1));
    const fromOf = (path: string) => r.versions.get(path)! / 1_000;
    const liveFills = new Map<string, Fill | undefined>(
      Object.entries(docs).map(([path, doc]) => {
        const points = livePoints(firstLive.get(doc.symbol as string)!, fromOf(path));
        return [path, liveFill(specOf(doc), NOT_ACTIVATED, points)];
      }),
    );
    // The live closes written before the stop (one that is not would be judged as recovered), and a
    // watermark through the last live trades, so the start has one to recover from, later than the peak.
    const liveClosed = [...liveFills].filter(([, f]) => f !== undefined).map(([path]) => path);
    await waitFor('the live closes written', async () => {
      const { positions } = await readEndState(r.store.db);
      return liveClosed.every((path) => positions.get(path)?.status === 'closing');
    });
    const last = start(2) + 1_000;
    await waitFor('the watermark through the live minutes', async () => {
      const stored = (await r.store.db.doc(WATERMARK_DOCUMENT).get()).data() ?? {};
      return stored.spot >= last && stored.futures >= last;
    });
    await r.closeWorkers();
    await waitFor('no worker left', () =>
      SYMS.every((s) => !r.tape.sim(s).subscriptionCounts().get(s.symbol)),
    );

    walk(3, STOPPED.rise);
    walk(4, STOPPED.fall);
    walk(5, STOPPED.flat);
    walk(6, STOPPED.trades);
    // What a start will fetch: the trailing documents still open on each symbol give the feed its mark.
    const open = Object.keys(docs).filter((path) => liveFills.get(path) === undefined);
    const history = bySymbol((s): Recovered => {
      const since = Math.min(...open.filter((p) => docs[p].symbol === s.symbol).map(fromOf));
      return recovered(r.tape.sim(s).candles(s.symbol), r.tape.sim(s).recentTrades(s.symbol), since);
    });
    expect([...history.values()].map((h) => h.reach)).toEqual([false, false]); // candles, then trades
    // And the mark matters: recovered from the watermark (no minute-1 candle), some stops would differ.
    const fromWatermark = (h: Recovered) => ({ ...h, candles: h.candles.filter((c) => c.start >= start(2)) });
    const outcome = (path: string, h: Recovered) => {
      const { state, fire } = recoverFor(specOf(docs[path]), fromOf(path), h);
      return JSON.stringify([state, fire]);
    };
    const differs = (path: string, h = history.get(docs[path].symbol as string)!) =>
      outcome(path, h) !== outcome(path, fromWatermark(h));
    expect(open.some((path) => differs(path))).toBe(true);

    const restarted = [await r.addWorker('peak-c'), await r.addWorker('peak-d')];
    await waitFor('the gap recovered by both', async () => {
      for (const w of restarted)
        for (const market of ['spot', 'futures'] as const)
          if ((await gapRecoveries(w, market, 'recovered')) < 1) return false;
      return true;
    });
    walk(7, [0, -40, 10, 30, 45, 38, 20, 0, -60]); // live again: the rebuilt peaks decide
    const lastLive = trades(start(7));

    const fills: Fills = new Map(
      Object.entries(docs).map(([path, doc]) => {
        const earlier = liveFills.get(path);
        if (earlier !== undefined) return [path, earlier];
        const [spec, from, symbol] = [specOf(doc), fromOf(path), doc.symbol as string];
        const rebuilt = recoverFor(spec, from, history.get(symbol)!);
        if (rebuilt.fire !== null) return [path, fillOf(rebuilt.fire)];
        return [path, liveFill(spec, rebuilt.state, livePoints(lastLive.get(symbol)!, from))];
      }),
    );
    await settled(r, fills);
    expectClean(await r.verdict('trailing peak made while all workers were stopped', fills));

    // Every way to close was taken: live before the stop, by a candle of the stopped minutes (at the
    // level or the open), by a recovered trade, live after the start; and some never closed.
    const minutes = [...fills.values()].map((f) =>
      f === undefined ? -1 : (minuteOf(f.time) - seededMinute) / MINUTE_MS,
    );
    for (const minute of [1, 2, 3, 4, 5, 6, 7, -1]) expect(minutes).toContain(minute);
  });
});
