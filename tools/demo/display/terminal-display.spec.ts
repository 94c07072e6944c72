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
});
