import fc from 'fast-check';
import type { Tick } from '../domain/market';
import { MAX_PAUSE_CHECKS, type SequencedKind, TradeSequencer } from './trade-sequencer';

function trade(sequence: number, price = 100, symbol = 'BTC-USDT'): Tick {
  return {
    marketType: 'spot',
    symbol,
    price,
    exchangeTime: 1_000 + sequence,
    receivedAt: 2_000,
    source: 'stream',
    sequence: String(sequence),
  };
}

function setup(maxHeld = 100, kind: SequencedKind = 'trades') {
  const emitted: Tick[] = [];
  const sequencer = new TradeSequencer((tick) => emitted.push(tick), maxHeld, kind);
  const sequences = (): (string | undefined)[] => emitted.map((tick) => tick.sequence);
  return { sequencer, emitted, sequences };
}

describe('TradeSequencer', () => {
  it('evaluates each trade once and in order: a replayed or older trade is dropped', () => {
    const t = setup();
    expect([3, 4, 4, 2, 5].map((s) => t.sequencer.onStream(trade(s)))).toEqual([
      'emitted',
      'emitted',
      'stale',
      'stale',
      'emitted',
    ]);
    expect(t.sequences()).toEqual(['3', '4', '5']);
    expect(t.sequencer.mark('BTC-USDT')).toEqual({ sequence: '5', time: 1_005 });
  });

  it('keeps symbols apart, and passes ticks without a sequence straight through', () => {
    const t = setup();
    t.sequencer.onStream(trade(9));
    t.sequencer.onStream(trade(1, 100, 'ETH-USDT'));
    const ticker = { ...trade(0), sequence: undefined };
    expect(t.sequencer.onStream(ticker)).toBe('emitted');
    expect(t.sequences()).toEqual(['9', '1', undefined]);
  });

  it('evaluates a recovered gap before the live trades that arrived while it was fetched', () => {
    const t = setup();
    t.sequencer.onStream(trade(10));
    expect(t.sequencer.beginRecovery('BTC-USDT')).toEqual({ sequence: '10', time: 1_010 });
    expect(t.sequencer.onStream(trade(14))).toBe('held');
    expect(t.sequencer.onStream(trade(15))).toBe('held');
    t.sequencer.finishRecovery('BTC-USDT', [trade(9), trade(10), trade(11), trade(12), trade(13), trade(14)]);
    expect(t.sequences()).toEqual(['10', '11', '12', '13', '14', '15']);
    expect(t.sequencer.isRecovering('BTC-USDT')).toBe(false);
  });

  it('evaluates recovered candles as planned, without moving the mark', () => {
    const t = setup();
    t.sequencer.onStream(trade(10));
    t.sequencer.beginRecovery('BTC-USDT');
    const candle: Tick = {
      ...trade(0),
      sequence: undefined,
      exchangeTime: 960,
      candle: { open: 1, high: 2, low: 1 },
    };
    t.sequencer.finishRecovery('BTC-USDT', [candle, trade(11)]);
    expect(t.emitted.map((tick) => tick.candle !== undefined || tick.sequence)).toEqual(['10', true, '11']);
  });

  it('has nothing to recover for a symbol never seen, unless seeded with a restart watermark', () => {
    const t = setup();
    expect(t.sequencer.beginRecovery('BTC-USDT')).toBeUndefined();
    expect(t.sequencer.onStream(trade(1))).toBe('emitted');
    t.sequencer.seedWatermark(5_000);
    expect(t.sequencer.beginRecovery('ETH-USDT')).toEqual({ time: 5_000 });
    expect(t.sequencer.mark('BTC-USDT')).toEqual({ sequence: '1', time: 1_001 }); // seen here: its own mark
    t.sequencer.finishRecovery('ETH-USDT', [{ ...trade(3, 1, 'ETH-USDT'), exchangeTime: 4_000 }]);
    expect(t.emitted).toHaveLength(1);
  });

  it('recovers a symbol from an earlier time than the watermark when asked, never from a later one', () => {
    const t = setup();
    t.sequencer.onStream(trade(1));
    t.sequencer.seedWatermark(5_000);
    t.sequencer.seedEarlier('ETH-USDT', 3_000); // a trailing stop updated before the last run's watermark
    t.sequencer.seedEarlier('SOL-USDT', 9_000);
    t.sequencer.seedEarlier('XRP-USDT', 2_000); // no watermark needed: a symbol never seen
    expect(t.sequencer.beginRecovery('ETH-USDT')).toEqual({ time: 3_000 });
    expect(t.sequencer.beginRecovery('SOL-USDT')).toEqual({ time: 5_000 });
    // A symbol with a trade evaluated in this process keeps its own mark.
    t.sequencer.seedEarlier('BTC-USDT', 10);
    expect(t.sequencer.mark('BTC-USDT')).toEqual({ sequence: '1', time: 1_001 });
    expect(t.sequencer.mark('XRP-USDT')).toEqual({ time: 2_000 });
  });

  it('says through when every symbol was evaluated: the least of their last trades, moved on by the audit', () => {
    const t = setup();
    expect(t.sequencer.evaluatedThrough(['BTC-USDT'])).toBeUndefined();
    t.sequencer.onStream(trade(5));
    t.sequencer.onStream(trade(9, 100, 'ETH-USDT'));
    expect(t.sequencer.evaluatedThrough(['BTC-USDT', 'ETH-USDT', 'NEW-USDT'])).toBe(1_005);
    // A quiet symbol (or a silent one) holds the watermark back until KuCoin's view vouches for it.
    t.sequencer.vouch('BTC-USDT', 2_000);
    expect(t.sequencer.evaluatedThrough(['BTC-USDT', 'ETH-USDT'])).toBe(1_009);
    t.sequencer.beginRecovery('BTC-USDT'); // looking into a gap: the vouch no longer holds
    expect(t.sequencer.evaluatedThrough(['BTC-USDT', 'ETH-USDT'])).toBe(1_005);
    t.sequencer.seedWatermark(800);
    expect(t.sequencer.evaluatedThrough(['NEW-USDT', 'ETH-USDT'])).toBe(800);
  });

  it('gives up holding past its limit: the held trades and the newest are evaluated', () => {
    const t = setup(2);
    t.sequencer.onStream(trade(1));
    t.sequencer.beginRecovery('BTC-USDT');
    t.sequencer.onStream(trade(2));
    t.sequencer.onStream(trade(3));
    expect(t.sequencer.onStream(trade(4))).toBe('overflow');
    expect(t.sequences()).toEqual(['1', '2', '3', '4']);
    expect(t.sequencer.isRecovering('BTC-USDT')).toBe(false);
  });

  it('evaluates a snapshot of another price at the time last evaluated, and drops the same one again', () => {
    const snapshot = (time: number, price: number): Tick => ({
      ...trade(time, price),
      sequence: String(time),
    });
    for (const kind of ['snapshots', 'trades'] as const) {
      const t = setup(100, kind);
      t.sequencer.onStream(snapshot(5, 100));
      const again = t.sequencer.onStream(snapshot(5, 100));
      const another = t.sequencer.onStream(snapshot(5, 101));
      const earlier = t.sequencer.onStream(snapshot(4, 102));
      expect([kind, again, another, earlier]).toEqual(
        kind === 'snapshots' ? [kind, 'stale', 'emitted', 'stale'] : [kind, 'stale', 'stale', 'stale'],
      );
    }
  });

  describe('a topic that stalls and resumes (an unusual pause before a trade)', () => {
    /** Twenty trades 100 ms apart: a cadence the sequencer knows. */
    function steadyRun(t: ReturnType<typeof setup>): void {
      for (let s = 1; s <= 20; s++) t.sequencer.onStream({ ...trade(s), exchangeTime: 100 * s });
    }

    it('evaluates index snapshots through the pause (their connection’s watchdog replaces a silent one)', () => {
      const t = setup(100, 'snapshots');
      steadyRun(t);
      expect(t.sequencer.onStream({ ...trade(30), exchangeTime: 7_000 })).toBe('emitted');
      expect(t.sequencer.isRecovering('BTC-USDT')).toBe(false);
      expect(t.sequencer.mark('BTC-USDT')).toEqual({ sequence: '30', time: 7_000 });
    });

    it('holds the trade after the pause and asks for the gap, which is then evaluated first', () => {
      const t = setup();
      steadyRun(t);
      const resumed = { ...trade(30), exchangeTime: 2_000 + 5_000 };
      expect(t.sequencer.onStream(resumed)).toBe('paused');
      expect(t.sequencer.isRecovering('BTC-USDT')).toBe(true);
      expect(t.sequencer.mark('BTC-USDT')).toEqual({ sequence: '20', time: 2_000 });
      expect(t.sequencer.onStream({ ...trade(31), exchangeTime: 7_100 })).toBe('held');
      const withheld = [21, 22, 23].map((s) => ({ ...trade(s), exchangeTime: 2_000 + 100 * s }));
      t.sequencer.finishRecovery('BTC-USDT', [...withheld, resumed]);
      expect(t.sequences().slice(20)).toEqual(['21', '22', '23', '30', '31']);
    });

    it("a pause within the symbol's usual spacing, or a stale trade after one, starts nothing", () => {
      const t = setup();
      steadyRun(t);
      expect(t.sequencer.onStream({ ...trade(21), exchangeTime: 2_900 })).toBe('emitted');
      expect(t.sequencer.onStream({ ...trade(5), exchangeTime: 9_000 })).toBe('stale');
      expect(t.sequencer.isRecovering('BTC-USDT')).toBe(false);
    });

    it('holds at most MAX_PAUSE_CHECKS symbols for a pause at once: a market-wide pause is evaluated through', () => {
      const t = setup();
      const symbols = Array.from({ length: MAX_PAUSE_CHECKS + 2 }, (_, i) => `S${i}-USDT`);
      for (const symbol of symbols)
        for (let s = 1; s <= 20; s++)
          t.sequencer.onStream({ ...trade(s, 100, symbol), exchangeTime: 100 * s });
      const verdicts = symbols.map((symbol) =>
        t.sequencer.onStream({ ...trade(30, 100, symbol), exchangeTime: 60_000 }),
      );
      expect(verdicts.filter((v) => v === 'paused')).toHaveLength(MAX_PAUSE_CHECKS);
      expect(verdicts.slice(MAX_PAUSE_CHECKS)).toEqual(['unchecked', 'unchecked']);
      // One check done: the next market-wide pause may hold one symbol again.
      t.sequencer.finishRecovery(symbols[0], []);
      expect(
        t.sequencer.onStream({ ...trade(40, 100, symbols[MAX_PAUSE_CHECKS]), exchangeTime: 120_000 }),
      ).toBe('paused');
    });

    it('a first trade after a restart watermark is not a pause: nothing is known of the cadence', () => {
      const t = setup();
      t.sequencer.seedWatermark(0);
      expect(t.sequencer.onStream({ ...trade(1), exchangeTime: 600_000 })).toBe('emitted');
    });
  });

  it('emits an increasing run that loses no new live trade, whatever the interleaving and pauses (property)', () => {
    // Sequences mostly advance by a few, sometimes jump (an unusual pause: 100 ms of exchange time per
    // sequence) or go back (a replay); recoveries bring trades around the newest seen.
    const delta = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }) },
      { weight: 1, arbitrary: fc.integer({ min: 50, max: 200 }) },
      { weight: 1, arbitrary: fc.integer({ min: -6, max: 0 }) },
    );
    const step = fc.oneof(
      { weight: 12, arbitrary: delta.map((d) => ({ kind: 'live' as const, d })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'begin' as const }) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.integer({ min: -10, max: 10 }), { maxLength: 8 })
          .map((ds) => ({ kind: 'finish' as const, ds })),
      },
    );
    let pauses = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 120, size: 'max' }), (steps) => {
        const t = setup(1_000);
        const at = (s: number): Tick => ({ ...trade(s), exchangeTime: 100 * s });
        let newest = 0;
        let mustAppear: number[] = [];
        for (const next of steps) {
          if (next.kind === 'live') {
            const s = Math.max(1, newest + next.d);
            if (s > newest) mustAppear.push(s);
            newest = Math.max(newest, s);
            if (t.sequencer.onStream(at(s)) === 'paused') pauses++;
          } else if (next.kind === 'begin') t.sequencer.beginRecovery('BTC-USDT');
          else {
            const ss = [...new Set(next.ds.map((d) => Math.max(1, newest + d)))].sort((a, b) => a - b);
            newest = Math.max(newest, ...ss);
            // A recovery that shows newer trades but not this one says it is older than them after all.
            const top = Math.max(0, ...ss);
            mustAppear = mustAppear.filter((s) => s > top || ss.includes(s));
            t.sequencer.finishRecovery('BTC-USDT', ss.map(at));
          }
        }
        t.sequencer.abandonRecovery('BTC-USDT');
        const out = t.emitted.map((tick) => Number(tick.sequence));
        for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThan(out[i - 1]);
        // A live trade newer than anything seen before it is never lost, whether it was paused, held or not.
        for (const s of mustAppear) expect(out).toContain(s);
      }),
      { numRuns: 300 },
    );
    expect(pauses).toBeGreaterThan(0); // the runs did exercise pauses
  });
});
