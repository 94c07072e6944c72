import type { MarketType } from '../../domain/market';
import { type FakeKucoin, fakeKucoin } from '../../../test/support/doubles/fake-kucoin';
import { ManualClock } from '../../../test/support/doubles/manual-clock';
import { KucoinRestError } from './kucoin-rest';
import { type RateLimitNotice, RateLimitPenalty } from './rate-limit-penalty';
import { TokenBucket, WeightWindow } from './rate-limiters';
import { RestQueue } from './rest-queue';
import { WebSocketManager } from './websocket-manager';
import { TopicAuditor } from '../topic-auditor';

/** Lets every promise already resolved (fetch answers, their JSON) run; the manual clock runs the timers. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RateLimitPenalty.takeRest', () => {
  it('takes the weight when no pause runs, else says how long to wait: the pause first, then the window', () => {
    const penalty = new RateLimitPenalty();
    const budget = new WeightWindow(10, 30_000);
    expect(penalty.takeRest(budget, 0, 6)).toBe(0);
    expect(budget.used(0)).toBe(6);
    expect(penalty.takeRest(budget, 1_000, 6)).toBe(29_000);
    expect(budget.used(1_000)).toBe(6);
    penalty.restRefused(1_000, 'spot', 'catch_up', 60_000);
    expect(penalty.takeRest(budget, 31_000, 6)).toBe(30_000);
    expect(budget.used(31_000)).toBe(0);
    expect(penalty.takeRest(budget, 61_000, 6)).toBe(0);
  });
});

describe('RateLimitPenalty', () => {
  it('after a REST 429 holds every REST call and every new connection until the reset', () => {
    const clock = new ManualClock(1_000);
    const penalty = new RateLimitPenalty();
    expect(penalty.restWaitMs(clock.now())).toBe(0);
    penalty.restRefused(clock.now(), 'spot', 'catch_up', 4_000);
    clock.advance(1_000);
    expect(penalty.restWaitMs(clock.now())).toBe(3_000);
    expect(penalty.connectionWaitMs(clock.now())).toBe(3_000);
    clock.advance(3_000);
    expect(penalty.restWaitMs(clock.now())).toBe(0);
    expect(penalty.connectionWaitMs(clock.now())).toBe(0);
  });

  it('after a refused connection holds new connections only', () => {
    const penalty = new RateLimitPenalty();
    penalty.connectionRefused(0, 'futures', 2_000);
    expect(penalty.connectionWaitMs(500)).toBe(1_500);
    expect(penalty.restWaitMs(500)).toBe(0);
  });

  it('waits 30 s when KuCoin names no reset, and a later refusal only ever extends the pause', () => {
    const penalty = new RateLimitPenalty();
    penalty.restRefused(0, 'spot', 'token', undefined);
    expect(penalty.restWaitMs(0)).toBe(30_000);
    penalty.restRefused(10_000, 'futures', 'audit', 1_000);
    expect(penalty.restWaitMs(10_000)).toBe(20_000);
    penalty.restRefused(20_000, 'futures', 'gap_recovery', 25_000);
    expect(penalty.restWaitMs(20_000)).toBe(25_000);
  });

  it('reports every refusal, and says which one started a pause', () => {
    const notices: RateLimitNotice[] = [];
    const penalty = new RateLimitPenalty((notice) => notices.push(notice));
    penalty.restRefused(0, 'spot', 'catch_up', 3_000);
    penalty.restRefused(10, 'spot', 'catch_up', 2_990);
    penalty.connectionRefused(5_000, 'futures');
    expect(notices).toEqual([
      { market: 'spot', source: 'catch_up', pauseMs: 3_000, started: true },
      { market: 'spot', source: 'catch_up', pauseMs: 2_990, started: false },
      { market: 'futures', source: 'websocket', pauseMs: 30_000, started: true },
    ]);
  });
});

describe('one penalty box for every KuCoin caller of the process', () => {
  let clock: ManualClock;
  let penalty: RateLimitPenalty;

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    penalty = new RateLimitPenalty();
  });

  /** A connection of `market` on the shared clock and penalty box, with a short reconnect backoff. */
  function manager(market: MarketType, kucoin: FakeKucoin): WebSocketManager {
    return new WebSocketManager({
      id: `${market}-0`,
      market,
      apiUrl: `https://${market}.test`,
      limits: { symbolsPerMessage: 1, staleFeedMs: 60_000, reconnectBackoff: { baseMs: 100, maxMs: 100 } },
      io: {
        clock,
        openSocket: kucoin.factory,
        fetch: kucoin.fetch,
        random: () => 0.5,
        ratePenalty: penalty,
      },
      events: {
        sink: { onTick: jest.fn(), onRejected: jest.fn(), onReconnect: jest.fn(), onCatchUp: jest.fn() },
      },
    });
  }

  /** A REST queue whose calls are recorded with the clock's time; `answer` decides each call's fate. */
  function queue(market: MarketType, answer: () => Promise<string>) {
    const calls: number[] = [];
    const rest = new RestQueue<string>({
      clock,
      bucket: new TokenBucket(1_000, 30_000),
      penalty,
      market,
      source: market === 'spot' ? 'catch_up' : 'gap_recovery',
      weight: 2,
      concurrency: 1,
      fetchOne: () => {
        calls.push(clock.now());
        return answer();
      },
      onResult: () => undefined,
    });
    return { rest, calls };
  }

  it("a spot catch-up's 429 holds the futures REST calls and new connections until the reset", async () => {
    const refused = new KucoinRestError('HTTP 429', 429, true, 4_000);
    const spot = queue('spot', () => Promise.reject(refused));
    const futures = queue('futures', () => Promise.resolve('ok'));
    const kucoin = fakeKucoin();
    const futuresFeed = manager('futures', kucoin);
    spot.rest.enqueue(['BTC-USDT']);
    await settle();
    const refusedAt = clock.now();

    futures.rest.enqueue(['XBTUSDTM']);
    futuresFeed.updateDesired(['XBTUSDTM']);
    clock.advance(3_999);
    await settle();
    expect(futures.calls).toEqual([]);
    expect(kucoin.fetchedUrls).toEqual([]);
    expect(futuresFeed.state).toBe('backoff');
    clock.advance(1);
    await settle();
    expect(futures.calls).toEqual([refusedAt + 4_000]);
    expect(kucoin.fetchedUrls).toEqual(['https://futures.test/api/v1/bullet-public']);
    // The refused symbol is asked again once, at the reset, not on a backoff of its own.
    expect(spot.calls).toEqual([refusedAt, refusedAt + 4_000]);
    futuresFeed.stop();
    spot.rest.clear();
  });

  it("a spot token's 429 holds the futures reconnect and REST calls until gw-ratelimit-reset", async () => {
    const spotKucoin = fakeKucoin();
    const futuresKucoin = fakeKucoin();
    const futuresFeed = manager('futures', futuresKucoin);
    futuresFeed.updateDesired(['XBTUSDTM']);
    await settle();
    futuresKucoin.latest().welcome();
    expect(futuresFeed.state).toBe('connected');

    spotKucoin.failTokens(1, 429); // the fake answers gw-ratelimit-reset: 5000
    const spotFeed = manager('spot', spotKucoin);
    spotFeed.updateDesired(['BTC-USDT']);
    await settle();
    const refusedAt = clock.now();
    futuresKucoin.latest().handlers.onClose(1006, '');
    const futures = queue('futures', () => Promise.resolve('ok'));
    futures.rest.enqueue(['XBTUSDTM']);

    clock.advance(4_999);
    await settle();
    expect(futuresKucoin.fetchedUrls).toHaveLength(1);
    expect(spotKucoin.fetchedUrls).toHaveLength(1);
    expect(futures.calls).toEqual([]);
    clock.advance(1);
    await settle();
    expect(futuresKucoin.fetchedUrls).toHaveLength(2);
    expect(spotKucoin.fetchedUrls).toHaveLength(2);
    expect(futures.calls).toEqual([refusedAt + 5_000]);
    spotFeed.stop();
    futuresFeed.stop();
  });

  it('an upgrade refused with 429, or a 509 before the welcome, holds new connections but not REST', async () => {
    const kucoin = fakeKucoin();
    const feed = manager('spot', kucoin);
    feed.updateDesired(['BTC-USDT']);
    await settle();
    kucoin.latest().handlers.onUpgradeRejected(429, 2_000);
    expect(penalty.connectionWaitMs(clock.now())).toBe(2_000);
    expect(penalty.restWaitMs(clock.now())).toBe(0);
    clock.advance(1_999);
    await settle();
    expect(kucoin.sockets).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(kucoin.sockets).toHaveLength(2);

    kucoin.latest().serverSends({ id: 'c', type: 'error', code: 509, data: 'service busy' });
    expect(penalty.connectionWaitMs(clock.now())).toBe(30_000);
    expect(penalty.restWaitMs(clock.now())).toBe(0);
    feed.stop();
  });

  it('holds the topic audit during a pause, and a 429 on the audit starts one', async () => {
    const kucoin = fakeKucoin();
    kucoin.ticker = () => ({ status: 429 }); // all-tickers too; with gw-ratelimit-reset: 5000
    const auditor = new TopicAuditor({
      market: 'futures',
      apiUrl: 'https://futures.test',
      fetch: kucoin.fetch,
      clock,
      bucket: new TokenBucket(1_000, 30_000),
      penalty,
      intervalMs: 0,
      graceMs: 1_000,
      topics: () => [{ symbol: 'XBTUSDTM', subscribedAt: 0 }],
      onSilent: jest.fn(),
      onCaughtUp: jest.fn(),
      onListing: jest.fn(),
    });
    penalty.connectionRefused(clock.now(), 'spot', 10_000); // a refused connection leaves REST alone
    await auditor.audit();
    expect(kucoin.fetchedUrls).toEqual(['https://futures.test/api/v1/allTickers']);
    expect(penalty.restWaitMs(clock.now())).toBe(5_000);
    clock.advance(4_999);
    await auditor.audit();
    expect(kucoin.fetchedUrls).toHaveLength(1);
    clock.advance(1);
    await auditor.audit();
    expect(kucoin.fetchedUrls).toHaveLength(2);
  });

  it('leaves a 509 after the welcome (too many messages on one connection) to that connection', async () => {
    const kucoin = fakeKucoin();
    const feed = manager('spot', kucoin);
    feed.updateDesired(['BTC-USDT']);
    await settle();
    kucoin.latest().welcome();
    kucoin.latest().serverSends({ id: 'x', type: 'error', code: 509, data: 'exceed max permits per second' });
    expect(feed.state).toBe('backoff');
    expect(penalty.connectionWaitMs(clock.now())).toBe(0);
    feed.stop();
  });
});
