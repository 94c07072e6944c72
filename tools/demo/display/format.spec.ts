import type { TrailingView } from '../watch/trailing-watch';
import type { ExecutionEvent, StatusView } from './display.types';
import {
  NO_COLOR,
  formatElapsed,
  formatExecution,
  formatFeedLine,
  formatMetrics,
  formatPrice,
  formatStatusLine,
  formatTrailing,
  formatTrailingStop,
  renderScreen,
} from './format';

const event: ExecutionEvent = {
  kind: 'position',
  uid: 'demo-alice',
  symbol: 'BTC-USDT',
  marketType: 'spot',
  side: 'long',
  reason: 'take_profit',
  level: 60_060,
  fill: 60_061.5,
  tickTime: Date.UTC(2026, 0, 1, 12, 0, 5),
  writtenAt: Date.UTC(2026, 0, 1, 12, 0, 5) + 42,
};

const view: StatusView = {
  feed: 'simulated',
  elapsedMs: 12_345,
  durationMs: 60_000,
  feeds: [
    {
      market: 'spot',
      desired: ['BTC-USDT', 'ETH-USDT'],
      connections: [{ id: 'spot-1', state: 'connected', reconnects: 0, subscribedTopics: 2 }],
      ticksPerSecond: 40,
    },
    { market: 'futures', desired: undefined, connections: [], ticksPerSecond: 0 },
  ],
  prices: new Map([['BTC-USDT', 60_123.4]]),
  openPositions: 6,
  pendingTriggers: 4,
  executions: 1,
  baseUrl: 'http://127.0.0.1:3000',
};

