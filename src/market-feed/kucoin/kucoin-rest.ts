import type { MarketType, Tick } from '../../domain/market';
import { parsePrice } from './frame-parser';

/** The subset of fetch the REST calls use; tests pass a fake returning `new Response(...)`. */
export type FetchLike = (url: string, init: { method: string; signal?: AbortSignal }) => Promise<Response>;

/** How long a KuCoin REST call may take when nothing else is configured (KUCOIN_REST_TIMEOUT_MS). */
export const DEFAULT_REST_TIMEOUT_MS = 10_000;

/** The global fetch, each call given up after `timeoutMs` (a hung call would hold its queue's slot). */
export function timedFetch(timeoutMs: number): FetchLike {
  return (url, init) => fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
}

export const globalFetch: FetchLike = timedFetch(DEFAULT_REST_TIMEOUT_MS);

export interface WsEndpoint {
  readonly endpoint: string;
  readonly token: string;
  readonly pingInterval: number;
  readonly pingTimeout: number;
}

/** A failed REST call; `retryable` is true for network errors, HTTP 5xx and 429. */
export class KucoinRestError extends Error {
  override readonly name = 'KucoinRestError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    /** On 429: KuCoin's `gw-ratelimit-reset` (ms until the pool refills), or 30 s when absent. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const DEFAULT_RATE_LIMIT_RESET_MS = 30_000;

/** KuCoin's wait after a 429 (ms), or undefined when `error` is no 429. */
export function rateLimitPauseMs(error: unknown): number | undefined {
  if (!(error instanceof KucoinRestError) || error.status !== 429) return undefined;
  return error.retryAfterMs ?? DEFAULT_RATE_LIMIT_RESET_MS;
}

function rateLimitResetMs(response: Response): number {
  const reset = Number(response.headers?.get('gw-ratelimit-reset'));
  return reset > 0 ? reset : DEFAULT_RATE_LIMIT_RESET_MS;
}

export async function callJson(fetchFn: FetchLike, method: string, url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, { method });
  } catch (error) {
    throw new KucoinRestError(`${method} ${url} failed: ${(error as Error).message}`, 0, true);
  }
  if (!response.ok) {
    // Drain the body so keep-alive sockets are released.
    await response.text().catch(() => '');
    const status = response.status;
    const retryAfterMs = status === 429 ? rateLimitResetMs(response) : undefined;
    throw new KucoinRestError(
      `${method} ${url} answered HTTP ${status}`,
      status,
      status >= 500 || status === 429,
      retryAfterMs,
    );
  }
  try {
    return await response.json();
  } catch (error) {
    throw new KucoinRestError(
      `${method} ${url} returned invalid JSON: ${(error as Error).message}`,
      200,
      true,
    );
  }
}

/** The `data` object of a KuCoin answer, or undefined when it has none (`data: null` for an unknown symbol). */
export function dataOf(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const data = (body as { data?: unknown }).data;
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}

/** POST {api}/api/v1/bullet-public: a fresh token and the endpoint to use, read every time. */
export async function fetchPublicToken(fetchFn: FetchLike, apiUrl: string): Promise<WsEndpoint> {
  const url = `${apiUrl}/api/v1/bullet-public`;
  const data = dataOf(await callJson(fetchFn, 'POST', url));
  const servers = data?.instanceServers;
  const server = Array.isArray(servers) ? (servers[0] as Record<string, unknown> | undefined) : undefined;
  const token = data?.token;
  if (typeof token !== 'string' || !server || typeof server.endpoint !== 'string') {
    throw new KucoinRestError(`${url} returned no token or instance server`, 200, true);
  }
  if (!isSecureEndpoint(server.endpoint)) {
    // A token response that sends the feed in clear text is refused; the next token may name another server.
    throw new KucoinRestError(`${url} named an endpoint that is not wss:// (${server.endpoint})`, 200, true);
  }
  return {
    endpoint: server.endpoint,
    token,
    pingInterval: typeof server.pingInterval === 'number' ? server.pingInterval : 18_000,
    pingTimeout: typeof server.pingTimeout === 'number' ? server.pingTimeout : 10_000,
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** `wss://`, or plain `ws://` on loopback only (a local exchange simulator, a test). */
export function isSecureEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol === 'wss:') return true;
  return (
    url.protocol === 'ws:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname))
  );
}

function tickerUrl(market: MarketType, apiUrl: string, symbol: string): string {
  const path = market === 'spot' ? '/api/v1/market/orderbook/level1' : '/api/v1/ticker';
  return `${apiUrl}${path}?symbol=${encodeURIComponent(symbol)}`;
}

/** A REST ticker as a catch-up Tick; `empty` when KuCoin has no data for the symbol (unknown symbol). */
export function restTickerToTick(
  market: MarketType,
  symbol: string,
  body: unknown,
  receivedAt: number,
): Tick | 'empty' | 'invalid_price' {
  const data = dataOf(body);
  if (!data) return 'empty';
  const price = parsePrice(data.price);
  if (price !== price) return 'invalid_price';
  const bid = parsePrice(market === 'spot' ? data.bestBid : data.bestBidPrice);
  const ask = parsePrice(market === 'spot' ? data.bestAsk : data.bestAskPrice);
  const rawTime = market === 'spot' ? Number(data.time) : Math.floor(Number(data.ts) / 1e6);
  return {
    marketType: market,
    symbol,
    price,
    bestBid: bid === bid ? bid : undefined,
    bestAsk: ask === ask ? ask : undefined,
    exchangeTime: rawTime > 0 ? rawTime : receivedAt,
    receivedAt,
    source: 'catch_up',
  };
}

export async function fetchTickerBody(
  fetchFn: FetchLike,
  market: MarketType,
  apiUrl: string,
  symbol: string,
): Promise<unknown> {
  return callJson(fetchFn, 'GET', tickerUrl(market, apiUrl, symbol));
}

/** The ticker catch-up job: the REST ticker as a Tick, or why there is none. */
export async function fetchCatchUpTick(
  fetchFn: FetchLike,
  market: MarketType,
  apiUrl: string,
  symbol: string,
  now: () => number,
): Promise<Tick | 'empty' | 'invalid_price'> {
  return restTickerToTick(market, symbol, await fetchTickerBody(fetchFn, market, apiUrl, symbol), now());
}
