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

const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
/** Every recovery below must complete within this bound once the fault ends. */
const RECOVERY_MS = 3_000;

describe('WebSocketManager against the simulator: connection faults', () => {
  let sim: ExchangeSimulator;
  let manager: WebSocketManager;
  let rec: Recorder;

  async function connect(options: Parameters<typeof startSimulator>[0] = {}): Promise<void> {
    sim = await startSimulator(options);
    rec = new Recorder();
    manager = fastManager(sim, rec);
    manager.updateDesired(SYMBOLS);
    await waitFor('initial subscription', () => subscribedExactly(sim, manager, SYMBOLS));
  }

  afterEach(async () => {
    manager.stop();
    await sim.stop();
  });

  it('recovers after all connections are dropped without a close frame', async () => {
    await connect();
    const accepted = sim.stats.connectionsAccepted;
    sim.dropAllConnections();
    await waitFor('reconnect', () => sim.stats.connectionsAccepted > accepted);
    expect(rec.reconnects).toContain('close');
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  it('recovers after a close frame (1000 "Bye")', async () => {
    await connect();
    sim.closeAllConnections(1000, 'Bye');
    await waitFor('close noticed', () => rec.reconnects.includes('close'));
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
  });

  it('reconnects when pongs stop, and recovers once they come back', async () => {
    await connect();
    sim.setPongs(false);
    await waitFor('pong timeout', () => rec.reconnects.includes('pong_timeout'));
    sim.setPongs(true);
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
  });

  it('reconnects when data stops while pongs continue (silent feed), and recovers', async () => {
    await connect();
    sim.startTicking(300);
    await waitFor('data flows', () => SYMBOLS.every((s) => rec.ticksFor(s).length > 0));
    sim.setDataPaused(true);
    await waitFor('silent data noticed', () => rec.reconnects.includes('silent_data'));
    sim.setDataPaused(false);
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
    // The fresh connection has seen no data yet while paused, so it must not loop on silent_data.
    expect(rec.reconnects.filter((cause) => cause === 'silent_data').length).toBeLessThanOrEqual(2);
  });

  it('reconnects when nothing at all arrives within staleFeedMs', async () => {
    // A long pingTimeout so that the stale-feed watchdog, not the pong timeout, notices first.
    await connect({ pingInterval: 200, pingTimeout: 10_000 });
    sim.setDataPaused(true);
    sim.setPongs(false);
    await waitFor('stale feed noticed', () => rec.reconnects.includes('stale_feed'));
    sim.setDataPaused(false);
    sim.setPongs(true);
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
  });

  it('waits for a delayed welcome before sending anything, and times out a welcome that never comes', async () => {
    sim = await startSimulator();
    sim.setWelcomeDelay(400);
    rec = new Recorder();
    manager = fastManager(sim, rec, { welcomeTimeoutMs: 1_000 });
    manager.updateDesired(SYMBOLS);
    await waitFor('socket accepted', () => sim.stats.connectionsAccepted === 1);
    expect(manager.state).toBe('connecting');
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
    expect(sim.stats.messagesBeforeWelcome).toBe(0);

    sim.setWelcomeDelay(60_000);
    sim.dropAllConnections();
    await waitFor('welcome timeout', () => rec.reconnects.includes('welcome_timeout'), 3_000);
    sim.setWelcomeDelay(0);
    sim.dropAllConnections();
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
    expect(sim.stats.messagesBeforeWelcome).toBe(0);
  });

  it('its pings keep the server idle timer from firing; without them the server says 400 "ping timeout"', async () => {
    await connect({ pingInterval: 200, pingTimeout: 300, limits: { clientIdleTimeoutMs: 500 } });
    sim.startTicking(100);
    const accepted = sim.stats.connectionsAccepted;
    // Six pings span 1.2 s, more than twice the server's idle timeout.
    const pings = sim.stats.pingsReceived;
    await waitFor('six more pings', () => sim.stats.pingsReceived >= pings + 6);
    expect(sim.stats.idleTimeouts).toBe(0);
    expect(sim.stats.connectionsAccepted).toBe(accepted);
    manager.stop();
    rec = new Recorder();
    // A client that pings far too rarely is cut off by the server and must recover on its own.
    sim.stopTicking();
    await sim.stop();
    sim = await startSimulator({
      pingInterval: 5_000,
      pingTimeout: 5_000,
      limits: { clientIdleTimeoutMs: 300 },
    });
    manager = fastManager(sim, rec, { staleFeedMs: 5_000 });
    manager.updateDesired(SYMBOLS);
    await waitFor('server idle timeout', () => sim.stats.idleTimeouts >= 1);
    await waitFor(
      'reconnected after it',
      () => rec.reconnects.includes('server_error') || rec.reconnects.includes('close'),
    );
    expect(manager.status().lastError).toMatch(/ping timeout|closed 1000/);
    await waitFor('connected again', () => manager.state === 'connected', RECOVERY_MS);
  });

  it('handles error 401 "token is expired" by reconnecting with a fresh token', async () => {
    await connect();
    const tokens = sim.stats.tokenRequests;
    sim.expireTokens();
    await waitFor('token expiry noticed', () => rec.reconnects.includes('token_expired'));
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
    expect(sim.stats.tokenRequests).toBeGreaterThan(tokens);
    expect(manager.status().lastError).toContain('401');
  });

  it('handles HTTP 401 on the upgrade by fetching a fresh token and retrying with backoff', async () => {
    await connect();
    sim.rejectUpgrades(3);
    sim.dropAllConnections();
    await waitFor('three refused upgrades seen by the client', () => {
      return rec.reconnects.filter((cause) => cause === 'upgrade_rejected').length === 3;
    });
    expect(sim.stats.upgradesRejected).toBe(3);
    await expectRecovery(sim, manager, rec, SYMBOLS, RECOVERY_MS);
  });
});
