import type { FetchLike } from '../../../src/market-feed/kucoin/kucoin-rest';
import type { FeedSocket, SocketFactory, SocketHandlers } from '../../../src/market-feed/kucoin/ws-socket';

/** A socket double: records what the manager sends and lets a test play the server. Test-only. */
export class FakeSocket implements FeedSocket {
  readonly sent: Array<Record<string, unknown>> = [];
  /** Date.now() of each sent frame, index-aligned with `sent`. */
  readonly sentAt: number[] = [];
  readonly createdAt = Date.now();
  closed = false;

  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
    this.sentAt.push(Date.now());
  }

  close(): void {
    this.closed = true;
  }

  terminate(): void {
    this.closed = true;
  }

  /** Server → client text frame. */
  serverSends(frame: object | string): void {
    this.handlers.onMessage(Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
  }

  welcome(): void {
    this.serverSends({ id: 'c', type: 'welcome' });
  }

  sentOfType(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((m) => m.type === type);
  }

  /** Acks every subscribe/unsubscribe not yet acked. */
  ackAll(): void {
    for (const m of this.sent.slice(this.acked)) {
      if (m.type === 'subscribe' || m.type === 'unsubscribe') this.serverSends({ id: m.id, type: 'ack' });
    }
    this.acked = this.sent.length;
  }

  private acked = 0;
}

export interface FakeKucoin {
  readonly sockets: FakeSocket[];
  readonly factory: SocketFactory;
  readonly fetch: FetchLike;
  readonly fetchedUrls: string[];
  /** Date.now() of each fetch call, index-aligned with `fetchedUrls`. */
  readonly fetchedAt: number[];
  /** Make the next `count` token calls fail with `status` (0 = network error). */
  failTokens(count: number, status: number): void;
  /** REST ticker answer: a price, or undefined for `data: null`, or a number status for an HTTP error. */
  ticker: (symbol: string) => { price?: string; status?: number };
  latest(): FakeSocket;
}

function response(status: number, body: unknown): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: new Headers(status === 429 ? { 'gw-ratelimit-reset': '5000' } : {}),
    json: () => Promise.resolve(body),
    text: () => Promise.resolve(JSON.stringify(body)),
  } as unknown as Response;
}

/** A fake KuCoin edge (token + REST ticker + sockets) for unit tests under fake timers. */
export function fakeKucoin(pingInterval = 18_000, pingTimeout = 10_000): FakeKucoin {
  let failures = 0;
  let failStatus = 500;
  const fake: FakeKucoin = {
    sockets: [],
    fetchedUrls: [],
    fetchedAt: [],
    factory: (url, handlers) => {
      const socket = new FakeSocket(url, handlers);
      fake.sockets.push(socket);
      return socket;
    },
    fetch: (url) => {
      fake.fetchedUrls.push(url);
      fake.fetchedAt.push(Date.now());
      if (url.endsWith('/api/v1/bullet-public')) {
        if (failures > 0) {
          failures--;
          if (failStatus === 0) return Promise.reject(new Error('ECONNREFUSED'));
          return Promise.resolve(response(failStatus, { code: String(failStatus) }));
        }
        const server = { endpoint: 'wss://ws.test/', pingInterval, pingTimeout };
        return Promise.resolve(
          response(200, {
            code: '200000',
            data: { token: `t${fake.fetchedUrls.length}`, instanceServers: [server] },
          }),
        );
      }
      const symbol = new URL(url).searchParams.get('symbol') ?? '';
      const answer = fake.ticker(symbol);
      if (answer.status !== undefined) return Promise.resolve(response(answer.status, {}));
      const data = answer.price === undefined ? null : { price: answer.price, time: 1, ts: 1_000_000 };
      return Promise.resolve(response(200, { code: '200000', data }));
    },
    failTokens: (count, status) => {
      failures = count;
      failStatus = status;
    },
    ticker: () => ({ price: '100' }),
    latest: () => fake.sockets[fake.sockets.length - 1],
  };
  return fake;
}
