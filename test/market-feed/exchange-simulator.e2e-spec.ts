/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- raw protocol frames of arbitrary shape, compared key by key */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ExchangeSimulator } from '../../tools/exchange-simulator';
import { getJson as get, startSimulator, waitFor } from './feed-harness';

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

/** Subscribes a raw client to `topic` and waits for the ack. */
async function subscribe(client: { ws: WebSocket; frames: any[] }, topic: string, id = topic): Promise<void> {
  client.ws.send(JSON.stringify({ id, type: 'subscribe', topic, privateChannel: false, response: true }));
  await waitFor(`ack ${topic}`, () => client.frames.some((f) => f.type === 'ack' && f.id === id));
}

const pushes = (frames: any[], topicPrefix: string): any[] =>
  frames.filter((f) => f.type === 'message' && String(f.topic).startsWith(topicPrefix));

/** Key orders of the SDK spec's examples (spec/ws/openapi-{spot,futures}-public.json x-response-example). */
const SPEC_KEYS = {
  spotMatch: [
    ['topic', 'type', 'subject', 'data'],
    [
      'makerOrderId',
      'price',
      'sequence',
      'side',
      'size',
      'symbol',
      'takerOrderId',
      'time',
      'tradeId',
      'type',
    ],
  ],
  spotAllTickers: [
    ['topic', 'type', 'subject', 'data'],
    ['bestAsk', 'bestAskSize', 'bestBid', 'bestBidSize', 'price', 'sequence', 'size', 'time'],
  ],
  futuresExecution: [
    ['topic', 'type', 'subject', 'sn', 'data'],
    ['symbol', 'sequence', 'side', 'size', 'price', 'takerOrderId', 'makerOrderId', 'tradeId', 'ts'],
  ],
  futuresTickerV2: [
    ['topic', 'type', 'subject', 'sn', 'data'],
    ['symbol', 'sequence', 'bestBidSize', 'bestBidPrice', 'bestAskPrice', 'bestAskSize', 'ts'],
  ],
};

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

  it('answers an id-less ping and subscribe without an id, as KuCoin does', async () => {
    sim = await startSimulator();
    const { ws, frames } = await rawClient(sim);
    ws.send('{"type":"ping"}');
    ws.send('{"type":"subscribe","topic":"/market/ticker:BTC-USDT","response":true}');
    await waitFor('pong and ack', () => frames.length === 3);
    expect(Object.keys(frames[1])).toEqual(['type', 'timestamp']);
    expect(frames[1].type).toBe('pong');
    expect(frames[2]).toEqual({ type: 'ack' });
    ws.close();
  });
});

