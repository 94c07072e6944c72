import type { ExecutionEvent, StatusView } from './display.types';
import {
  NO_COLOR,
  formatElapsed,
  formatExecution,
  formatFeedLine,
  formatMetrics,
  formatPrice,
  formatStatusLine,
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
});
