import WebSocket from 'ws';
import type { Tick } from '../../src/domain/market';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import type { ReconnectCause } from '../../src/market-feed/kucoin/reconnect-cause';
import { TokenBucket } from '../../src/market-feed/kucoin/rate-limiters';
import type { WebSocketManager } from '../../src/market-feed/kucoin/websocket-manager';
import { KucoinFeedGateway } from '../../src/market-feed/kucoin-feed.gateway';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { Recorder, expectRecovery, fastManager, heartbeats, startSimulator, waitFor } from './feed-harness';

/** Short enough to see several timeouts per test, long against the 250 ms watchdog that checks it. */
const ACK_TIMEOUT_MS = 1_000;
/** A subscribe is sent once and then re-sent this many times before the connection gives up on it. */
const RESENDS = 3;
/**
 * As in production: no connection-level data watchdog (a quiet symbol is no fault), so only the acks can
 * replace a connection here.
 */
const NO_DATA_WATCHDOG = { dataStaleMs: 0 };

interface Frame {
  readonly id?: string;
  readonly type?: string;
  readonly topic?: string;
}

/** A raw client that records every frame the simulator sends it, welcomed. */
async function rawClient(sim: ExchangeSimulator): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const res = await fetch(`${sim.apiUrl}/api/v1/bullet-public`, { method: 'POST' });
  const body = (await res.json()) as {
    data: { token: string; instanceServers: { endpoint: string }[] };
  };
  const ws = new WebSocket(`${body.data.instanceServers[0].endpoint}?token=${body.data.token}&connectId=raw`);
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame));
  await waitFor('welcome', () => frames.some((f) => f.type === 'welcome'));
  return { ws, frames };
}

/**
 * Sends a subscribe and then a ping: the simulator answers a connection's messages in order, so once the
 * pong is in, whatever the subscribe was to get has come. True if it was acked.
 */
async function subscribeAndSettle(
  client: { ws: WebSocket; frames: Frame[] },
  id: string,
  topic: string,
): Promise<boolean> {
  client.ws.send(JSON.stringify({ id, type: 'subscribe', topic, privateChannel: false, response: true }));
  client.ws.send(JSON.stringify({ id: `ping-${id}`, type: 'ping' }));
  await waitFor(`pong after ${id}`, () =>
    client.frames.some((f) => f.type === 'pong' && f.id === `ping-${id}`),
  );
  return client.frames.some((f) => f.type === 'ack' && f.id === id);
}

describe('the simulator withholds subscribe acks on request', () => {
  let sim: ExchangeSimulator;
  let client: { ws: WebSocket; frames: Frame[] };

  afterEach(async () => {
    client?.ws.terminate();
    await sim.stop();
  });

  it('drops a withheld subscribe (no ack, not applied); the next one is acked and applied', async () => {
    sim = await startSimulator();
    sim.withholdAcks('BTC-USDT', 1);
    client = await rawClient(sim);

    expect(await subscribeAndSettle(client, 'a', '/market/match:ETH-USDT,BTC-USDT')).toBe(false);
    expect(sim.subscriptionCounts().size).toBe(0);
    expect(await subscribeAndSettle(client, 'b', '/market/match:SOL-USDT')).toBe(true);
    expect(await subscribeAndSettle(client, 'c', '/market/match:ETH-USDT,BTC-USDT')).toBe(true);
    expect(sim.stats).toMatchObject({ subscribeMessages: 3, acksWithheld: 1 });
    expect([...sim.subscriptionCounts().keys()].sort()).toEqual(['BTC-USDT', 'ETH-USDT', 'SOL-USDT']);
  });

  it("with { apply: true } applies the subscribe and loses only its ack; 'always' until cleared", async () => {
    sim = await startSimulator();
    sim.withholdAcks((symbol) => symbol.startsWith('GHOST'), 'always', { apply: true });
    client = await rawClient(sim);

    expect(await subscribeAndSettle(client, 'a', '/market/match:GHOST-USDT')).toBe(false);
    expect(await subscribeAndSettle(client, 'b', '/market/match:GHOST-USDT')).toBe(false);
    expect(sim.subscriptionCounts().get('GHOST-USDT')).toBe(1);
    sim.setPrice('GHOST-USDT', 10);
    await waitFor('the applied topic streams', () =>
      client.frames.some((f) => f.type === 'message' && f.topic === '/market/match:GHOST-USDT'),
    );
    sim.clearWithheldAcks();
    expect(await subscribeAndSettle(client, 'c', '/market/match:GHOST-USDT')).toBe(true);
    expect(sim.stats).toMatchObject({ subscribeMessages: 3, acksWithheld: 2 });
  });
});

