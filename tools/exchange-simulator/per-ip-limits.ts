import type { MarketType } from '../../src/domain/market';

/**
 * KuCoin's REST weights (Public pool, from the SDK spec) by path, spot and futures alike. Paths not
 * listed (nor matched by `PATH_WEIGHTS`) are not counted.
 */
export const REST_WEIGHTS: Readonly<Record<string, number>> = {
  '/api/v1/bullet-public': 10,
  '/api/v1/market/orderbook/level1': 2,
  '/api/v1/ticker': 2,
  '/api/v1/market/allTickers': 15,
  '/api/v1/allTickers': 5,
  '/api/v1/market/histories': 3,
  '/api/v1/trade/history': 5,
  '/api/v1/market/candles': 3,
  '/api/v1/kline/query': 3,
  '/api/v1/contracts/active': 3,
  '/api/v1/index/query': 2,
};

/**
 * Weights of paths with a symbol in them: futures contract details and mark price (3); the same mark-price
 * path on the spot host is margin's (2, spec/rest/api/openapi-margin-market.json).
 */
const PATH_WEIGHTS: readonly { readonly path: RegExp; readonly weight: Record<MarketType, number> }[] = [
  { path: /^\/api\/v1\/contracts\/[^/]+$/, weight: { spot: 3, futures: 3 } },
  { path: /^\/api\/v1\/mark-price\/[^/]+\/current$/, weight: { spot: 2, futures: 3 } },
];

/** A REST path's weight on this market's host, or undefined when it is not counted. */
export function restPathWeight(path: string, market: MarketType = 'futures'): number | undefined {
  return REST_WEIGHTS[path] ?? PATH_WEIGHTS.find((p) => p.path.test(path))?.weight[market];
}

export interface PerIpLimitOptions {
  /** New WebSocket connections per window and client IP; beyond it the upgrade gets HTTP 429. 0: no limit (the default). */
  readonly newConnections?: number;
  /** KuCoin: a minute. */
  readonly connectionWindowMs?: number;
  /** REST weight per window and client IP (KuCoin's Public pool: 2000 per 30 s); beyond it HTTP 429. 0: no limit. */
  readonly restWeight?: number;
  /** KuCoin: 30 s. */
  readonly restWindowMs?: number;
  /** Default Date.now. */
  readonly clock?: () => number;
}

/** One request or upgrade the limits saw, in arrival order. */
export interface PerIpRecord {
  readonly at: number;
  readonly ip: string;
  readonly kind: 'rest' | 'connection';
  /** The REST path, or '/' for an upgrade. */
  readonly path: string;
  readonly weight: number;
  /** Answered 429; then `resetMs` is the `gw-ratelimit-reset` it carried. */
  readonly refused: boolean;
  readonly resetMs?: number;
}

export type PerIpVerdict = { readonly ok: true } | { readonly ok: false; readonly resetMs: number };

interface FixedWindow {
  readonly start: number;
  used: number;
}

/**
 * KuCoin's limits that count per client IP rather than per connection: REST weight and new connections.
 * Each is a fixed window that opens with the IP's first counted call and resets `windowMs` later; a call
 * that would take the IP over its limit is refused (429, not counted) with `gw-ratelimit-reset` = ms
 * until the window resets, as KuCoin answers. Pass one instance to the spot and the futures simulator:
 * KuCoin counts one IP's calls to both hosts against one Public pool.
 */
export class PerIpLimiter {
  /** Every counted path's request and every upgrade, refused or not (for tests: it is never trimmed). */
  readonly log: PerIpRecord[] = [];
  private readonly windows = new Map<string, FixedWindow>();
  private readonly now: () => number;
  private exhaustedUntil = 0;

  constructor(private readonly options: PerIpLimitOptions = {}) {
    this.now = options.clock ?? Date.now;
  }

  /** Judges one REST request (and counts it if admitted); paths without a weight pass uncounted. */
  admitRest(ip: string, path: string, market?: MarketType): PerIpVerdict {
    const weight = restPathWeight(path, market);
    if (weight === undefined) return { ok: true };
    const now = this.now();
    if (now < this.exhaustedUntil) return this.record('rest', ip, path, weight, this.exhaustedUntil - now);
    const { restWeight = 0, restWindowMs = 30_000 } = this.options;
    return this.judge('rest', ip, path, weight, restWeight, restWindowMs);
  }

  /** Judges one WebSocket upgrade (and counts it if admitted). */
  admitConnection(ip: string): PerIpVerdict {
    const { newConnections = 0, connectionWindowMs = 60_000 } = this.options;
    return this.judge('connection', ip, '/', 1, newConnections, connectionWindowMs);
  }

  /**
   * Refuses every REST request, from any IP, for `ms` from now (the pool used up by someone else);
   * returns when that ends.
   */
  exhaustRest(ms: number): number {
    this.exhaustedUntil = this.now() + ms;
    return this.exhaustedUntil;
  }

  /** Records of this kind (both if unset). */
  records(kind?: PerIpRecord['kind']): PerIpRecord[] {
    return this.log.filter((record) => kind === undefined || record.kind === kind);
  }

  /** Requests or upgrades answered 429 so far. */
  refusals(kind?: PerIpRecord['kind']): number {
    return this.records(kind).filter((record) => record.refused).length;
  }

  private judge(
    kind: PerIpRecord['kind'],
    ip: string,
    path: string,
    weight: number,
    limit: number,
    windowMs: number,
  ): PerIpVerdict {
    const now = this.now();
    if (limit <= 0) return this.record(kind, ip, path, weight);
    const key = `${kind} ${normalizeIp(ip)}`;
    let window = this.windows.get(key);
    if (window === undefined || now >= window.start + windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(key, window);
    }
    if (window.used + weight > limit)
      return this.record(kind, ip, path, weight, window.start + windowMs - now);
    window.used += weight;
    return this.record(kind, ip, path, weight);
  }

  private record(
    kind: PerIpRecord['kind'],
    ip: string,
    path: string,
    weight: number,
    resetMs?: number,
  ): PerIpVerdict {
    const reset = resetMs === undefined ? undefined : Math.max(1, Math.ceil(resetMs));
    const refused = reset !== undefined;
    this.log.push({ at: this.now(), ip: normalizeIp(ip), kind, path, weight, refused, resetMs: reset });
    return reset === undefined ? { ok: true } : { ok: false, resetMs: reset };
  }
}

/** An IPv4 client seen through a dual-stack socket (`::ffff:127.0.0.1`) is the same IP. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** KuCoin's body for a 429. */
export const RATE_LIMITED_BODY = '{"code":"429000","msg":"Too Many Requests"}';
