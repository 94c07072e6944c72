import { resolveConnectionOptions } from './connection-options';
import { topicPrefix } from './feed-channel';

const sink = { onTick: jest.fn(), onRejected: jest.fn(), onReconnect: jest.fn(), onCatchUp: jest.fn() };

const options = (market: 'spot' | 'futures', channel?: 'trades' | 'instrument') => ({
  id: `${market}-0`,
  market,
  channel,
  apiUrl: 'https://api.test',
  limits: { symbolsPerMessage: 100, staleFeedMs: 30_000 },
  events: { sink },
});

describe('FeedChannel', () => {
  it('names each channel its topic: trades per market, the instrument for futures contracts', () => {
    expect(topicPrefix('spot', 'trades')).toBe('/market/match:');
    expect(topicPrefix('futures', 'trades')).toBe('/contractMarket/execution:');
    expect(topicPrefix('futures', 'instrument')).toBe('/contract/instrument:');
  });

  it('is trades unless told otherwise, with the ticker catch-up weight and the configured batching', () => {
    const resolved = resolveConnectionOptions(options('spot'));
    expect(resolved.channel).toBe('trades');
    expect(resolved.limits).toMatchObject({ symbolsPerMessage: 100, catchUpWeight: 2 });
  });

  it('subscribes instrument topics one contract per message, and weighs its catch-up as the mark price (3)', () => {
    const resolved = resolveConnectionOptions(options('futures', 'instrument'));
    expect(resolved.channel).toBe('instrument');
    expect(resolved.limits).toMatchObject({ symbolsPerMessage: 1, catchUpWeight: 3 });
  });

  it('has no instrument channel on spot', () => {
    expect(() => resolveConnectionOptions(options('spot', 'instrument'))).toThrow(/futures only/);
  });
});
