/**
 * Conformance with KuCoin's official SDK (kucoin-universal-sdk, generated from the same spec the
 * simulator follows): the SDK's own REST and WebSocket clients are pointed at the simulator through
 * ClientOptionBuilder.setSpotEndpoint/setFuturesEndpoint (the WebSocket URL then comes from the
 * simulator's bullet-public, as it does from KuCoin's), and what they decode must equal what the test put
 * on the tape.
 */
import {
  ClientOptionBuilder,
  DefaultClient,
  Futures,
  Spot,
  TransportOptionBuilder,
  WebSocketClientOptionBuilder,
  logger,
} from 'kucoin-universal-sdk';
import { ExchangeSimulator } from '../../tools/exchange-simulator';
import { waitFor } from './feed-harness';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a minute boundary
const MINUTE = 60_000;

interface Put {
  readonly time: number;
  readonly price: number;
  readonly size: number;
}

/** 1-minute candles computed here from what the test put, independently of the simulator. */
function expectedCandles(puts: readonly Put[], fromMs: number, toMs: number) {
  const byMinute = new Map<number, Put[]>();
  for (const put of puts) {
    const start = Math.floor(put.time / MINUTE) * MINUTE;
    if (start < fromMs || start >= toMs) continue;
    byMinute.set(start, [...(byMinute.get(start) ?? []), put]);
  }
  return [...byMinute].map(([start, list]) => ({
    start,
    open: list[0].price,
    close: list[list.length - 1].price,
    high: Math.max(...list.map((p) => p.price)),
    low: Math.min(...list.map((p) => p.price)),
    volume: list.reduce((sum, p) => sum + p.size, 0),
    turnover: list.reduce((sum, p) => sum + p.price * p.size, 0),
  }));
}

/** Prices on the 0.1 tick both symbols use, so expectations are exactly what the tape holds. */
const onTick = (price: number): number => Math.round(price * 10) / 10;

/** The SDK's decoded numbers against ours: ns values above 2^53 are rounded by JSON.parse, ms survive. */
const ms = (ns: number): number => Math.round(ns / 1e6);

