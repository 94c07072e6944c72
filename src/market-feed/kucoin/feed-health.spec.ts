import { feedVerdict } from './feed-health';
import type { SymbolEntry } from './subscription-tracker';

const entry = (over: Partial<SymbolEntry>): SymbolEntry => ({
  state: 'subscribed',
  ackedAt: 0,
  lastDataAt: 0,
  seenData: false,
  ...over,
});
const base = {
  now: 100_000,
  lastMessageAt: 99_000,
  lastDataAt: 99_000,
  staleFeedMs: 30_000,
  dataStaleMs: 60_000,
};

describe('feedVerdict', () => {
  it('is stale when nothing at all arrived within staleFeedMs', () => {
    expect(feedVerdict({ ...base, lastMessageAt: 69_999 }, [], () => undefined)).toBe('stale_feed');
    expect(feedVerdict({ ...base, lastMessageAt: 70_000 }, [], () => undefined)).toBe('healthy');
  });

  it('is silent when symbols that streamed before stop, while other frames keep coming', () => {
    const entries: Array<[string, SymbolEntry]> = [['A', entry({ lastDataAt: 10_000, seenData: true })]];
    expect(feedVerdict({ ...base, lastDataAt: 39_999 }, entries, () => undefined)).toBe('silent_data');
    expect(feedVerdict({ ...base, lastDataAt: 40_000 }, entries, () => undefined)).toBe('healthy');
  });

  it('never reconnects for symbols that never streamed, but reports them', () => {
    const silent: string[] = [];
    const entries: Array<[string, SymbolEntry]> = [
      ['GHOST', entry({ ackedAt: 1_000 })],
      ['NEW', entry({ ackedAt: 90_000 })],
      ['REST-ONLY', entry({ ackedAt: 1_000, seenData: true })],
      ['PENDING', entry({ state: 'sub_pending' })],
    ];
    expect(feedVerdict({ ...base, lastDataAt: 0 }, entries, (s) => silent.push(s))).toBe('healthy');
    expect(silent).toEqual(['GHOST']);
  });
});
