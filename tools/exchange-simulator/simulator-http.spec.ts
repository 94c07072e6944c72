import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MarketType } from '../../src/domain/market';
import { PerIpLimiter } from './per-ip-limits';
import { SimulatorBook } from './simulator-book';
import { SimulatorHttp } from './simulator-http';
import { type SimulatorFaults, type SimulatorStats, emptyStats } from './simulator.types';

/** The REST handler with a fake request and response: routing without a socket. */
function setUp(market: MarketType): {
  book: SimulatorBook;
  stats: SimulatorStats;
  perIp: PerIpLimiter;
  get: (path: string) => { status: number; body: unknown };
} {
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 30);
  const book = new SimulatorBook(market, { clock: () => t0 });
  const stats = emptyStats();
  const perIp = new PerIpLimiter({ clock: () => t0 });
  const http = new SimulatorHttp({
    book,
    stats,
    faults: {} as SimulatorFaults,
    validTokens: new Set(),
    wsUrl: () => 'ws://127.0.0.1:1/',
    pingInterval: 18_000,
    pingTimeout: 10_000,
    perIp,
  });
  const get = (path: string): { status: number; body: unknown } => {
    let status = 0;
    let text = '';
    const req = { url: path, method: 'GET', socket: { remoteAddress: '127.0.0.1' }, resume: () => undefined };
    const res = {
      writeHead: (code: number) => (status = code),
      end: (body: string) => (text = body),
    };
    http.handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    return { status, body: JSON.parse(text) };
  };
  return { book, stats, perIp, get };
}

describe('SimulatorHttp index routes', () => {
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 30);

  it('serves /api/v1/index/query on futures, weighed 2 and counted', () => {
    const { book, stats, perIp, get } = setUp('futures');
    book.instruments.setMark('XBTUSDTM', 90_010, 90_000, t0);
    expect(get('/api/v1/index/query?symbol=.KXBTUSDT&maxCount=5')).toMatchObject({
      status: 200,
      body: { code: '200000', data: { hasMore: false, dataList: [{ timePoint: t0, value: 90_000 }] } },
    });
    expect(get('/api/v1/index/query?symbol=.KXBTUSDT&maxCount=101').status).toBe(400);
    expect(stats.restIndexRequests).toBe(2);
    expect(perIp.records('rest').map((r) => [r.path, r.weight])).toEqual([
      ['/api/v1/index/query', 2],
      ['/api/v1/index/query', 2],
    ]);
  });

  it('answers a kline query for an index symbol from the index history, a contract from its trades', () => {
    const { book, stats, get } = setUp('futures');
    book.instruments.setMark('XBTUSDTM', 90_010, 90_000, t0);
    book.instruments.setMark('XBTUSDTM', 90_010, 90_004.5, t0 + 1_000);
    book.append('XBTUSDTM', 91_000);
    const minute = t0 - 30_000;
    expect(get(`/api/v1/kline/query?symbol=.KXBTUSDT&granularity=1&from=${minute}`).body).toEqual({
      code: '200000',
      data: [[minute, 90_000, 90_004.5, 90_000, 90_004.5, 0]],
    });
    expect(get('/api/v1/kline/query?symbol=XBTUSDTM&granularity=1').body).toEqual({
      code: '200000',
      data: [[minute, 91_000, 91_000, 91_000, 91_000, 1]],
    });
    // 10080 (a week) is refused for an index as for a contract.
    expect(get('/api/v1/kline/query?symbol=.KXBTUSDT&granularity=10080')).toMatchObject({
      status: 400,
      body: { code: '400100' },
    });
    expect(stats.restCandleRequests).toBe(3);
  });

  it('has no index history on the spot host', () => {
    const { stats, get } = setUp('spot');
    expect(get('/api/v1/index/query?symbol=.KXBTUSDT')).toEqual({
      status: 404,
      body: { code: '404000', msg: 'Url Not Found' },
    });
    expect(stats.restIndexRequests).toBe(0);
  });
});
