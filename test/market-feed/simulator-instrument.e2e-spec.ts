/* eslint-disable @typescript-eslint/no-explicit-any -- raw protocol frames and bodies, compared key by key */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { type ExchangeSimulator, PerIpLimiter, UNKNOWN_CONTRACT } from '../../tools/exchange-simulator';
import { getJson as get, startSimulator, waitFor } from './feed-harness';

/**
 * The futures simulator's instrument data over real sockets: the `/contract/instrument:{symbol}` topic
 * (mark.index.price, funding.rate) and the REST mark price and contract details, in the shapes of
 * Kucoin/kucoin-universal-sdk spec/ws/openapi-futures-public.json and spec/rest/api/openapi-futures-market.json.
 */

const INSTRUMENT_FIXTURE = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/kucoin/futures-instrument.json'), 'utf8'),
);
/** Key order matters: compare the keys of a frame and of its data, in order. */
const shape = (frame: any): string[][] => [Object.keys(frame), Object.keys(frame.data ?? {})];

/** Keys of the SDK spec's "Get Symbol" / "Get All Symbols" examples, in order. */
const CONTRACT_KEYS = [
  ...['symbol', 'rootSymbol', 'type', 'firstOpenDate', 'expireDate', 'settleDate', 'baseCurrency'],
  ...['quoteCurrency', 'settleCurrency', 'maxOrderQty', 'maxPrice', 'lotSize', 'tickSize'],
  ...['indexPriceTickSize', 'multiplier', 'initialMargin', 'maintainMargin', 'maxRiskLimit', 'minRiskLimit'],
  ...['riskStep', 'makerFeeRate', 'takerFeeRate', 'takerFixFee', 'makerFixFee', 'settlementFee'],
  ...['isDeleverage', 'isQuanto', 'isInverse', 'markMethod', 'fairMethod', 'fundingBaseSymbol'],
  ...['fundingQuoteSymbol', 'fundingRateSymbol', 'indexSymbol', 'settlementSymbol', 'status'],
  ...['fundingFeeRate', 'predictedFundingFeeRate', 'fundingRateGranularity', 'openInterest'],
  ...['turnoverOf24h', 'volumeOf24h', 'markPrice', 'indexPrice', 'lastTradePrice', 'nextFundingRateTime'],
  ...['maxLeverage', 'sourceExchanges', 'premiumsSymbol1M', 'premiumsSymbol8H', 'fundingBaseSymbol1M'],
  ...['fundingQuoteSymbol1M', 'lowPrice', 'highPrice', 'priceChgPct', 'priceChg', 'k', 'm', 'f'],
  ...['mmrLimit', 'mmrLevConstant', 'supportCross', 'buyLimit', 'sellLimit'],
];

interface RawClient {
  readonly ws: WebSocket;
  readonly frames: any[];
  readonly texts: string[];
}

async function rawClient(sim: ExchangeSimulator): Promise<RawClient> {
  const res = await fetch(`${sim.apiUrl}/api/v1/bullet-public`, { method: 'POST' });
  const body: any = await res.json();
  const { endpoint } = body.data.instanceServers[0];
  const ws = new WebSocket(`${endpoint}?token=${body.data.token}`);
  const client: RawClient = { ws, frames: [], texts: [] };
  ws.on('message', (data: Buffer) => {
    client.texts.push(data.toString());
    client.frames.push(JSON.parse(data.toString()));
  });
  await waitFor('welcome', () => client.frames.some((f) => f.type === 'welcome'));
  return client;
}

function send(client: RawClient, type: 'subscribe' | 'unsubscribe', topic: string, id: string): void {
  client.ws.send(JSON.stringify({ id, type, topic, privateChannel: false, response: true }));
}

async function subscribe(client: RawClient, topic: string, id = topic): Promise<void> {
  send(client, 'subscribe', topic, id);
  await waitFor(`ack ${topic}`, () => client.frames.some((f) => f.type === 'ack' && f.id === id));
}

