/* eslint-disable @typescript-eslint/no-explicit-any -- raw protocol frames of arbitrary shape, compared key by key */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ExchangeSimulator } from '../../src/exchange-simulator';
import { startSimulator, waitFor } from './feed-harness';

const fixture = (name: string): any =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/kucoin', name), 'utf8'));
/** Key order matters for "byte for byte": compare the keys of a frame and of its data, in order. */
const shape = (frame: any): string[][] => [Object.keys(frame), Object.keys(frame.data ?? {})];

/** A raw client that records every frame the simulator sends. */
async function rawClient(
  sim: ExchangeSimulator,
  connectId = '42',
): Promise<{ ws: WebSocket; frames: any[] }> {
  const res = await fetch(`${sim.apiUrl}/api/v1/bullet-public`, { method: 'POST' });
  const body: any = await res.json();
  const { endpoint } = body.data.instanceServers[0];
  const ws = new WebSocket(`${endpoint}?token=${body.data.token}&connectId=${connectId}`);
  const frames: any[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString())));
  await waitFor('welcome', () => frames.length > 0);
  return { ws, frames };
}

describe('ExchangeSimulator speaks the classic KuCoin protocol', () => {
  let sim: ExchangeSimulator;
  afterEach(async () => {
    await sim.stop();
  });

  it('serves bullet-public with a ws endpoint on its own port and configurable ping timings', async () => {
    sim = await startSimulator({ pingInterval: 1_234, pingTimeout: 567 });
    const body: any = await (await fetch(`${sim.apiUrl}/api/v1/bullet-public`, { method: 'POST' })).json();
    expect(shape(body)).toEqual(shape(fixture('bullet-public.json')));
    expect(Object.keys(body.data.instanceServers[0])).toEqual(
      Object.keys(fixture('bullet-public.json').data.instanceServers[0]),
    );
    expect(body.data.instanceServers[0]).toMatchObject({
      endpoint: sim.wsUrl,
      pingInterval: 1_234,
      pingTimeout: 567,
    });
  });

  it('welcome, subscribe ack, pong in µs, spot ticker push, unsubscribe, errors', async () => {
    sim = await startSimulator({ limits: { maxTopicsPerConnection: 2 } });
    const { ws, frames } = await rawClient(sim);
    const control = fixture('control-frames.json');
    expect(frames[0]).toEqual({ id: '42', type: 'welcome' });

    ws.send(JSON.stringify({ ...control.subscribe, id: 's1' }));
    await waitFor('ack', () => frames.length === 2);
    expect(frames[1]).toEqual({ id: 's1', type: 'ack' });

    const before = Date.now() * 1_000;
    ws.send(JSON.stringify({ id: '777', type: 'ping' }));
    await waitFor('pong', () => frames.length === 3);
    expect(Object.keys(frames[2])).toEqual(Object.keys(control.pong));
    expect(frames[2].id).toBe('777');
    expect(frames[2].timestamp).toBeGreaterThanOrEqual(before);

    sim.setPrice('BTC-USDT', 67_220);
    await waitFor('push', () => frames.length === 4);
    expect(shape(frames[3])).toEqual(shape(fixture('spot-ticker.json')));
    expect(frames[3]).toMatchObject({ topic: '/market/ticker:BTC-USDT', subject: 'trade.ticker' });
    expect(frames[3].data.price).toBe('67220');

    ws.send(JSON.stringify({ ...control.subscribe, id: 's2', topic: '/market/ticker:SOL-USDT' }));
    await waitFor('509', () => frames.length === 5);
    expect(frames[4]).toEqual({
      id: 's2',
      type: 'error',
      code: 509,
      data: 'exceed max subscription count limitation of 2 per session',
    });
    ws.send(
      JSON.stringify({ id: 'u1', type: 'unsubscribe', topic: '/market/ticker:BTC-USDT', response: true }),
    );
    await waitFor('unsubscribe ack', () => frames.length === 6);
    expect(frames[5]).toEqual({ id: 'u1', type: 'ack' });
    expect(sim.connectionInfo()[0].topics).toBe(1);
    expect(sim.stats).toMatchObject({ connectionsAccepted: 1, subscribeMessages: 2, unsubscribeMessages: 1 });

    sim.expireTokens();
    await waitFor('401', () => frames.length === 7);
    expect(frames[6]).toEqual({ id: '42', type: 'error', code: 401, data: 'token is expired' });
    ws.close();
  });

  it('futures v1 ticker push and both REST tickers match KuCoin shapes', async () => {
    sim = await startSimulator({ market: 'futures' });
    const { ws, frames } = await rawClient(sim);
    ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        topic: '/contractMarket/ticker:XBTUSDTM',
        response: true,
      }),
    );
    await waitFor('ack', () => frames.length === 2);
    sim.setPrice('XBTUSDTM', 88_987.5);
    await waitFor('push', () => frames.length === 3);
    expect(shape(frames[2])).toEqual(shape(fixture('futures-ticker-v1.json')));
    const rest: any = await (await fetch(`${sim.apiUrl}/api/v1/ticker?symbol=XBTUSDTM`)).json();
    expect(shape(rest)).toEqual(shape(fixture('futures-ticker-rest.json')));
    const none: any = await (await fetch(`${sim.apiUrl}/api/v1/ticker?symbol=NOPEUSDTM`)).json();
    expect(none).toEqual({ code: '200000', data: null });
    ws.close();

    const spot = await startSimulator();
    spot.setPrice('BTC-USDT', 1);
    const level1: any = await (
      await fetch(`${spot.apiUrl}/api/v1/market/orderbook/level1?symbol=BTC-USDT`)
    ).json();
    expect(shape(level1)).toEqual(shape(fixture('spot-level1-rest.json')));
    await spot.stop();
  });

  it('refuses an unknown token with HTTP 401 on the upgrade', async () => {
    sim = await startSimulator();
    const ws = new WebSocket(`${sim.wsUrl}?token=bogus&connectId=1`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(401);
    expect(sim.stats.upgradesRejected).toBe(1);
  });
});
