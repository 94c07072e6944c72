import type { TrailingView } from '../watch/trailing-watch';
import type { ExecutionEvent, StatusView } from './display.types';
import { TerminalDisplay } from './terminal-display';

const view: StatusView = {
  feed: 'simulated',
  elapsedMs: 1_000,
  feeds: [],
  prices: new Map(),
  openPositions: 1,
  pendingTriggers: 0,
  executions: 0,
  baseUrl: 'http://127.0.0.1:3000',
};

const event: ExecutionEvent = {
  kind: 'position',
  uid: 'demo-carol',
  symbol: 'BTC-USDT',
  marketType: 'spot',
  side: 'short',
  reason: 'stop_loss',
  level: 60_150,
  fill: 60_155.4,
  tickTime: 0,
};

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, rows: 30, write: (chunk: string) => chunks.push(chunk) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => chunks.join('') };
}

describe('TerminalDisplay', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('prints plain lines without escape codes when the output is not a terminal', () => {
    const out = fakeStream(false);
    const display = new TerminalDisplay(out.stream, () => view, { TERM: 'xterm-256color' });
    display.start();
    display.addExecution(event);
    jest.advanceTimersByTime(6_000);
    display.stop();
    const text = out.written();
    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(/^EXECUTION .*carol +BTC-USDT +spot +short stop-loss/m);
    expect(text.match(/^\[\d+s\]/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(display.executions).toHaveLength(1);
  });

  it('redraws in place on a terminal and gives the cursor back when stopped', () => {
    const out = fakeStream(true);
    const display = new TerminalDisplay(out.stream, () => view, { TERM: 'xterm-256color' });
    display.start();
    display.addExecution(event);
    display.stop();
    display.stop();
    const text = out.written();
    expect(text.startsWith('\u001b[?25l\u001b[2J')).toBe(true);
    expect(text.split('\u001b[H').length - 1).toBe(3); // start, the execution, the final screen
    expect(text.endsWith('\u001b[?25h')).toBe(true);
    expect(text).toContain('http://127.0.0.1:3000/health/ready');
  });

  it('treats TERM=dumb as no terminal', () => {
    const out = fakeStream(true);
    const display = new TerminalDisplay(out.stream, () => view, { TERM: 'dumb' });
    display.start();
    display.stop();
    expect(out.written()).not.toContain('\u001b[');
  });

  it('prints the open trailing stops under each plain status line, and one when the worker closes it', () => {
    const path = 'users/demo-grace/openPositions/pos-11';
    const following: TrailingView = {
      path,
      uid: 'demo-grace',
      symbol: 'BTC-USDT',
      marketType: 'spot',
      side: 'long',
      stop: { distance: { kind: 'rate', rate: 0.005 }, activationPrice: null },
      phase: 'following',
      best: 60_200,
      level: 59_899,
      last: 60_100,
    };
    let trailing = following;
    const out = fakeStream(false);
    const display = new TerminalDisplay(out.stream, () => ({ ...view, trailing: [trailing] }), {
      TERM: 'dumb',
    });
    display.start();
    const closed = { reason: 'trailing_stop', level: 59_899, fill: 59_890, tickTime: 0 };
    trailing = { ...following, phase: 'closed', closed };
    display.addExecution({
      ...event,
      path,
      uid: 'demo-grace',
      side: 'long',
      reason: 'trailing_stop',
      level: 59_899,
      fill: 59_890,
    });
    jest.advanceTimersByTime(6_000);
    display.stop();
    const lines = out.written().trimEnd().split('\n');
    expect(lines[1]).toMatch(/^TRAILING grace +BTC-USDT .*following {2}best 60,200 {2}level 59,899/);
    expect(lines[2]).toMatch(/^EXECUTION .*grace +BTC-USDT +spot +long +trailing stop +level +59,899/);
    expect(lines[3]).toMatch(
      /^TRAILING grace .*fired {2}closeReason trailing_stop {2}closeTriggerPrice 59,899/,
    );
    expect(lines[4]).toMatch(/^\[\d+s\]/); // a closed stop is not repeated under later status lines…
    expect(lines[5]).toMatch(/^\[\d+s\]/); // …until the last one, which lists them all
    expect(lines[6]).toMatch(/^TRAILING grace .*fired/);
    expect(lines).toHaveLength(7);
  });
});