const messages = (client: RawClient, subject?: string): any[] =>
  client.frames.filter((f) => f.type === 'message' && (subject === undefined || f.subject === subject));

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ExchangeSimulator futures instruments', () => {
  let sim: ExchangeSimulator;
  let now: number;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    now = 1_731_899_129_000;
    sim = await startSimulator({ market: 'futures', clock: () => now });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.close();
    await sim.stop();
  });

  const connect = async (): Promise<RawClient> => {
    const client = await rawClient(sim);
    clients.push(client);
    return client;
  };

  it('acks /contract/instrument:XBTUSDTM and pushes a set mark at once, in the SDK shape with numbers', async () => {
    const client = await connect();
    const other = await connect();
    await subscribe(client, '/contract/instrument:XBTUSDTM', 'i1');
    expect(client.frames.find((f) => f.id === 'i1')).toEqual({ id: 'i1', type: 'ack' });
    await subscribe(other, '/contract/instrument:ETHUSDTM');

    sim.setMarkPrice('XBTUSDTM', 90_445.02, 90_440.5);
    await waitFor('mark push', () => messages(client).length === 1);
    const [frame] = messages(client);
    expect(frame).toEqual({
      topic: '/contract/instrument:XBTUSDTM',
      type: 'message',
      subject: 'mark.index.price',
      data: { markPrice: 90_445.02, indexPrice: 90_440.5, granularity: 1000, timestamp: now },
    });
    expect(shape(frame)).toEqual(shape(INSTRUMENT_FIXTURE));
    expect(client.texts.at(-1)).toBe(
      '{"topic":"/contract/instrument:XBTUSDTM","type":"message","subject":"mark.index.price",' +
        '"data":{"markPrice":90445.02,"indexPrice":90440.5,"granularity":1000,"timestamp":1731899129000}}',
    );
    expect(sim.stats.instrumentFramesSent).toBe(1);

    // The index defaults to the mark; the other symbol's subscriber sees only its own.
    now += 1_000;
    sim.setMarkPrice('ETHUSDTM', 3_100.25);
    await waitFor('ETH push', () => messages(other).length === 1);
    expect(messages(other)[0].data).toEqual({
      markPrice: 3_100.25,
      indexPrice: 3_100.25,
      granularity: 1000,
      timestamp: now,
    });
    await pause(50);
    expect(messages(client)).toHaveLength(1);
    expect(messages(other)).toHaveLength(1);

    send(client, 'unsubscribe', '/contract/instrument:XBTUSDTM', 'u1');
    await waitFor('unsubscribe ack', () => client.frames.some((f) => f.id === 'u1' && f.type === 'ack'));
    sim.setMarkPrice('XBTUSDTM', 90_500);
    await pause(50);
    expect(messages(client)).toHaveLength(1);
  });

  it('pushes funding.rate on the same topic on demand', async () => {
    const client = await connect();
    await subscribe(client, '/contract/instrument:XBTUSDTM');
    expect(sim.pushFundingRate('XBTUSDTM', -0.002966)).toBe(true);
    expect(sim.pushFundingRate('ETHUSDTM', 0.0001)).toBe(false);
    await waitFor('funding push', () => messages(client).length === 1);
    expect(client.texts.at(-1)).toBe(
      '{"topic":"/contract/instrument:XBTUSDTM","type":"message","subject":"funding.rate",' +
        '"data":{"granularity":60000,"fundingRate":-0.002966,"timestamp":1731899129000}}',
    );
  });

  it('applies the push faults: silence, outage, lost acks, unknown symbols; spot has no such topic', async () => {
    const client = await connect();
    await subscribe(client, '/contract/instrument:XBTUSDTM');
    sim.silenceSymbol('XBTUSDTM', 'instrument');
    sim.setMarkPrice('XBTUSDTM', 90_000);
    sim.resumeSymbol('XBTUSDTM');
    sim.startOutage('withhold');
    sim.setMarkPrice('XBTUSDTM', 90_001);
    sim.endOutage();
    sim.setMarkPrice('XBTUSDTM', 90_002);
    await waitFor('push after the faults', () => messages(client).length === 1);
    expect(messages(client)[0].data.markPrice).toBe(90_002);
    expect(sim.stats.pushesWithheld).toBe(2);

    sim.withholdAcks('SOLUSDTM', 1);
    send(client, 'subscribe', '/contract/instrument:SOLUSDTM', 'lost');
    sim.setUnknownSymbol('NOPEUSDTM', 'not_found');
    send(client, 'subscribe', '/contract/instrument:NOPEUSDTM', 'nope');
    await waitFor('404', () => client.frames.some((f) => f.id === 'nope'));
    expect(client.frames.find((f) => f.id === 'nope')).toMatchObject({ type: 'error', code: 404 });
    expect(client.frames.some((f) => f.id === 'lost')).toBe(false);
    expect(sim.stats.acksWithheld).toBe(1);

    const spot = await startSimulator({ market: 'spot' });
    try {
      const spotClient = await rawClient(spot);
      send(spotClient, 'subscribe', '/contract/instrument:XBTUSDTM', 's1');
      await waitFor('spot 404', () => spotClient.frames.some((f) => f.id === 's1'));
      expect(spotClient.frames.find((f) => f.id === 's1')).toMatchObject({ type: 'error', code: 404 });
      expect(() => spot.setMarkPrice('BTC-USDT', 1)).toThrow(/futures/);
      spotClient.ws.close();
    } finally {
      await spot.stop();
    }
  });

  it('pushes every subscribed mark each second while ticking, from the last trade when none was set', async () => {
    const client = await connect();
    await subscribe(client, '/contract/instrument:XBTUSDTM');
    sim.setPrice('XBTUSDTM', 67_220);
    sim.startTicking(0);
    await waitFor('periodic push', () => messages(client).length === 1, 3_000);
    sim.stopTicking();
    expect(messages(client)[0].data).toEqual({
      markPrice: 67_220,
      indexPrice: 67_220,
      granularity: 1000,
      timestamp: now,
    });
  });

  it('answers GET /api/v1/mark-price/{symbol}/current in the SDK shape, and 100003 for an unknown contract', async () => {
    const perIp = new PerIpLimiter();
    await sim.stop();
    sim = await startSimulator({ market: 'futures', clock: () => now, perIp });
    sim.setMarkPrice('XBTUSDTM', 67_687.08, 67_683.58);
    now += 250;

    const mark = await get(sim, '/api/v1/mark-price/XBTUSDTM/current');
    expect(mark.status).toBe(200);
    expect(mark.text).toBe(
      '{"code":"200000","data":{"symbol":"XBTUSDTM","granularity":1000,"timePoint":1731899129000,' +
        '"value":67687.08,"indexPrice":67683.58}}',
    );
    expect(sim.markPrice('XBTUSDTM')).toMatchObject({ markPrice: 67_687.08, explicit: true });

    const unknown = await get(sim, '/api/v1/mark-price/NOPEUSDTM/current');
    expect(unknown.status).toBe(200);
    expect(unknown.text).toBe(UNKNOWN_CONTRACT);
    expect(unknown.body).toEqual({ code: '100003', msg: 'Contract parameter invalid' });
    expect(perIp.records('rest').map((r) => [r.path, r.weight])).toEqual([
      ['/api/v1/mark-price/XBTUSDTM/current', 3],
      ['/api/v1/mark-price/NOPEUSDTM/current', 3],
    ]);
    expect(sim.stats.restMarkPriceRequests).toBe(2);
  });

  it('answers GET /api/v1/contracts/active and /api/v1/contracts/{symbol} with every spec field', async () => {
    sim.setPrice('XBTUSDTM', 67_220);
    sim.setMarkPrice('XBTUSDTM', 67_210.5, 67_205.25);
    sim.setContract('XBTUSDM', { maintainMargin: 0.01 });
    sim.setMarkPrice('XBTUSDM', 67_300);

    const all = await get(sim, '/api/v1/contracts/active');
    expect(all.status).toBe(200);
    expect(Object.keys(all.body)).toEqual(['code', 'data']);
    const contracts = all.body.data as Record<string, unknown>[];
    expect(contracts.map((c) => c.symbol)).toEqual(['XBTUSDTM', 'XBTUSDM']);
    for (const contract of contracts) expect(Object.keys(contract)).toEqual(CONTRACT_KEYS);

    const one = await get(sim, '/api/v1/contracts/XBTUSDTM');
    expect(one.body).toEqual({ code: '200000', data: all.body.data[0] });
    expect(one.body.data).toMatchObject({
      symbol: 'XBTUSDTM',
      baseCurrency: 'XBT',
      quoteCurrency: 'USDT',
      settleCurrency: 'USDT',
      status: 'Open',
      tickSize: 0.1,
      lotSize: 1,
      multiplier: 0.001,
      isInverse: false,
      maintainMargin: 0.004,
      initialMargin: 0.008,
      maxLeverage: 125,
      markMethod: 'FairPrice',
      indexSymbol: '.KXBTUSDT',
      markPrice: 67_210.5,
      indexPrice: 67_205.25,
      lastTradePrice: 67_220,
      expireDate: null,
      openInterest: '0',
    });
    expect(one.body.data).toEqual(sim.contract('XBTUSDTM'));
    expect(all.body.data[1]).toMatchObject({
      symbol: 'XBTUSDM',
      quoteCurrency: 'USD',
      settleCurrency: 'XBT',
      multiplier: -1,
      isInverse: true,
      maintainMargin: 0.01,
      indexSymbol: '.BXBT',
      markPrice: 67_300,
      lastTradePrice: 0,
    });

    expect((await get(sim, '/api/v1/contracts/NOPEUSDTM')).text).toBe(UNKNOWN_CONTRACT);
    expect(sim.stats.restContractRequests).toBe(3);
  });
});
