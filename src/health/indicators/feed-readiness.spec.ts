import type { ConnectionStatus, FeedStatus } from '../../market-feed/feed-gateway';
import { feedProblems } from './feed-readiness';

const NOW = 1_000_000;

function connection(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return {
    id: 'spot-0',
    state: 'connected',
    lastMessageAt: NOW - 100,
    reconnects: 0,
    subscribedTopics: 3,
    ...overrides,
  };
}

function status(desiredSymbols: number, connections: ConnectionStatus[]): FeedStatus {
  return { marketType: 'spot', desiredSymbols, connections, recoveringSymbols: 0, unavailable: [] };
}

describe('feedProblems', () => {
  it('is ready when nothing is desired, even with no connection', () => {
    expect(feedProblems(status(0, []), NOW, 30_000)).toEqual([]);
  });

  it('is ready when every connection is connected and fresh', () => {
    expect(feedProblems(status(3, [connection(), connection({ id: 'spot-1' })]), NOW, 30_000)).toEqual([]);
  });

  it('names a connection that is not connected with its last failure cause, never the raw error text', () => {
    const failing = connection({
      id: 'spot-1',
      state: 'backoff',
      lastError: 'socket_error: connect ECONNREFUSED 10.1.2.3:443',
      lastCause: 'socket_error',
    });
    const problems = feedProblems(status(3, [connection(), failing]), NOW, 30_000);
    expect(problems).toEqual(['spot-1 is backoff (last failure: socket_error)']);
    expect(problems.join(' ')).not.toContain('10.1.2.3');
  });

  it('names a connection that went silent, and one that never heard anything', () => {
    const problems = feedProblems(
      status(3, [
        connection({ lastMessageAt: NOW - 30_001 }),
        connection({ id: 'spot-1', lastMessageAt: undefined }),
      ]),
      NOW,
      30_000,
    );
    expect(problems).toEqual([
      'spot-0 has received nothing for over 30000 ms',
      'spot-1 has received nothing for over 30000 ms',
    ]);
  });

  it('is not caught up while symbols recover the trades they may have missed', () => {
    expect(feedProblems({ ...status(3, [connection()]), recoveringSymbols: 2 }, NOW, 30_000)).toEqual([
      '2 symbols are recovering trades they may have missed',
    ]);
  });

  it('is not ready with symbols to watch and no connection at all', () => {
    expect(feedProblems(status(1, []), NOW, 30_000)).toEqual(['symbols to watch but no connection']);
  });
});
