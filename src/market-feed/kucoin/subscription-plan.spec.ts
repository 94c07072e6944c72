import {
  batchSymbols,
  diffSubscriptions,
  splitRejectedBatch,
  subscriptionMessage,
} from './subscription-plan';
import { SubscriptionTracker } from './subscription-tracker';

const entry = (state: 'subscribed' | 'sub_pending' | 'excluded' | 'unsub_pending') => ({ state });

describe('diffSubscriptions', () => {
  it('subscribes the new, unsubscribes the dropped, forgets dropped exclusions, leaves in-flight alone', () => {
    const states = new Map([
      ['A', entry('subscribed')],
      ['B', entry('subscribed')],
      ['C', entry('sub_pending')],
      ['D', entry('excluded')],
      ['E', entry('excluded')],
    ]);
    expect(diffSubscriptions(new Set(['A', 'E', 'F']), states)).toEqual({
      toSubscribe: ['F'],
      toUnsubscribe: ['B'],
      toForget: ['D'],
    });
  });
});

describe('batchSymbols', () => {
  it('groups at most 100 per message', () => {
    const symbols = Array.from({ length: 250 }, (_, i) => `S${i}`);
    expect(batchSymbols(symbols, 100).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batchSymbols(symbols, 1)).toHaveLength(250);
    expect(batchSymbols([], 100)).toEqual([]);
  });

  it('builds the KuCoin message with a comma-joined topic', () => {
    expect(subscriptionMessage('7', 'subscribe', '/market/ticker:', ['BTC-USDT', 'ETH-USDT'])).toEqual({
      id: '7',
      type: 'subscribe',
      topic: '/market/ticker:BTC-USDT,ETH-USDT',
      privateChannel: false,
      response: true,
    });
  });
});

describe('splitRejectedBatch', () => {
  it('halves on 509, isolates on 400/404, gives up on a single symbol', () => {
    expect(splitRejectedBatch(['A', 'B', 'C'], 509)).toEqual([['A', 'B'], ['C']]);
    expect(splitRejectedBatch(['A', 'B'], 404)).toEqual([['A'], ['B']]);
    expect(splitRejectedBatch(['A'], 404)).toBe('give_up');
  });
});

describe('SubscriptionTracker', () => {
  it('queues batches, acks them, and unsubscribes only the difference', () => {
    const tracker = new SubscriptionTracker(2);
    tracker.sync(new Set(['A', 'B', 'C']));
    const first = tracker.next(new Set(['A', 'B', 'C']))!;
    const second = tracker.next(new Set(['A', 'B', 'C']))!;
    expect([first.request.symbols, second.request.symbols]).toEqual([['A', 'B'], ['C']]);
    expect(tracker.ack(first.id, 10)).toEqual(['A', 'B']);
    expect(tracker.ack(second.id, 10)).toEqual(['C']);
    expect(tracker.subscribedCount()).toBe(3);

    tracker.sync(new Set(['A', 'C', 'D']));
    const unsub = tracker.next(new Set(['A', 'C', 'D']))!;
    const sub = tracker.next(new Set(['A', 'C', 'D']))!;
    expect(unsub.request).toEqual({ action: 'unsubscribe', symbols: ['B'] });
    expect(sub.request).toEqual({ action: 'subscribe', symbols: ['D'] });
    tracker.ack(unsub.id, 20);
    tracker.ack(sub.id, 20);
    expect([...tracker.entries.keys()].sort()).toEqual(['A', 'C', 'D']);
  });

  it('drops queued symbols that stopped being desired before they were sent', () => {
    const tracker = new SubscriptionTracker(100);
    tracker.sync(new Set(['A', 'B']));
    expect(tracker.next(new Set(['B']))!.request.symbols).toEqual(['B']);
    expect(tracker.entries.has('A')).toBe(false);
  });

  it('splits a rejected batch, then gives up on the culprit alone', () => {
    const tracker = new SubscriptionTracker(100);
    const desired = new Set(['A', 'BAD', 'C']);
    tracker.sync(desired);
    const batch = tracker.next(desired)!;
    expect(tracker.reject(batch.id, 404)).toEqual({ kind: 'retrying' });
    const singles = [tracker.next(desired)!, tracker.next(desired)!, tracker.next(desired)!];
    expect(singles.map((s) => s.request.symbols)).toEqual([['A'], ['BAD'], ['C']]);
    tracker.ack(singles[0].id, 1);
    expect(tracker.reject(singles[1].id, 404)).toEqual({ kind: 'gave_up', symbols: ['BAD'] });
    tracker.ack(singles[2].id, 1);
    expect(tracker.subscribedCount()).toBe(2);
    tracker.sync(desired);
    expect(tracker.hasQueued()).toBe(false);
    expect(tracker.reject('unknown-id', 401)).toEqual({ kind: 'not_a_request' });
  });
});
