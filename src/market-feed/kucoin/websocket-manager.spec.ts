import type { Tick } from '../../domain/market';
import type { CatchUpResult } from './rest-queue';
import type { ConnectionIo, ConnectionLimits } from './connection-options';
import type { ReconnectCause } from './reconnect-cause';
import { SlidingWindowLimiter } from './rate-limiters';
import { type FakeKucoin, fakeKucoin } from '../../../test/support/doubles/fake-kucoin';
import { WebSocketManager } from './websocket-manager';

const flush = (): Promise<void> => jest.advanceTimersByTimeAsync(0);
/** A timeout's verdict waits for the socket's pending reads: a 0 ms timer, which fake timers run 1 ms later. */
const VERDICT_MS = 1;
const symbols = (n: number): string[] => Array.from({ length: n }, (_, i) => `C${i}-USDT`);

interface Overrides {
  readonly limits?: Partial<ConnectionLimits>;
  readonly io?: Partial<ConnectionIo>;
}

function setup(overrides: Overrides = {}, ping: [number, number] = [18_000, 10_000]) {
  const kucoin: FakeKucoin = fakeKucoin(...ping);
  const ticks: Tick[] = [];
  const reconnects: ReconnectCause[] = [];
  const catchUps: CatchUpResult[] = [];
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const manager = new WebSocketManager({
    id: 'spot-0',
    market: 'spot',
    apiUrl: 'https://api.test',
    limits: {
      symbolsPerMessage: 100,
      staleFeedMs: 30_000,
      dataStaleMs: 60_000,
      reconnectBackoff: { baseMs: 1_000, maxMs: 60_000 },
      ...overrides.limits,
    },
    io: { openSocket: kucoin.factory, fetch: kucoin.fetch, random: () => 0.5, ...overrides.io },
    events: {
      logger,
      sink: {
        onTick: (tick) => ticks.push(tick),
        onRejected: () => undefined,
        onReconnect: (cause) => reconnects.push(cause),
        onCatchUp: (result) => catchUps.push(result),
      },
    },
  });
  /** Desire `wanted`, let the token call resolve, and welcome the socket. */
  const connect = async (wanted: string[]): Promise<void> => {
    manager.updateDesired(wanted);
    await flush();
    kucoin.latest().welcome();
  };
  return { kucoin, manager, ticks, reconnects, catchUps, logger, connect };
}

