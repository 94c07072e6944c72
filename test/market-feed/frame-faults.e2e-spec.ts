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

const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];

describe('WebSocketManager against the simulator: bad frames', () => {
  let sim: ExchangeSimulator;
  let manager: WebSocketManager;
  let rec: Recorder;

  beforeEach(async () => {
    sim = await startSimulator();
    rec = new Recorder();
    manager = fastManager(sim, rec);
    manager.updateDesired(SYMBOLS);
    await waitFor('subscribed', () => subscribedExactly(sim, manager, SYMBOLS));
  });

  afterEach(async () => {
    manager.stop();
    await sim.stop();
  });

  it('counts and skips a fraction of malformed and binary frames without dropping the connection', async () => {
    sim.setBadFrames(0.3, 'both');
    sim.startTicking(500);
    await waitFor(
      'both kinds of bad frame rejected',
      () =>
        rec.rejected.includes('malformed_json') &&
        rec.rejected.includes('binary') &&
        rec.rejected.length >= 20,
    );
    expect(rec.reconnects).toEqual([]);
    expect(manager.state).toBe('connected');
    expect(rec.ticks.length).toBeGreaterThan(rec.rejected.length);
    sim.setBadFrames(0);
    await expectRecovery(sim, manager, rec, SYMBOLS, 2_000);
    expect(rec.reconnects).toEqual([]);
  });

  it('rejects unknown types, non-positive and non-numeric prices, and keeps going', async () => {
    sim.sendRaw('{"type":"notice","data":"hello"}');
    sim.sendRaw('42');
    sim.sendRaw(
      '{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"price":"0","time":1}}',
    );
    sim.sendRaw(
      '{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"price":"abc","time":1}}',
    );
    await waitFor('four rejections', () => rec.rejected.length === 4);
    expect(rec.rejected).toEqual(['unknown_type', 'malformed_json', 'invalid_price', 'invalid_price']);
    expect(rec.ticks.filter((tick) => tick.source === 'stream')).toEqual([]);
    await expectRecovery(sim, manager, rec, SYMBOLS, 2_000);
    expect(rec.reconnects).toEqual([]);
  });
});
