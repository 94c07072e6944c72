import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import type { WebSocketManager } from '../../src/market-feed/kucoin/websocket-manager';
import {
  Recorder,
  expectRecovery,
  fastManager,
  startSimulator,
  subscribedExactly,
  waitFor,
} from './feed-harness';

const symbols = (n: number): string[] => Array.from({ length: n }, (_, i) => `C${i}-USDT`);

describe('WebSocketManager against the simulator: subscription faults', () => {
  let sim: ExchangeSimulator;
  let manager: WebSocketManager;
  let rec: Recorder;
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

  afterEach(async () => {
    manager.stop();
    await sim.stop();
    jest.clearAllMocks();
  });

  it('on 509 over the per-connection topic limit, fills the connection and gives up on the rest without looping', async () => {
    sim = await startSimulator({ limits: { maxTopicsPerConnection: 5 } });
    rec = new Recorder();
    manager = fastManager(sim, rec, { logger });
    const wanted = symbols(8);
    manager.updateDesired(wanted);
    await waitFor(
      'connection filled',
      () => manager.status().subscribedTopics === 5 && sim.stats.topicLimitErrors >= 3,
    );
    const sent = sim.stats.subscribeMessages;
    await waitFor('settled', () => sim.stats.subscribeMessages === sent, 500);
    expect(sent).toBeLessThanOrEqual(2 * wanted.length);
    expect(manager.state).toBe('connected');
    const refused = logger.warn.mock.calls.filter(([m]) => String(m).includes('refused'));
    expect(refused).toHaveLength(3);

    // The fault ends: the server allows more topics. After the next reconnect every symbol gets in.
    sim.limits.maxTopicsPerConnection = 300;
    sim.closeAllConnections();
    await expectRecovery(sim, manager, rec, wanted, 3_000);
  });

  it('on 509 "per time", halves an over-long subscribe until it fits', async () => {
    sim = await startSimulator({ limits: { maxSymbolsPerSubscribe: 10 } });
    rec = new Recorder();
    manager = fastManager(sim, rec);
    const wanted = symbols(25);
    manager.updateDesired(wanted);
    await expectRecovery(sim, manager, rec, wanted, 3_000);
  });

  it('an unknown symbol answered with 404 is isolated from its batch, logged once and not retried', async () => {
    sim = await startSimulator();
    sim.setUnknownSymbol('NOPE-USDT', 'not_found');
    rec = new Recorder();
    manager = fastManager(sim, rec, { logger });
    const good = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
    manager.updateDesired([...good, 'NOPE-USDT']);
    await expectRecovery(sim, manager, rec, good, 3_000);
    const sent = sim.stats.subscribeMessages;
    expect(sent).toBe(1 + 4); // the batch, then each symbol alone
    manager.updateDesired([...good, 'NOPE-USDT']); // same set again: nothing to send
    const pings = sim.stats.pingsReceived;
    await waitFor('two more heartbeats', () => sim.stats.pingsReceived >= pings + 2);
    expect(sim.stats.subscribeMessages).toBe(sent);
    const nope = logger.warn.mock.calls.filter(([m]) => String(m).includes('NOPE-USDT'));
    expect(nope).toHaveLength(1);
  });

  it('a symbol acknowledged but never sending data is logged once and causes no reconnect loop', async () => {
    sim = await startSimulator();
    sim.setUnknownSymbol('GHOST-USDT', 'silent');
    rec = new Recorder();
    manager = fastManager(sim, rec, { logger });
    manager.updateDesired(['BTC-USDT', 'GHOST-USDT']);
    await waitFor('both acknowledged', () => subscribedExactly(sim, manager, ['BTC-USDT', 'GHOST-USDT']));
    sim.startTicking(100);
    await waitFor(
      'ghost reported',
      () => logger.warn.mock.calls.some(([m]) => String(m).includes('GHOST-USDT')),
      4_000,
    );
    // Several stale-feed periods (staleFeedMs 1 s) go by: 8 pings at 200 ms.
    const pings = sim.stats.pingsReceived;
    await waitFor('eight more heartbeats', () => sim.stats.pingsReceived >= pings + 8);
    const ghostWarnings = logger.warn.mock.calls.filter(([m]) => String(m).includes('GHOST-USDT'));
    expect(ghostWarnings).toHaveLength(1);
    expect(rec.reconnects).toEqual([]);
    expect(sim.stats.subscribeMessages).toBe(1);
    expect(rec.ticksFor('BTC-USDT').length).toBeGreaterThan(0);
  });

  it('keeps within the client message rate limit (pings included) while subscribing one symbol per message', async () => {
    sim = await startSimulator({ limits: { maxClientMessagesPer10s: 20, clientMessageWindowMs: 1_000 } });
    rec = new Recorder();
    manager = fastManager(sim, rec, {
      symbolsPerMessage: 1,
      messagesPerWindow: 20,
      messageWindowMs: 1_000,
    });
    const wanted = symbols(40);
    manager.updateDesired(wanted);
    await expectRecovery(sim, manager, rec, wanted, 8_000);
    expect(sim.stats.rateLimitViolations).toBe(0);
    expect(sim.stats.subscribeMessages).toBe(40);
    expect(rec.reconnects).toEqual([]);
  });
});
