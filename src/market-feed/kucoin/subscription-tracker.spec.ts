import { SubscriptionTracker } from './subscription-tracker';

const TIMEOUT = 10_000;
const MAX_RESENDS = 3;

/** Sends everything queued at `now`; returns the requests as sent. */
function sendAll(subs: SubscriptionTracker, desired: ReadonlySet<string>, now: number) {
  const sent: { id: string; symbols: string[] }[] = [];
  for (let next = subs.next(desired, now); next !== undefined; next = subs.next(desired, now))
    sent.push({ id: next.id, symbols: next.request.symbols });
  return sent;
}

describe('SubscriptionTracker: unanswered subscribes', () => {
  it('re-sends an unanswered subscribe three times, then gives up on its symbol until asked for again', () => {
    const desired = new Set(['BTC-USDT', 'ETH-USDT', 'GHOST-USDT']);
    const subs = new SubscriptionTracker(2);
    subs.sync(desired);
    let now = 0;
    let sent = sendAll(subs, desired, now);
    expect(sent.map((s) => s.symbols)).toEqual([['BTC-USDT', 'ETH-USDT'], ['GHOST-USDT']]);
    subs.ack(sent[0].id, now); // the first batch is answered: the connection works
    for (let resend = 1; resend <= MAX_RESENDS; resend++) {
      now += TIMEOUT;
      expect(subs.expire(now, TIMEOUT, MAX_RESENDS)).toEqual({ resent: 1, gaveUp: [], broken: false });
      sent = sendAll(subs, desired, now);
      expect(sent.map((s) => s.symbols)).toEqual([['GHOST-USDT']]);
    }
    now += TIMEOUT;
    expect(subs.expire(now, TIMEOUT, MAX_RESENDS)).toEqual({
      resent: 0,
      gaveUp: ['GHOST-USDT'],
      broken: false,
    });
    expect(sendAll(subs, desired, now)).toEqual([]);
    expect(subs.entries.get('GHOST-USDT')?.state).toBe('excluded');
    expect(subs.subscribedCount()).toBe(2);

    // Asked for again later: a lost ack does not leave the symbol out for the connection's life.
    expect(subs.retryExcluded()).toEqual(['GHOST-USDT']);
    sent = sendAll(subs, desired, now);
    expect(sent.map((s) => s.symbols)).toEqual([['GHOST-USDT']]);
    expect(subs.ack(sent[0].id, now)).toEqual(['GHOST-USDT']);
    expect(subs.subscribedCount()).toBe(3);
  });

  it('splits an unanswered batch so one symbol cannot sink the others', () => {
    const desired = new Set(['BTC-USDT', 'GHOST-USDT']);
    const subs = new SubscriptionTracker(2);
    subs.sync(new Set(['ETH-USDT']));
    subs.ack(sendAll(subs, new Set(['ETH-USDT']), 0)[0].id, 0);
    subs.sync(new Set([...desired, 'ETH-USDT']));
    sendAll(subs, desired, 0);
    for (let resend = 1; resend <= MAX_RESENDS; resend++) {
      subs.expire(resend * TIMEOUT, TIMEOUT, MAX_RESENDS);
      sendAll(subs, desired, resend * TIMEOUT);
    }
    const now = (MAX_RESENDS + 1) * TIMEOUT;
    expect(subs.expire(now, TIMEOUT, MAX_RESENDS)).toEqual({ resent: 1, gaveUp: [], broken: false });
    const alone = sendAll(subs, desired, now);
    expect(alone.map((s) => s.symbols)).toEqual([['BTC-USDT'], ['GHOST-USDT']]);
    expect(subs.ack(alone[0].id, now)).toEqual(['BTC-USDT']);
  });

  it('calls a connection broken when it has answered nothing at all (not even an error)', () => {
    const desired = new Set(['BTC-USDT']);
    const subs = new SubscriptionTracker(10);
    subs.sync(desired);
    sendAll(subs, desired, 0);
    for (let resend = 1; resend <= MAX_RESENDS; resend++) {
      expect(subs.expire(resend * TIMEOUT, TIMEOUT, MAX_RESENDS).broken).toBe(false);
      sendAll(subs, desired, resend * TIMEOUT);
    }
    expect(subs.expire((MAX_RESENDS + 1) * TIMEOUT, TIMEOUT, MAX_RESENDS)).toEqual({
      resent: 0,
      gaveUp: [],
      broken: true,
    });
  });

  it('takes an unsubscribe that is never answered as done', () => {
    const subs = new SubscriptionTracker(10);
    subs.sync(new Set(['BTC-USDT', 'ETH-USDT']));
    subs.ack(sendAll(subs, new Set(['BTC-USDT', 'ETH-USDT']), 0)[0].id, 0);
    const desired = new Set(['BTC-USDT']);
    subs.sync(desired);
    sendAll(subs, desired, 0);
    for (let resend = 1; resend <= MAX_RESENDS + 1; resend++) {
      subs.expire(resend * TIMEOUT, TIMEOUT, MAX_RESENDS);
      sendAll(subs, desired, resend * TIMEOUT);
    }
    expect([...subs.entries.keys()]).toEqual(['BTC-USDT']);
  });
});
