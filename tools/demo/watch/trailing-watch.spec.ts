import type { Tick } from '../../../src/domain/market';
import { type TrailingSpec, foldTrailing } from '../../../src/domain/trailing-stop';
import type { SeedDocument } from '../seed-plan';
import { TrailingWatch } from './trailing-watch';

const LONG = 'users/demo-grace/openPositions/pos-11';
const SHORT = 'users/demo-grace/openPositions/pos-12';

const positions: SeedDocument[] = [
  {
    path: LONG,
    data: { symbol: 'BTC-USDT', marketType: 'spot', side: 'long', trailingStop: { callbackRate: 0.01 } },
  },
  {
    path: SHORT,
    data: {
      symbol: 'ETHUSDTM',
      marketType: 'futures',
      side: 'short',
      trailingStop: { callbackAmount: 10, activationPrice: 2_990 },
    },
  },
  // No trailing stop: not followed.
  {
    path: 'users/demo-alice/openPositions/pos-1',
    data: { symbol: 'BTC-USDT', marketType: 'spot', side: 'long' },
  },
];

let time = 1_000;
function tick(symbol: string, price: number, extra: Partial<Tick> = {}): Tick {
  time += 50;
  const marketType = symbol.includes('-') ? 'spot' : 'futures';
  return { marketType, symbol, price, exchangeTime: time, receivedAt: time, source: 'stream', ...extra };
}

const viewOf = (watch: TrailingWatch, path: string) => watch.views().find((view) => view.path === path)!;

describe('TrailingWatch', () => {
  it('follows only the seeded positions with a trailing stop, waiting before any price', () => {
    const watch = new TrailingWatch(positions);
    expect(watch.size).toBe(2);
    expect(watch.views().map((view) => [view.uid, view.side, view.phase, view.best, view.level])).toEqual([
      ['demo-grace', 'long', 'waiting', null, null],
      ['demo-grace', 'short', 'waiting', null, null],
    ]);
  });

  it('activates a long on its first price and moves its level with each new high', () => {
    const watch = new TrailingWatch(positions);
    watch.onTick(tick('BTC-USDT', 60_000));
    expect(viewOf(watch, LONG)).toMatchObject({
      phase: 'following',
      best: 60_000,
      level: 59_400,
      last: 60_000,
    });
    watch.onTick(tick('BTC-USDT', 61_000));
    watch.onTick(tick('BTC-USDT', 60_500));
    expect(viewOf(watch, LONG)).toMatchObject({ best: 61_000, level: 60_390, last: 60_500 });
    // Another market's symbol of the same name part, or a mark price, is not its stream.
    watch.onTick(tick('BTC-USDT', 10, { priceType: 'mark' }));
    watch.onTick(tick('XBTUSDTM', 10));
    expect(viewOf(watch, LONG)).toMatchObject({ best: 61_000, last: 60_500 });
  });

  it('reports the crossing on the level before the price, as foldTrailing finds it', () => {
    const watch = new TrailingWatch(positions);
    const prices = [60_000, 60_800, 61_200, 60_700, 61_300, 60_680];
    for (const price of prices) watch.onTick(tick('BTC-USDT', price));
    const spec: TrailingSpec = {
      side: 'long',
      stop: { distance: { kind: 'rate', rate: 0.01 }, activationPrice: null },
    };
    const expected = foldTrailing(
      spec,
      { best: null },
      prices.map((price) => ({ price, time: 0 })),
    );
    const view = viewOf(watch, LONG);
    expect(view.phase).toBe('crossed');
    expect(view.crossing).toMatchObject({ level: expected.fire!.level, price: 60_680 });
    expect(view.best).toBe(expected.state.best);
    // Once crossed, later prices do not move it.
    watch.onTick(tick('BTC-USDT', 70_000));
    expect(viewOf(watch, LONG)).toMatchObject({ phase: 'crossed', best: 61_300 });
  });

  it('waits for a short activation price at or below, then trails the low by the amount', () => {
    const watch = new TrailingWatch(positions);
    watch.onTick(tick('ETHUSDTM', 3_000));
    expect(viewOf(watch, SHORT)).toMatchObject({ phase: 'waiting', last: 3_000 });
    watch.onTick(tick('ETHUSDTM', 2_990));
    expect(viewOf(watch, SHORT)).toMatchObject({ phase: 'following', best: 2_990, level: 3_000 });
    watch.onTick(tick('ETHUSDTM', 2_980));
    watch.onTick(tick('ETHUSDTM', 2_990));
    expect(viewOf(watch, SHORT)).toMatchObject({
      phase: 'crossed',
      crossing: { level: 2_990, price: 2_990 },
    });
  });

  it('applies a recovered price only from the seed time, as the worker does a dormant stop', () => {
    const watch = new TrailingWatch(positions, 5_000);
    watch.onTick(tick('BTC-USDT', 70_000, { source: 'backfill', exchangeTime: 4_999 }));
    expect(viewOf(watch, LONG).phase).toBe('waiting');
    watch.onTick(tick('BTC-USDT', 60_000, { source: 'backfill', exchangeTime: 5_000 }));
    expect(viewOf(watch, LONG)).toMatchObject({ best: 60_000, activatedAt: 5_000, firstPriceAt: 5_000 });
  });

  it('applies a candle open, adverse extreme, favourable extreme, close; its crossing fills at the level', () => {
    const watch = new TrailingWatch(positions);
    watch.onTick(tick('BTC-USDT', 60_000));
    // A long: open 60,100 (best), low 59,600 (above 59,499), high 61,000, close 60,300 (crosses 60,390).
    watch.onTick(
      tick('BTC-USDT', 60_300, { source: 'backfill', candle: { open: 60_100, high: 61_000, low: 59_600 } }),
    );
    expect(viewOf(watch, LONG)).toMatchObject({
      phase: 'crossed',
      crossing: { level: 60_390, price: 60_390 },
    });
  });

  it('shows the position closed with what the worker wrote', () => {
    const watch = new TrailingWatch(positions);
    watch.onTick(tick('BTC-USDT', 60_000));
    watch.onTick(tick('BTC-USDT', 59_000));
    watch.onExecution({
      kind: 'position',
      path: LONG,
      uid: 'demo-grace',
      symbol: 'BTC-USDT',
      marketType: 'spot',
      side: 'long',
      reason: 'trailing_stop',
      level: 59_400,
      fill: 59_000,
      tickTime: time,
    });
    expect(viewOf(watch, LONG)).toMatchObject({
      phase: 'closed',
      closed: { reason: 'trailing_stop', level: 59_400, fill: 59_000, tickTime: time },
      crossing: { level: 59_400, price: 59_000 },
    });
    expect(viewOf(watch, SHORT).phase).toBe('waiting');
  });
});
