import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FUTURES_GRANULARITIES,
  SPOT_CANDLE_TYPES,
  candleRange,
  futuresAllTickers,
  futuresKlines,
  futuresTicker,
  futuresTradeHistory,
  spotAllTickers,
  spotCandles,
  spotHistories,
  spotLevel1,
} from './rest-payloads';
import { indexKlines, indexQuery } from './index-http';
import { instrumentRest } from './instrument-http';
import { type PerIpLimiter, RATE_LIMITED_BODY } from './per-ip-limits';
import type { SimulatorBook } from './simulator-book';
import type { SimulatorFaults, SimulatorStats } from './simulator.types';

export interface SimulatorHttpDeps {
  readonly book: SimulatorBook;
  readonly stats: SimulatorStats;
  readonly faults: SimulatorFaults;
  /** Tokens handed out and not expired; the upgrade handler checks against it. */
  readonly validTokens: Set<string>;
  readonly wsUrl: () => string;
  readonly pingInterval: number;
  readonly pingTimeout: number;
  readonly perIp?: PerIpLimiter;
}

/**
 * KuCoin's answer for a spot symbol it does not list, on the trade-history and candle endpoints: HTTP
 * 400 with code 400100 (a third-party report, knowm/XChange#3110, saw HTTP 400 for histories of a
 * delisted pair; KuCoin's error table gives 400100 for invalid parameters). The tickers answer
 * `data: null` instead (the simulator's long-standing behaviour), and futures history and klines answer
 * an empty list: neither is confirmed by the spec, which documents no error bodies.
 */
const SPOT_UNLISTED = '{"code":"400100","msg":"This pair is not provided at present"}';
const MAX_SPOT_CANDLES = 1_500;
const MAX_FUTURES_CANDLES = 500;

/** The REST half of the simulator: bullet-public and the market-data endpoints, all from the tapes. */
export class SimulatorHttp {
  private tokenSeq = 0;

  constructor(private readonly deps: SimulatorHttpDeps) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    req.resume();
    const ip = req.socket.remoteAddress ?? '';
    const verdict = this.deps.perIp?.admitRest(ip, url.pathname, this.deps.book.market);
    if (verdict?.ok === false)
      return json(res, 429, RATE_LIMITED_BODY, { 'gw-ratelimit-reset': String(verdict.resetMs) });
    if (req.method === 'POST' && url.pathname === '/api/v1/bullet-public') return this.token(res);
    const body = req.method === 'GET' ? this.marketData(url) : undefined;
    if (body === undefined) return json(res, 404, '{"code":"404000","msg":"Url Not Found"}');
    json(res, body.status, body.text);
  }

  private marketData(url: URL): { status: number; text: string } | undefined {
    const { book, stats } = this.deps;
    const q = url.searchParams;
    const symbol = q.get('symbol') ?? '';
    const tape = book.isListed(symbol) ? book.tape(symbol) : undefined;
    const okText = (text: string) => ({ status: 200, text });
    const bad = (msg: string) => ({ status: 400, text: JSON.stringify({ code: '400100', msg }) });
    const spot = book.market === 'spot';
    switch (url.pathname) {
      case spot ? '/api/v1/market/orderbook/level1' : '/api/v1/ticker':
        stats.restTickerRequests++;
        return okText(spot ? spotLevel1(tape) : futuresTicker(tape));
      case spot ? '/api/v1/market/allTickers' : '/api/v1/allTickers': {
        const tapes = [...book.symbols()].flatMap((s) => (book.isListed(s) ? [book.tape(s)!] : []));
        return okText(spot ? spotAllTickers(tapes, book.now()) : futuresAllTickers(tapes));
      }
      case spot ? '/api/v1/market/histories' : '/api/v1/trade/history':
        stats.restTradeHistoryRequests++;
        if (spot && !book.isListed(symbol)) return { status: 400, text: SPOT_UNLISTED };
        return okText(spot ? spotHistories(tape) : futuresTradeHistory(tape));
      case spot ? '/api/v1/market/candles' : '/api/v1/kline/query': {
        stats.restCandleRequests++;
        if (spot && !book.isListed(symbol)) return { status: 400, text: SPOT_UNLISTED };
        const now = book.now();
        if (spot) {
          const period = SPOT_CANDLE_TYPES[q.get('type') ?? ''];
          if (period === undefined) return bad(`type ${q.get('type')} is not supported by the simulator`);
          // Seconds; 0 (the default) means no bound, and an open end means now.
          const from = integer(q.get('startAt')) * 1000;
          const to = integer(q.get('endAt')) * 1000 || now + 1;
          const rows = candleRange(tape?.candles() ?? [], period, from, to, MAX_SPOT_CANDLES);
          return okText(tape === undefined ? '{"code":"200000","data":[]}' : spotCandles(tape, rows));
        }
        const granularity = integer(q.get('granularity'));
        if (!FUTURES_GRANULARITIES.has(granularity))
          return bad(`granularity ${granularity} is not supported`);
        const from = integer(q.get('from'));
        const to = q.has('to') ? integer(q.get('to')) : now + 1;
        // An index symbol (.KXBTUSDT) asks for the index price's candles (spec: Get Klines, `symbol`).
        if (symbol.startsWith('.'))
          return okText(
            indexKlines(book.instruments, symbol, { granularity, from, to }, MAX_FUTURES_CANDLES),
          );
        const rows = candleRange(tape?.candles() ?? [], granularity, from, to, MAX_FUTURES_CANDLES);
        return okText(tape === undefined ? '{"code":"200000","data":[]}' : futuresKlines(tape, rows));
      }
      case '/api/v1/index/query':
        return spot ? undefined : indexQuery(q, book.instruments, stats);
      default:
        return instrumentRest(url.pathname, book, stats);
    }
  }

  private token(res: ServerResponse): void {
    const { stats, faults } = this.deps;
    stats.tokenRequests++;
    if (faults.tokenFailuresLeft > 0) {
      faults.tokenFailuresLeft--;
      stats.tokenFailuresServed++;
      const status = faults.tokenFailureStatus;
      const headers: Record<string, string> =
        status === 429 ? { 'gw-ratelimit-reset': String(faults.tokenFailureResetMs) } : {};
      return json(res, status, `{"code":"${status}000","msg":"simulated failure"}`, headers);
    }
    const token = `sim-token-${++this.tokenSeq}-${Date.now().toString(36)}`;
    this.deps.validTokens.add(token);
    const server = {
      endpoint: this.deps.wsUrl(),
      encrypt: false,
      protocol: 'websocket',
      pingInterval: this.deps.pingInterval,
      pingTimeout: this.deps.pingTimeout,
    };
    json(res, 200, JSON.stringify({ code: '200000', data: { token, instanceServers: [server] } }));
  }
}

function integer(text: string | null): number {
  const value = Number(text ?? 0);
  return Number.isFinite(value) ? Math.floor(value) : 0;
}

function json(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