describe('display formatting', () => {
  it('formats prices with separators and sensible decimals', () => {
    expect(formatPrice(60_123.456)).toBe('60,123.46');
    expect(formatPrice(3.14159)).toBe('3.1416');
    expect(formatPrice(0.00012345)).toBe('0.000123');
  });

  it('shows elapsed time against the duration when there is one', () => {
    expect(formatElapsed(12_345, 60_000)).toBe('12s / 60s');
    expect(formatElapsed(5_000)).toBe('5s');
  });

  it('describes an execution with user, symbol, reason, level, fill and latency', () => {
    const line = formatExecution(event, NO_COLOR);
    expect(line).toMatch(
      /^12:00:05 {2}alice +BTC-USDT +spot +long +take-profit +level +60,060 +fill +60,061\.5/,
    );
    expect(line).toContain('tick→write 42 ms');
    expect(
      formatExecution({ ...event, kind: 'trigger', reason: 'below', writtenAt: undefined }, NO_COLOR),
    ).toMatch(/trigger below +level/);
  });

  it('shows connections and symbols of a feed, and says when a feed is not wired in', () => {
    expect(formatFeedLine(view.feeds[0], NO_COLOR)).toBe(
      'spot     40.0 ticks/s  symbols: BTC-USDT, ETH-USDT  spot-1 connected (2 topics)',
    );
    expect(formatFeedLine(view.feeds[1], NO_COLOR)).toMatch(/futures +no feed/);
  });

  it('renders a screen with the URLs and no more executions than fit', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ ...event, level: i + 1 }));
    const screen = renderScreen(view, many, NO_COLOR, 20);
    expect(screen.length).toBeLessThanOrEqual(20);
    expect(screen.join('\n')).toContain('http://127.0.0.1:3000/health/ready');
    expect(screen.join('\n')).toContain('http://127.0.0.1:3000/metrics');
    expect(screen.join('\n')).toMatch(/level +50 /); // the newest is kept
    expect(renderScreen(view, [], NO_COLOR).join('\n')).toContain('waiting for a level to be crossed');
  });

  it("shows the worker's own counters once they have been read", () => {
    expect(formatMetrics(view)).toBe('not read yet');
    const metrics = { ticksReceived: 12_345, executions: { executed: 8, already_handled: 1 } };
    expect(formatMetrics({ ...view, metrics })).toBe(
      'worker_ticks_received_total 12,345  worker_executions_total executed 8, already_handled 1',
    );
  });

  it('has a one-line status for output that is not a terminal', () => {
    expect(formatStatusLine(view)).toBe(
      '[12s / 60s] spot 40.0 ticks/s 1/1 conn 2 symbols | futures no feed | ' +
        '6 open, 4 triggers, 1 executions',
    );
  });

  describe('trailing stops', () => {
    const following: TrailingView = {
      path: 'users/demo-grace/openPositions/pos-11',
      uid: 'demo-grace',
      symbol: 'BTC-USDT',
      marketType: 'spot',
      side: 'long',
      stop: { distance: { kind: 'rate', rate: 0.005 }, activationPrice: null },
      phase: 'following',
      best: 60_229.4,
      level: 59_928.253,
      last: 60_022.4,
      firstPriceAt: Date.UTC(2026, 0, 1, 12, 0, 0),
      activatedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
    };

    it('names the callback as a rate or an amount, with its activation price', () => {
      expect(formatTrailingStop('long', following.stop)).toBe('trailing 0.5%');
      expect(
        formatTrailingStop('short', {
          distance: { kind: 'amount', amount: 11.25 },
          activationPrice: 2_996.25,
        }),
      ).toBe('trailing 11.25 from <= 2,996.25');
    });

    it('shows the best price and the level it makes while following', () => {
      expect(formatTrailing(following, NO_COLOR)).toMatch(
        /^grace +BTC-USDT +spot +long +trailing 0\.5% +following {2}best 60,229\.4 {2}level 59,928\.25 {2}last 60,022\.4$/,
      );
      const waiting = { ...following, phase: 'waiting', best: null, level: null } as const;
      expect(formatTrailing({ ...waiting, last: undefined }, NO_COLOR)).toMatch(
        /waiting for the first price$/,
      );
      expect(formatTrailing(waiting, NO_COLOR)).toMatch(/waiting for activation {2}last 60,022\.4$/);
    });

    it('shows what the worker wrote when it fired, and whether the demo followed the same level', () => {
      const crossing = { level: 59_928.253, price: 59_925.1, time: Date.UTC(2026, 0, 1, 12, 0, 47) };
      expect(formatTrailing({ ...following, phase: 'crossed', crossing }, NO_COLOR)).toMatch(
        /crossed {2}59,925\.1 <= level 59,928\.25 at 12:00:47, waiting for the worker's write$/,
      );
      const closed = { reason: 'trailing_stop', level: 59_928.253, fill: 59_925.1, tickTime: crossing.time };
      expect(formatTrailing({ ...following, phase: 'closed', crossing, closed }, NO_COLOR)).toMatch(
        /fired {2}closeReason trailing_stop {2}closeTriggerPrice 59,928\.25 {2}closePrice 59,925\.1 {2}at 12:00:47, 47 s after its first price {2}\(the level the demo followed\)$/,
      );
      const activatedLater = { ...following, activatedAt: following.firstPriceAt! + 7_000 };
      expect(formatTrailing({ ...activatedLater, phase: 'closed', crossing, closed }, NO_COLOR)).toContain(
        '47 s after its first price, 40 s after activation',
      );
    });

    it('lists them on the screen above the executions, and colours the execution as a stop', () => {
      const screen = renderScreen({ ...view, trailing: [following] }, [], NO_COLOR).join('\n');
      expect(screen).toMatch(/Trailing stops[^\n]*\ngrace +BTC-USDT[^\n]*following[\s\S]*Executions/);
      expect(renderScreen(view, [], NO_COLOR).join('\n')).not.toContain('Trailing stops');
      expect(formatExecution({ ...event, reason: 'trailing_stop' }, NO_COLOR)).toMatch(
        /long +trailing stop +level +60,060 +fill/,
      );
    });
  });
});