describe('ExchangeSimulator derives everything from one trade tape', () => {
  let sim: ExchangeSimulator;
  afterEach(async () => {
    await sim.stop();
  });

  it('spot: a match push for every trade at once, tickers at most every 100 ms (leading, then one trailing)', async () => {
    sim = await startSimulator();
    const client = await rawClient(sim);
    await subscribe(client, '/market/ticker:BTC-USDT');
    await subscribe(client, '/market/match:BTC-USDT');
    const arrivals: number[] = [];
    client.ws.on('message', () => arrivals.push(performance.now()));
    sim.setPrice('BTC-USDT', 67_220);
    sim.setPrice('BTC-USDT', 67_230.5);
    sim.setPrice('BTC-USDT', 67_225.04); // 0.1 tick: written as 67225
    // welcome, 2 acks, then 3 matches and 2 tickers
    await waitFor('3 matches and 2 tickers', () => client.frames.length === 8);
    const matches = pushes(client.frames, '/market/match:');
    const tickers = pushes(client.frames, '/market/ticker:');
    expect(matches.map((m) => m.data.price)).toEqual(['67220', '67230.5', '67225']);
    expect(tickers.map((t) => t.data.price)).toEqual(['67220', '67225']);
    expect(shape(matches[0])).toEqual(SPEC_KEYS.spotMatch);
    expect(matches[0]).toMatchObject({
      subject: 'trade.l3match',
      data: { symbol: 'BTC-USDT', type: 'match' },
    });
    const sequences = matches.map((m) => BigInt(m.data.sequence));
    expect(sequences[0]).toBeGreaterThan(2n ** 53n);
    expect(sequences).toEqual([sequences[0], sequences[0] + 1n, sequences[0] + 2n]);
    const trades = sim.recentTrades('BTC-USDT');
    expect(matches.map((m) => m.data.time)).toEqual(trades.map((t) => `${t.time}000000`));
    expect(matches.every((m) => Object.values(m.data).every((v) => typeof v === 'string'))).toBe(true);
    // The trailing ticker waits for the 100 ms boundary; nothing more follows it.
    expect(arrivals[arrivals.length - 1] - arrivals[arrivals.length - 2]).toBeGreaterThanOrEqual(80);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(pushes(client.frames, '/market/ticker:')).toHaveLength(2);
    client.ws.close();
  });

  it('spot: a wick falls between two ticker pushes; ticker:all carries the symbol as its subject', async () => {
    sim = await startSimulator();
    const client = await rawClient(sim);
    await subscribe(client, '/market/ticker:all');
    await subscribe(client, '/market/match:ETH-USDT,BTC-USDT');
    sim.setPrice('ETH-USDT', 2_500);
    await waitFor('first ticker', () => pushes(client.frames, '/market/ticker:all').length === 1);
    const wick = sim.wick('ETH-USDT', [2_400, 2_390.5], 2_499.99);
    await waitFor(
      'wick matches and the next ticker',
      () => pushes(client.frames, '/market/ticker:all').length === 2,
    );
    const tickers = pushes(client.frames, '/market/ticker:all');
    expect(shape(tickers[0])).toEqual(SPEC_KEYS.spotAllTickers);
    expect(tickers.map((t) => [t.subject, t.data.price])).toEqual([
      ['ETH-USDT', '2500'],
      ['ETH-USDT', '2499.99'],
    ]);
    expect(pushes(client.frames, '/market/match:ETH-USDT').map((m) => m.data.price)).toEqual([
      '2500',
      '2400',
      '2390.5',
      '2499.99',
    ]);
    expect(wick.map((t) => t.side)).toEqual(['sell', 'sell', 'buy']);
    expect(sim.topicCounts()).toEqual(
      new Map([
        ['/market/ticker:all', 1],
        ['/market/match:ETH-USDT', 1],
        ['/market/match:BTC-USDT', 1],
      ]),
    );
    client.ws.close();
  });

  it('futures: execution and tickerV2 pushes in the spec shapes, sequences numbers below 2^53, ts in ns', async () => {
    sim = await startSimulator({ market: 'futures' });
    const client = await rawClient(sim);
    await subscribe(client, '/contractMarket/execution:XBTUSDTM');
    await subscribe(client, '/contractMarket/tickerV2:XBTUSDTM');
    const trade = sim.trade('XBTUSDTM', 90_503.9, { size: 2, side: 'buy' });
    await waitFor('execution and tickerV2', () => client.frames.length === 5);
    const [execution] = pushes(client.frames, '/contractMarket/execution:');
    const [v2] = pushes(client.frames, '/contractMarket/tickerV2:');
    expect(shape(execution)).toEqual(SPEC_KEYS.futuresExecution);
    expect(shape(v2)).toEqual(SPEC_KEYS.futuresTickerV2);
    expect(execution).toMatchObject({ subject: 'match', sn: execution.data.sequence });
    expect(execution.data).toMatchObject({ size: 2, price: '90503.9', side: 'buy', tradeId: trade.tradeId });
    expect(Number.isSafeInteger(execution.data.sequence)).toBe(true);
    expect(Math.round(execution.data.ts / 1e6)).toBe(trade.time);
    expect(v2.data).toMatchObject({ bestBidPrice: '90503.8', bestAskPrice: '90503.9' });
    client.ws.close();
  });

  it('REST from the tape: latest-100 histories, candles for 24 h, plain tick-size prices, unknown symbols', async () => {
    const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
    let clock = T0;
    sim = await startSimulator({ clock: () => clock, tickSizes: { 'PEPE-USDT': 0.00000001 } });
    // One trade every 30 minutes for 26 h: only the last 1500 minutes (25 h) of candles are kept.
    for (let k = 0; k <= 52; k++) sim.trade('BTC-USDT', 60_000 + k, { time: T0 + k * 1_800_000, size: 0.5 });
    for (let i = 0; i < 150; i++) sim.trade('BTC-USDT', 61_000 + i / 10, { time: T0 + 52 * 1_800_000 + i });
    clock = T0 + 52 * 1_800_000 + 1_000;
    const kept = sim.candles('BTC-USDT');
    expect(kept[0].start).toBe(T0 + 3 * 1_800_000); // 26 h - 25 h = 1 h dropped, and 1.5 h is the first after it
    expect(kept).toHaveLength(50);

    const history = await get(sim, '/api/v1/market/histories?symbol=BTC-USDT');
    expect(history.body.data).toHaveLength(100);
    expect(Object.keys(history.body.data[0])).toEqual(['sequence', 'price', 'size', 'side', 'time']);
    expect(history.body.data[0]).toMatchObject({ price: '61005', size: '0.0043', side: 'buy' });
    expect(history.body.data[99].price).toBe('61014.9');
    expect(history.text).toContain(`"time":${T0 + 52 * 1_800_000 + 149}000000}]`);

    let turnover = 60_052 * 0.5; // summed in trade order, as the candle does
    for (let i = 0; i < 150; i++) turnover += Number((61_000 + i / 10).toFixed(1)) * 0.0043;
    const candles = await get(sim, '/api/v1/market/candles?type=1min&symbol=BTC-USDT&startAt=0&endAt=0');
    expect(candles.body.data).toHaveLength(50);
    expect(candles.body.data[0]).toEqual([
      String((T0 + 52 * 1_800_000) / 1000),
      '60052',
      '61014.9',
      '61014.9',
      '60052',
      '1.145',
      String(Number(turnover.toFixed(9))),
    ]);
    expect(candles.body.data.every((row: string[]) => row.every((v) => typeof v === 'string'))).toBe(true);
    const hourly = await get(sim, `/api/v1/market/candles?type=1hour&symbol=BTC-USDT&startAt=${T0 / 1000}`);
    expect(hourly.body.data).toHaveLength(26); // hours 1..26: hour 0 fell out of the 25 h kept
    expect(hourly.body.data[25].slice(0, 5)).toEqual([
      String(T0 / 1000 + 3_600),
      '60003',
      '60003',
      '60003',
      '60003',
    ]);

    sim.trade('PEPE-USDT', 0.000000114, { size: 1e6 }); // on its 0.00000001 tick
    const pepe = await get(sim, '/api/v1/market/orderbook/level1?symbol=PEPE-USDT');
    expect(pepe.body.data).toMatchObject({
      price: '0.00000011',
      bestBid: '0.0000001',
      bestAsk: '0.00000011',
    });
    const pepeCandles = await get(sim, '/api/v1/market/candles?type=1min&symbol=PEPE-USDT');
    expect(pepeCandles.text).not.toMatch(/e-/);

    const unknown = await fetch(`${sim.apiUrl}/api/v1/market/histories?symbol=NOPE-USDT`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ code: '400100', msg: 'This pair is not provided at present' });
    expect((await get(sim, '/api/v1/market/orderbook/level1?symbol=NOPE-USDT')).body).toEqual({
      code: '200000',
      data: null,
    });
    expect(sim.stats).toMatchObject({ restTradeHistoryRequests: 2, restCandleRequests: 3 });
  });

  it('futures REST: trade history newest first, klines as plain numbers oldest first in [from, to)', async () => {
    let clock = Date.UTC(2026, 0, 5, 0, 0, 30);
    sim = await startSimulator({ market: 'futures', clock: () => clock, tickSizes: { MICROUSDTM: 1e-9 } });
    sim.trade('XBTUSDTM', 90_000, { size: 3 });
    clock += 60_000;
    sim.trade('XBTUSDTM', 90_100.5, { size: 4 });
    sim.trade('MICROUSDTM', 0.000000123, { size: 10 });
    const history = await get(sim, '/api/v1/trade/history?symbol=XBTUSDTM');
    expect(history.body.data.map((t: any) => [t.price, t.size])).toEqual([
      ['90100.5', 4],
      ['90000', 3],
    ]);
    expect(Object.keys(history.body.data[0])).toEqual([
      'sequence',
      'contractId',
      'tradeId',
      'makerOrderId',
      'takerOrderId',
      'ts',
      'size',
      'price',
      'side',
    ]);
    const from = Date.UTC(2026, 0, 5, 0, 0, 0);
    const klines = await get(
      sim,
      `/api/v1/kline/query?symbol=XBTUSDTM&granularity=1&from=${from}&to=${from + 120_000}`,
    );
    expect(klines.body.data).toEqual([
      [from, 90_000, 90_000, 90_000, 90_000, 3],
      [from + 60_000, 90_100.5, 90_100.5, 90_100.5, 90_100.5, 4],
    ]);
    const firstOnly = await get(
      sim,
      `/api/v1/kline/query?symbol=XBTUSDTM&granularity=1&from=${from}&to=${from + 60_000}`,
    );
    expect(firstOnly.body.data).toHaveLength(1);
    const micro = await get(sim, `/api/v1/kline/query?symbol=MICROUSDTM&granularity=1&from=${from}`);
    expect(micro.text).toContain(`[${from + 60_000},0.000000123,0.000000123,0.000000123,0.000000123,10]`);
    expect((await get(sim, '/api/v1/trade/history?symbol=NOPEUSDTM')).body).toEqual({
      code: '200000',
      data: [],
    });
  });
});