describe('WebSocketManager against the simulator: subscribe ack timeouts', () => {
  let sim: ExchangeSimulator;
  let manager: WebSocketManager;
  let rec: Recorder;
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

  afterEach(async () => {
    manager.stop();
    await sim.stop();
    jest.clearAllMocks();
  });

  it.each([
    ['lost (neither acked nor applied)', false],
    ['applied, only its ack lost', true],
  ])(
    'a first subscribe %s is sent again after the ack timeout, acked, and its trades flow; no reconnect',
    async (_label, apply) => {
      sim = await startSimulator();
      sim.withholdAcks('BTC-USDT', 1, { apply });
      rec = new Recorder();
      manager = fastManager(sim, rec, {
        ...NO_DATA_WATCHDOG,
        logger,
        symbolsPerMessage: 1,
        ackTimeoutMs: ACK_TIMEOUT_MS,
      });
      const wanted = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
      manager.updateDesired(wanted);

      await expectRecovery(sim, manager, rec, wanted, 3 * ACK_TIMEOUT_MS + 5_000);
      expect(sim.stats.acksWithheld).toBe(1);
      // One subscribe per symbol, and BTC-USDT's once more.
      expect(sim.stats.subscribeMessages).toBe(wanted.length + 1);
      expect(manager.status()).toMatchObject({
        state: 'connected',
        reconnects: 0,
        subscribedTopics: 3,
        lastError: `subscribe unanswered for ${ACK_TIMEOUT_MS} ms; sent again`,
      });
      expect(rec.reconnects).toEqual([]);
      expect(sim.stats.connectionsAccepted).toBe(1);

      // Settled: more than two ack timeouts later nothing was sent again and the topic still streams.
      await heartbeats(sim, 12);
      expect(sim.stats.subscribeMessages).toBe(wanted.length + 1);
      expect(rec.reconnects).toEqual([]);
      const mark = rec.mark();
      const trade = sim.trade('BTC-USDT', 67_000);
      await waitFor('a BTC-USDT trade after settling', () =>
        rec.since(mark, 'stream').some((t) => t.symbol === 'BTC-USDT' && t.sequence === trade.sequence),
      );
    },
  );

  /**
   * A connection that has answered nothing at all (every ack withheld) is broken, not a symbol: after the
   * last re-send times out it is replaced with cause ack_timeout.
   */
  it('a connection that never acknowledges anything is replaced (ack_timeout) after three re-sends', async () => {
    sim = await startSimulator();
    sim.withholdAcks(() => true, 'always');
    rec = new Recorder();
    /** The simulator's view at each reconnect, taken synchronously as the manager reports it. */
    const atReconnect: { cause: ReconnectCause; acksWithheld: number; connections: number }[] = [];
    manager = fastManager(sim, rec, {
      ...NO_DATA_WATCHDOG,
      logger,
      ackTimeoutMs: ACK_TIMEOUT_MS,
      sink: {
        ...rec.sink,
        onReconnect: (cause) => {
          atReconnect.push({
            cause,
            acksWithheld: sim.stats.acksWithheld,
            connections: sim.stats.connectionsAccepted,
          });
          rec.sink.onReconnect(cause);
        },
      },
    });
    manager.updateDesired(['BTC-USDT', 'ETH-USDT']);

    await waitFor(
      'the connection replaced',
      () => atReconnect.length > 0,
      (RESENDS + 2) * ACK_TIMEOUT_MS + 5_000,
    );
    // One batch (both symbols), sent 1 + 3 times without an answer; then split is not tried: nothing answers.
    expect(atReconnect[0]).toEqual({ cause: 'ack_timeout', acksWithheld: 1 + RESENDS, connections: 1 });
    expect(manager.status().subscribedTopics).toBe(0);
  });
});

/**
 * One symbol whose acks never come, on a connection that answers the others: the symbol is reported
 * unavailable (ack_timeout), the connection is left alone, and nothing loops (it is asked for again only
 * every 5 minutes).
 */
describe('the spot feed gateway against the simulator: a symbol whose acks never come', () => {
  let sim: ExchangeSimulator;
  let gateway: KucoinFeedGateway;

  afterEach(async () => {
    await gateway.stop();
    await sim.stop();
  });

  it('is reported unavailable (ack_timeout) while the other batches stream, with no reconnect and no resubscribe loop', async () => {
    sim = await startSimulator();
    sim.withholdAcks('GHOST-USDT', 'always');
    const metrics = new WorkerMetrics();
    gateway = new KucoinFeedGateway({
      market: 'spot',
      apiUrl: sim.apiUrl,
      maxTopicsPerConnection: 300,
      metrics,
      metricsFlushMs: 100,
      silentTopicMs: 0, // no topic audit: only the acks decide
      limits: {
        symbolsPerMessage: 1,
        staleFeedMs: 1_000,
        dataStaleMs: 0,
        ackTimeoutMs: ACK_TIMEOUT_MS,
        reconnectBackoff: { baseMs: 20, maxMs: 200 },
      },
      io: { restBucket: new TokenBucket(100_000, 1_000) },
    });
    const stream: Tick[] = [];
    gateway.ticks$.subscribe((tick) => stream.push(tick));
    const streaming = ['BTC-USDT', 'ETH-USDT'];
    gateway.updateDesired([...streaming, 'GHOST-USDT']);

    const reconnects = (): number => gateway.status().connections.reduce((n, c) => n + c.reconnects, 0);
    await waitFor(
      'the ghost reported, or the connection replaced',
      () => gateway.status().unavailable.length > 0 || reconnects() > 0,
      (RESENDS + 2) * ACK_TIMEOUT_MS + 5_000,
    );
    expect(gateway.status().unavailable).toEqual([{ symbol: 'GHOST-USDT', reason: 'ack_timeout' }]);
    const gauge = await metrics.symbolsUnavailable.get();
    expect(gauge.values).toEqual([{ labels: { market: 'spot' }, value: 1 }]);

    // Nothing loops: more than two ack timeouts later no subscribe was sent and no connection replaced.
    const subscribes = sim.stats.subscribeMessages;
    expect(sim.stats.acksWithheld).toBeLessThanOrEqual(1 + RESENDS);
    await heartbeats(sim, 12);
    expect(sim.stats.subscribeMessages).toBe(subscribes);
    expect(reconnects()).toBe(0);
    expect(sim.stats.connectionsAccepted).toBe(1);
    expect(gateway.status().connections[0]).toMatchObject({ state: 'connected', subscribedTopics: 2 });

    const trades = streaming.map((symbol, i) => sim.trade(symbol, 100 + i));
    await waitFor('the other symbols stream', () =>
      trades.every((t) =>
        stream.some((k) => k.source === 'stream' && k.symbol === t.symbol && k.sequence === t.sequence),
      ),
    );
  });
});