describe('the official KuCoin SDK (kucoin-universal-sdk 1.3.0) reads the simulator', () => {
  let clock = T0;
  let spot: ExchangeSimulator;
  let futures: ExchangeSimulator;
  let client: DefaultClient;
  const spotPuts: Put[] = [];
  const futuresPuts: Put[] = [];

  beforeAll(async () => {
    logger.setGlobalLogger(
      {},
      { level: 'error', format: (level: string, message: string) => `${level} ${message}` },
    );
    spot = new ExchangeSimulator({ market: 'spot', clock: () => clock, tickSizes: { 'BTC-USDT': 0.1 } });
    futures = new ExchangeSimulator({ market: 'futures', clock: () => clock, tickSizes: { XBTUSDTM: 0.1 } });
    await spot.start();
    await futures.start();
    const put = (list: Put[], sim: ExchangeSimulator, symbol: string, p: Put): void => {
      sim.trade(symbol, p.price, { time: p.time, size: p.size });
      list.push(p);
    };
    // Minutes 0, 1 and 3 trade, minute 2 does not; then enough trades for the 100-trade history cap.
    const offsets = [1_000, 20_000, 40_000, 61_000, 119_000, 185_000];
    offsets.forEach((offset, i) => {
      put(spotPuts, spot, 'BTC-USDT', {
        time: T0 + offset,
        price: onTick(67_220 + i * 10.1),
        size: 0.25 * (i + 1),
      });
      put(futuresPuts, futures, 'XBTUSDTM', {
        time: T0 + offset,
        price: onTick(88_987.5 - i * 3.3),
        size: i + 1,
      });
    });
    for (let i = 0; i < 115; i++) {
      put(spotPuts, spot, 'BTC-USDT', {
        time: T0 + 200_000 + i * 100,
        price: onTick(67_000 + i / 10),
        size: 0.001,
      });
      put(futuresPuts, futures, 'XBTUSDTM', {
        time: T0 + 200_000 + i * 100,
        price: onTick(88_000 + i / 10),
        size: 2,
      });
    }
    spot.setTickSize('PEPE-USDT', 0.00000001);
    spot.trade('PEPE-USDT', 0.00000011, { time: T0 + 230_000, size: 1_000_000 });
    clock = T0 + 240_000;

    const option = new ClientOptionBuilder()
      .setSpotEndpoint(spot.apiUrl)
      .setFuturesEndpoint(futures.apiUrl)
      .setTransportOption(new TransportOptionBuilder().setKeepAlive(false).build())
      .setWebSocketClientOption(new WebSocketClientOptionBuilder().withReconnect(false).build())
      .build();
    client = new DefaultClient(option);
  });

  afterAll(async () => {
    await spot?.stop();
    await futures?.stop();
  });

  it('spot ticker (level1): last trade, best bid/ask and book sequence; a micro price stays plain', async () => {
    const market = client.restService().getSpotService().getMarketApi();
    const ticker = await market.getTicker(Spot.Market.GetTickerReq.create({ symbol: 'BTC-USDT' }));
    const quote = spot.quote('BTC-USDT')!;
    const last = spotPuts[spotPuts.length - 1];
    expect(ticker).toMatchObject({
      time: last.time,
      sequence: String(quote.sequence),
      price: '67011.4',
      size: '0.001',
      bestBid: quote.bestBidText,
      bestAsk: quote.bestAskText,
    });
    const pepe = await market.getTicker(Spot.Market.GetTickerReq.create({ symbol: 'PEPE-USDT' }));
    expect(pepe.price).toBe('0.00000011');
    expect(pepe.size).toBe('1000000');
  });

  it('spot trade history: the latest 100 trades, oldest first, sequences above 2^53 exact', async () => {
    const market = client.restService().getSpotService().getMarketApi();
    const history = await market.getTradeHistory(
      Spot.Market.GetTradeHistoryReq.create({ symbol: 'BTC-USDT' }),
    );
    const tape = spot.recentTrades('BTC-USDT', 100);
    expect(history.data).toHaveLength(100);
    expect(history.data.map((t) => t.sequence)).toEqual(tape.map((t) => t.sequence));
    expect(BigInt(history.data[0].sequence)).toBeGreaterThan(2n ** 53n);
    const puts = spotPuts.slice(-100);
    history.data.forEach((t, i) => {
      expect({ price: Number(t.price), size: Number(t.size), time: ms(t.time) }).toEqual({
        price: puts[i].price,
        size: puts[i].size,
        time: puts[i].time,
      });
      expect(t.side).toBe(tape[i].side);
    });
  });

  it('spot 1-minute candles: [time(s), open, close, high, low, volume, turnover] strings, newest first', async () => {
    const market = client.restService().getSpotService().getMarketApi();
    const req = (startAt: number, endAt: number) =>
      Spot.Market.GetKlinesReq.create({
        symbol: 'BTC-USDT',
        type: Spot.Market.GetKlinesReq.TypeEnum._1MIN,
        startAt: startAt / 1000,
        endAt: endAt / 1000,
      });
    const all = await market.getKlines(req(T0, T0 + 240_000));
    const expected = expectedCandles(spotPuts, T0, T0 + 240_000).reverse();
    expect(all.data.map((row) => row[0])).toEqual(['1767614580', '1767614460', '1767614400']);
    expect(all.data).toEqual(
      expected.map((c) => [
        String(c.start / 1000),
        String(c.open),
        String(c.close),
        String(c.high),
        String(c.low),
        String(Number(c.volume.toFixed(8))),
        String(Number(c.turnover.toFixed(9))),
      ]),
    );
    // Start inclusive, end exclusive: [minute 1, minute 3) holds minute 1 only.
    const middle = await market.getKlines(req(T0 + MINUTE, T0 + 3 * MINUTE));
    expect(middle.data.map((row) => Number(row[0]) * 1000)).toEqual([T0 + MINUTE]);
  });

  it('futures ticker: last trade with numeric sequence and lots, ts in ns', async () => {
    const market = client.restService().getFuturesService().getMarketApi();
    const ticker = await market.getTicker(Futures.Market.GetTickerReq.create({ symbol: 'XBTUSDTM' }));
    const quote = futures.quote('XBTUSDTM')!;
    expect(ticker).toMatchObject({
      sequence: quote.sequence,
      symbol: 'XBTUSDTM',
      side: quote.trade.side,
      size: 2,
      tradeId: quote.trade.tradeId,
      price: '88011.4',
      bestBidPrice: quote.bestBidText,
      bestAskPrice: quote.bestAskText,
    });
    expect(ms(ticker.ts)).toBe(futuresPuts[futuresPuts.length - 1].time);
  });

  it('futures trade history: the latest 100 trades, newest first', async () => {
    const market = client.restService().getFuturesService().getMarketApi();
    const history = await market.getTradeHistory(
      Futures.Market.GetTradeHistoryReq.create({ symbol: 'XBTUSDTM' }),
    );
    const tape = futures.recentTrades('XBTUSDTM', 100).reverse();
    const puts = futuresPuts.slice(-100).reverse();
    expect(history.data).toHaveLength(100);
    history.data.forEach((t, i) => {
      expect(t).toMatchObject({
        sequence: Number(tape[i].sequence),
        tradeId: tape[i].tradeId,
        makerOrderId: tape[i].makerOrderId,
        takerOrderId: tape[i].takerOrderId,
        size: puts[i].size,
        price: String(puts[i].price),
        side: tape[i].side,
      });
      expect(ms(t.ts)).toBe(puts[i].time);
    });
  });

  it('futures 1-minute klines: [time(ms), open, high, low, close, volume] numbers, oldest first', async () => {
    const market = client.restService().getFuturesService().getMarketApi();
    const klines = await market.getKlines(
      Futures.Market.GetKlinesReq.create({
        symbol: 'XBTUSDTM',
        granularity: Futures.Market.GetKlinesReq.GranularityEnum._1,
        from: T0,
        to: T0 + 240_000,
      }),
    );
    expect(klines.data).toEqual(
      expectedCandles(futuresPuts, T0, T0 + 240_000).map((c) => [
        c.start,
        c.open,
        c.high,
        c.low,
        c.close,
        c.volume,
      ]),
    );
  });

  it('spot match and futures execution pushes, every trade of a wick; the spot ticker never shows the wick', async () => {
    const spotWs = client.wsService().newSpotPublicWS();
    const futuresWs = client.wsService().newFuturesPublicWS();
    await spotWs.start();
    await futuresWs.start();
    try {
      const matches: Spot.SpotPublic.TradeEvent[] = [];
      const tickers: Spot.SpotPublic.TickerEvent[] = [];
      const allTickers: Array<[string, Spot.SpotPublic.AllTickersEvent]> = [];
      const executions: Futures.FuturesPublic.ExecutionEvent[] = [];
      await spotWs.trade(['BTC-USDT'], (_topic, _subject, data) => void matches.push(data));
      await spotWs.ticker(['BTC-USDT'], (_topic, _subject, data) => void tickers.push(data));
      await spotWs.allTickers((_topic, subject, data) => void allTickers.push([subject, data]));
      await futuresWs.execution('XBTUSDTM', (_topic, _subject, data) => void executions.push(data));

      clock = T0 + 300_000;
      const spotWick = spot.wick('BTC-USDT', [66_000.5, 65_990], 67_390.2, { size: 0.003 });
      const futuresWick = futures.wick('XBTUSDTM', 60_000, 88_100.3, { size: 7 });
      await waitFor(
        'every trade pushed and a ticker after the wick',
        () => matches.length === 3 && executions.length === 2 && tickers.length > 0 && allTickers.length > 0,
      );

      expect(
        matches.map((m) => ({
          makerOrderId: m.makerOrderId,
          price: m.price,
          sequence: m.sequence,
          side: m.side,
          size: m.size,
          symbol: m.symbol,
          takerOrderId: m.takerOrderId,
          time: m.time,
          tradeId: m.tradeId,
          type: m.type,
        })),
      ).toEqual(
        spotWick.map((t) => ({
          makerOrderId: t.makerOrderId,
          price: t.priceText,
          sequence: t.sequence,
          side: t.side,
          size: '0.003',
          symbol: 'BTC-USDT',
          takerOrderId: t.takerOrderId,
          time: `${T0 + 300_000}000000`,
          tradeId: t.tradeId,
          type: 'match',
        })),
      );
      expect(matches.map((m) => m.price)).toEqual(['66000.5', '65990', '67390.2']);
      expect(tickers.map((t) => t.price)).toEqual(['67390.2']);
      const quote = spot.quote('BTC-USDT')!;
      expect(tickers[0]).toMatchObject({
        sequence: String(quote.sequence),
        size: '0.003',
        bestBid: quote.bestBidText,
        bestAsk: quote.bestAskText,
        time: T0 + 300_000,
      });
      expect(allTickers.map(([subject, t]) => [subject, t.price])).toEqual([['BTC-USDT', '67390.2']]);

      expect(executions).toHaveLength(2);
      executions.forEach((e, i) => {
        const t = futuresWick[i];
        expect(e).toMatchObject({
          symbol: 'XBTUSDTM',
          sequence: Number(t.sequence),
          side: t.side,
          size: 7,
          price: t.priceText,
          takerOrderId: t.takerOrderId,
          makerOrderId: t.makerOrderId,
          tradeId: t.tradeId,
        });
        expect(ms(e.ts)).toBe(T0 + 300_000);
      });
      expect(executions.map((e) => e.price)).toEqual(['60000', '88100.3']);
    } finally {
      await Promise.all([spotWs.stop(), futuresWs.stop()]);
    }
  });
});