describe('ExchangeSimulator faults: the tape and REST go on while the wire shows a gap', () => {
  let sim: ExchangeSimulator;
  afterEach(async () => {
    await sim.stop();
  });

  it('silences one symbol after its subscribe was acked while the others stream', async () => {
    sim = await startSimulator();
    const client = await rawClient(sim);
    await subscribe(client, '/market/ticker:BTC-USDT,ETH-USDT');
    await subscribe(client, '/market/match:BTC-USDT,ETH-USDT');
    sim.silenceSymbol('ETH-USDT');
    sim.setPrice('ETH-USDT', 2_500);
    sim.setPrice('BTC-USDT', 67_000);
    await waitFor('BTC ticker', () => pushes(client.frames, '/market/ticker:BTC-USDT').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.frames.filter((f) => String(f.topic).endsWith('ETH-USDT'))).toEqual([]);
    expect((await get(sim, '/api/v1/market/orderbook/level1?symbol=ETH-USDT')).body.data.price).toBe('2500');
    expect(sim.stats.pushesWithheld).toBeGreaterThanOrEqual(2);

    // Only the ticker silent: trades of the symbol still arrive.
    sim.silenceSymbol('ETH-USDT', 'ticker');
    sim.setPrice('ETH-USDT', 2_510);
    await waitFor('ETH match', () => pushes(client.frames, '/market/match:ETH-USDT').length === 1);
    sim.resumeSymbol('ETH-USDT');
    sim.setPrice('ETH-USDT', 2_520);
    await waitFor('ETH ticker again', () => pushes(client.frames, '/market/ticker:ETH-USDT').length === 1);
    expect(pushes(client.frames, '/market/ticker:ETH-USDT')[0].data.price).toBe('2520');
    client.ws.close();
  });

  it('outage: withheld pushes, then dropped connections and refused upgrades, while trading goes on', async () => {
    sim = await startSimulator();
    const client = await rawClient(sim);
    await subscribe(client, '/market/match:BTC-USDT');
    sim.startOutage('withhold');
    sim.trades('BTC-USDT', [67_000, 66_500, 66_900]);
    client.ws.send(JSON.stringify({ id: 'p', type: 'ping' }));
    await waitFor('pong during the outage', () => client.frames.some((f) => f.type === 'pong'));
    expect(pushes(client.frames, '/market/match:')).toEqual([]);

    sim.startOutage('drop');
    await waitFor('dropped', () => sim.connectionInfo().length === 0);
    const token: any = await (await fetch(`${sim.apiUrl}/api/v1/bullet-public`, { method: 'POST' })).json();
    const refused = new WebSocket(`${sim.wsUrl}?token=${token.data.token}`);
    const status = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('error', () => resolve(-1));
    });
    expect(status).toBe(503);
    sim.setPrice('BTC-USDT', 66_000);
    const history = await get(sim, '/api/v1/market/histories?symbol=BTC-USDT');
    expect(history.body.data.map((t: any) => t.price)).toEqual(['67000', '66500', '66900', '66000']);

    sim.endOutage();
    const again = await rawClient(sim);
    await subscribe(again, '/market/match:BTC-USDT');
    sim.setPrice('BTC-USDT', 66_100);
    await waitFor('pushes again', () => pushes(again.frames, '/market/match:').length === 1);
    again.ws.close();
  });
});
