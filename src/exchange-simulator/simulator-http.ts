import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MarketType } from '../domain/market';
import type { SimulatorBook } from './simulator-book';
import type { SimulatorFaults, SimulatorStats } from './simulator.types';

const TICKER_PATH: Record<MarketType, string> = {
  spot: '/api/v1/market/orderbook/level1',
  futures: '/api/v1/ticker',
};

export interface SimulatorHttpDeps {
  readonly book: SimulatorBook;
  readonly stats: SimulatorStats;
  readonly faults: SimulatorFaults;
  /** Tokens handed out and not expired; the upgrade handler checks against it. */
  readonly validTokens: Set<string>;
  readonly wsUrl: () => string;
  readonly pingInterval: number;
  readonly pingTimeout: number;
}

/** The REST half of the simulator: bullet-public and the market's ticker endpoint. */
export class SimulatorHttp {
  private tokenSeq = 0;

  constructor(private readonly deps: SimulatorHttpDeps) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    req.resume();
    if (req.method === 'POST' && url.pathname === '/api/v1/bullet-public') return this.token(res);
    if (req.method === 'GET' && url.pathname === TICKER_PATH[this.deps.book.market]) {
      this.deps.stats.restTickerRequests++;
      return json(res, 200, this.deps.book.restBody(url.searchParams.get('symbol') ?? ''));
    }
    json(res, 404, '{"code":"404000","msg":"Url Not Found"}');
  }

  private token(res: ServerResponse): void {
    const { stats, faults } = this.deps;
    stats.tokenRequests++;
    if (faults.tokenFailuresLeft > 0) {
      faults.tokenFailuresLeft--;
      stats.tokenFailuresServed++;
      const status = faults.tokenFailureStatus;
      return json(res, status, `{"code":"${status}000","msg":"simulated failure"}`);
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

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