/** The most events in any window of `windowMs` (events at t and t + windowMs are in different windows). */
function maxInWindow(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

const pushFor = (symbol: string, price = '10'): string =>
  `{"type":"message","topic":"/market/ticker:${symbol}","subject":"trade.ticker","data":{"price":"${price}","time":1}}`;

describe('WebSocketManager', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('stays idle with nothing desired and connects with a fresh token once something is', async () => {
    const { kucoin, manager } = setup();
    manager.ensureConnected();
    await flush();
    expect(manager.state).toBe('idle');
    expect(kucoin.sockets).toHaveLength(0);
    manager.updateDesired(['BTC-USDT']);
    expect(manager.state).toBe('connecting');
    await flush();
    expect(kucoin.fetchedUrls).toEqual(['https://api.test/api/v1/bullet-public']);
    expect(kucoin.latest().url).toBe('wss://ws.test/?token=t1&connectId=1000000');
  });

  it('sends nothing before the welcome', async () => {
    const { kucoin, manager } = setup();
    manager.updateDesired(['BTC-USDT']);
    await flush();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(kucoin.latest().sent).toEqual([]);
    kucoin.latest().welcome();
    expect(manager.state).toBe('connected');
    expect(kucoin.latest().sentOfType('subscribe')).toHaveLength(1);
  });

  it('batches at most 100 symbols per subscribe, comma-joined', async () => {
    const { kucoin, connect, manager } = setup();
    await connect(symbols(250));
    const subs = kucoin.latest().sentOfType('subscribe');
    expect(subs.map((m) => String(m.topic).split(',').length)).toEqual([100, 100, 50]);
    expect(String(subs[0].topic).startsWith('/market/match:C0-USDT,C1-USDT')).toBe(true);
    expect(subs.every((m) => m.response === true && m.privateChannel === false)).toBe(true);
    kucoin.latest().ackAll();
    expect(manager.status().subscribedTopics).toBe(250);
  });

  it('sends only the difference on a change, and never reconnects for it', async () => {
    const { kucoin, connect, manager } = setup();
    await connect(['A-USDT', 'B-USDT', 'C-USDT']);
    const socket = kucoin.latest();
    socket.ackAll();
    manager.updateDesired(['A-USDT', 'B-USDT', 'C-USDT']);
    manager.updateDesired(['A-USDT', 'C-USDT', 'D-USDT']);
    expect(socket.sent.slice(1).map((m) => [m.type, m.topic])).toEqual([
      ['unsubscribe', '/market/match:B-USDT'],
      ['subscribe', '/market/match:D-USDT'],
    ]);
    socket.ackAll();
    expect(manager.status().subscribedTopics).toBe(3);
    expect(kucoin.sockets).toHaveLength(1);
  });

  it('pings every pingInterval with the ms timestamp as id', async () => {
    const { kucoin, connect } = setup({}, [1_000, 800]);
    await connect(['BTC-USDT']);
    const socket = kucoin.latest();
    for (let i = 0; i < 3; i++) {
      await jest.advanceTimersByTimeAsync(1_000);
      const ping = socket.sentOfType('ping').at(-1)!;
      socket.serverSends({ id: ping.id, type: 'pong', timestamp: 1 });
    }
    const pings = socket.sentOfType('ping');
    expect(pings.map((p) => p.id)).toEqual(['1001000', '1002000', '1003000']);
    expect(kucoin.sockets).toHaveLength(1);
  });

  it('reconnects when no pong arrives within pingTimeout', async () => {
    const { kucoin, connect, reconnects } = setup({}, [1_000, 500]);
    await connect(['BTC-USDT']);
    await jest.advanceTimersByTimeAsync(1_500);
    expect(reconnects).toEqual([]);
    await jest.advanceTimersByTimeAsync(VERDICT_MS);
    expect(reconnects).toEqual(['pong_timeout']);
    expect(kucoin.sockets[0].closed).toBe(true);
    await jest.advanceTimersByTimeAsync(500); // backoff: 0.5 × 1000
    expect(kucoin.sockets).toHaveLength(2);
    expect(kucoin.fetchedUrls.filter((u) => u.endsWith('bullet-public'))).toHaveLength(2);
  });

  it('reconnects when no message at all arrives within staleFeedMs', async () => {
    const { connect, reconnects } = setup({ limits: { staleFeedMs: 5_000 } }, [600_000, 10_000]);
    await connect(['BTC-USDT']);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(reconnects).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_250);
    expect(reconnects).toEqual(['stale_feed']);
  });

  // A stall of the event loop: a timeout's timer fires before the frame that came in time is read. The
  // interleaving is driven: the timer fires, then the frame is read, then the verdict.
  describe('after the event loop was held past a timeout', () => {
    it('keeps a connection whose pong came in time but is read after the pong timer', async () => {
      const { kucoin, connect, reconnects } = setup({}, [1_000, 500]);
      await connect(['BTC-USDT']);
      await jest.advanceTimersByTimeAsync(1_500);
      kucoin.latest().serverSends({ id: 'late-read', type: 'pong' });
      await jest.advanceTimersByTimeAsync(VERDICT_MS + 400);
      expect(reconnects).toEqual([]);
      expect(kucoin.sockets).toHaveLength(1);
    });

    it('keeps a connection whose ticks came in time but are read after the watchdog', async () => {
      const { kucoin, connect, reconnects, ticks } = setup(
        { limits: { staleFeedMs: 5_000 } },
        [600_000, 10_000],
      );
      await connect(['BTC-USDT']);
      kucoin.latest().ackAll();
      await jest.advanceTimersByTimeAsync(500);
      kucoin.latest().serverSends({ id: 'x', type: 'pong' }); // the last frame read for a while
      await jest.advanceTimersByTimeAsync(5_500); // the watchdog (every 1 s) finds 5.5 s without a frame
      kucoin.latest().serverSends(pushFor('BTC-USDT'));
      await jest.advanceTimersByTimeAsync(VERDICT_MS);
      expect(reconnects).toEqual([]);
      expect(ticks.filter((t) => t.source === 'stream')).toHaveLength(1);
    });

    it('keeps a connection whose welcome came in time but is read after the welcome timer', async () => {
      const { kucoin, manager, reconnects } = setup();
      manager.updateDesired(['BTC-USDT']);
      await flush();
      await jest.advanceTimersByTimeAsync(10_000);
      kucoin.latest().welcome();
      await jest.advanceTimersByTimeAsync(VERDICT_MS);
      expect(reconnects).toEqual([]);
      expect(manager.state).toBe('connected');
    });

    it('still tears down a connection when nothing was waiting to be read', async () => {
      const { connect, reconnects } = setup({ limits: { staleFeedMs: 5_000 } }, [1_000, 500]);
      await connect(['BTC-USDT']);
      await jest.advanceTimersByTimeAsync(1_500 + VERDICT_MS);
      expect(reconnects).toEqual(['pong_timeout']);
    });
  });

  it('reconnects when proven symbols stop streaming although pongs continue', async () => {
    const { kucoin, connect, reconnects } = setup(
      { limits: { staleFeedMs: 5_000, dataStaleMs: 10_000 } },
      [1_000, 5_000],
    );
    await connect(['BTC-USDT']);
    const socket = kucoin.latest();
    socket.ackAll();
    socket.serverSends(pushFor('BTC-USDT'));
    for (let t = 0; t < 10; t++) {
      await jest.advanceTimersByTimeAsync(1_000);
      socket.serverSends({ id: 'x', type: 'pong' });
    }
    expect(reconnects).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(reconnects).toEqual(['silent_data']);
  });

  it('logs once a symbol that is acknowledged but never sends data, and does not reconnect for it', async () => {
    const { kucoin, connect, reconnects, logger } = setup({ limits: { staleFeedMs: 5_000 } }, [1_000, 5_000]);
    kucoin.ticker = () => ({ status: 500 });
    await connect(['GHOST-USDT']);
    const socket = kucoin.latest();
    socket.ackAll();
    for (let t = 0; t < 20; t++) {
      await jest.advanceTimersByTimeAsync(1_000);
      socket.serverSends({ id: 'x', type: 'pong' });
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0][0])).toContain('GHOST-USDT');
    expect(reconnects).toEqual([]);
  });

  it('backs off exponentially with full jitter up to the cap, and resets after a healthy period', async () => {
    const { kucoin, manager, reconnects } = setup({ io: { random: () => 0.999 } });
    kucoin.failTokens(8, 503);
    manager.updateDesired(['BTC-USDT']);
    await jest.advanceTimersByTimeAsync(190_000);
    const times = kucoin.fetchedAt.slice(0, 9);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // Ceilings 1 s, 2 s, 4 s … capped at 60 s; with random ≈ 1 each delay sits just under its ceiling.
    expect(gaps.slice(0, 7)).toEqual([999, 1_998, 3_996, 7_992, 15_984, 31_968, 59_940]);
    expect(reconnects.every((c) => c === 'token_error')).toBe(true);
    expect(kucoin.sockets).toHaveLength(1);
    kucoin.latest().welcome();
    expect(manager.state).toBe('connected');
    kucoin.latest().ackAll();
    // Healthy for more than a minute (pongs keep it alive), then dropped: the attempt counter starts over.
    for (let t = 0; t < 7; t++) {
      await jest.advanceTimersByTimeAsync(10_000);
      kucoin.latest().serverSends({ id: 'x', type: 'pong' });
    }
    const before = kucoin.sockets.length;
    kucoin.latest().handlers.onClose(1000, 'Bye');
    await jest.advanceTimersByTimeAsync(999);
    expect(kucoin.sockets.length).toBe(before + 1);
  });

  it('sends an unanswered subscribe again, and replaces a connection that never answers', async () => {
    const { kucoin, manager, reconnects } = setup();
    manager.updateDesired(['BTC-USDT']);
    await jest.advanceTimersByTimeAsync(0);
    kucoin.latest().welcome();
    const sent = (): number => kucoin.latest().sentOfType('subscribe').length;
    expect(sent()).toBe(1);
    await jest.advanceTimersByTimeAsync(VERDICT_MS);
    for (let resends = 1; resends <= 3; resends++) {
      kucoin.latest().serverSends({ id: 'x', type: 'pong' });
      await jest.advanceTimersByTimeAsync(10_000);
      expect(sent()).toBe(1 + resends);
    }
    expect(reconnects).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(reconnects).toEqual(['ack_timeout']);
  });

  it('resubscribes a silent topic: unsubscribe, then subscribe again', async () => {
    const { kucoin, manager } = setup();
    manager.updateDesired(['BTC-USDT', 'ETH-USDT']);
    await jest.advanceTimersByTimeAsync(0);
    kucoin.latest().welcome();
    kucoin.latest().ackAll();
    manager.resubscribe(['ETH-USDT', 'NOT-HERE']);
    kucoin.latest().ackAll();
    const frames = kucoin.latest().sent.filter((m) => m.type !== 'ping');
    expect(frames.slice(-2).map((m) => [m.type, m.topic])).toEqual([
      ['unsubscribe', '/market/match:ETH-USDT'],
      ['subscribe', '/market/match:ETH-USDT'],
    ]);
  });

  it('jitter spreads the first retry over [0, base)', async () => {
    for (const [r, expected] of [
      [0, 0],
      [0.25, 250],
    ] as const) {
      const { kucoin, connect } = setup({ io: { random: () => r } });
      await connect(['BTC-USDT']);
      const start = Date.now();
      kucoin.latest().handlers.onClose(1006, '');
      while (kucoin.sockets.length < 2) await jest.advanceTimersByTimeAsync(1);
      expect(Date.now() - start).toBeGreaterThanOrEqual(expected);
      expect(Date.now() - start).toBeLessThanOrEqual(expected + 1);
    }
  });

  it('keeps within 100 client messages per 10 s, pings included', async () => {
    const { kucoin, connect, manager } = setup({ limits: { symbolsPerMessage: 1 } }, [1_000, 5_000]);
    await connect(symbols(300));
    const socket = kucoin.latest();
    let seen = 0;
    for (let t = 0; t < 400; t++) {
      await jest.advanceTimersByTimeAsync(100);
      for (; seen < socket.sent.length; seen++) {
        if (socket.sent[seen].type === 'ping') socket.serverSends({ id: socket.sent[seen].id, type: 'pong' });
      }
      socket.ackAll();
    }
    expect(socket.sentOfType('subscribe')).toHaveLength(300);
    expect(manager.status().subscribedTopics).toBe(300);
    expect(socket.sentOfType('ping').length).toBeGreaterThan(30);
    expect(maxInWindow(socket.sentAt, 10_000)).toBeLessThanOrEqual(100);
    expect(maxInWindow(socket.sentAt, 11_000)).toBeGreaterThanOrEqual(95);
  });

  it('opens at most 30 new connections per minute, even when each one dies at once', async () => {
    // The window alone (no pacing of retries): the limit itself is what this checks.
    const limiter = new SlidingWindowLimiter(30, 60_000);
    const window = {
      waitMs: (now: number) => limiter.waitMs(now),
      record: (now: number) => limiter.record(now),
    };
    const { kucoin, manager } = setup({
      io: { newConnections: window },
      limits: { reconnectBackoff: { baseMs: 10, maxMs: 10 } },
    });
    manager.updateDesired(['BTC-USDT']);
    for (let t = 0; t < 1_200; t++) {
      await jest.advanceTimersByTimeAsync(100);
      const socket = kucoin.latest();
      if (socket && !socket.closed) socket.handlers.onClose(1006, '');
    }
    expect(kucoin.sockets.length).toBeGreaterThanOrEqual(55);
    expect(
      maxInWindow(
        kucoin.sockets.map((s) => s.createdAt),
        60_000,
      ),
    ).toBe(30);
  });

  it('handles error 401 "token is expired" by reconnecting with a new token', async () => {
    const { kucoin, connect, reconnects, manager } = setup();
    await connect(['BTC-USDT']);
    kucoin.latest().serverSends({ id: 'c', type: 'error', code: 401, data: 'token is expired' });
    expect(reconnects).toEqual(['token_expired']);
    expect(manager.status().lastError).toContain('token is expired');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(kucoin.latest().url).toContain('token=t2');
  });

  it('disconnects and stays idle when the desired set becomes empty', async () => {
    const { kucoin, connect, manager, reconnects } = setup();
    await connect(['BTC-USDT']);
    manager.updateDesired([]);
    expect(manager.state).toBe('idle');
    expect(kucoin.latest().closed).toBe(true);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(kucoin.sockets).toHaveLength(1);
    expect(reconnects).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('emits a catch-up tick after the ack, unless a stream tick came first', async () => {
    const { kucoin, connect, ticks, catchUps } = setup();
    kucoin.ticker = (symbol) => ({ price: symbol === 'A-USDT' ? '5' : '6' });
    await connect(['A-USDT', 'B-USDT']);
    const socket = kucoin.latest();
    socket.ackAll();
    socket.serverSends(pushFor('B-USDT', '7'));
    await flush();
    expect(ticks.map((t) => [t.symbol, t.price, t.source])).toEqual([
      ['B-USDT', 7, 'stream'],
      ['A-USDT', 5, 'catch_up'],
    ]);
    expect(catchUps.sort()).toEqual(['ok', 'superseded']);
  });

  it('stop() leaves no timer behind and ignores late events', async () => {
    const { kucoin, connect, manager, ticks } = setup({}, [1_000, 500]);
    await connect(['BTC-USDT']);
    manager.stop();
    expect(jest.getTimerCount()).toBe(0);
    kucoin.latest().serverSends(pushFor('BTC-USDT'));
    kucoin.latest().handlers.onClose(1006, '');
    expect(ticks).toEqual([]);
    expect(manager.state).toBe('closed');
  });
});
