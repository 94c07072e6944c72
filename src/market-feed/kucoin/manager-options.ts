import type { MarketType, Tick } from '../../domain/market';
import type { ConnectionStatus } from '../feed-gateway';
import type { BackoffPolicy } from './backoff';
import type { CatchUpResult } from './rest-queue';
import type { RejectReason } from './frame-parser';
import { SlidingWindowLimiter, TokenBucket } from './rate-limiters';
import {
  type Clock,
  type FetchLike,
  type SocketFactory,
  globalFetch,
  systemClock,
  wsSocketFactory,
} from './seams';

export type ReconnectCause =
  | 'close'
  | 'socket_error'
  | 'upgrade_rejected'
  | 'token_error'
  | 'token_expired'
  | 'server_error'
  | 'welcome_timeout'
  | 'pong_timeout'
  | 'stale_feed'
  | 'silent_data'
  | 'ack_timeout';

/** Where the manager reports what the gateway turns into metrics and the tick stream. */
export interface ManagerSink {
  onTick(tick: Tick): void;
  onRejected(reason: RejectReason): void;
  onReconnect(cause: ReconnectCause): void;
  onCatchUp(result: CatchUpResult): void;
  /**
   * These symbols were just (re)subscribed: the gateway recovers the trades they may have missed, and
   * returns those it has no gap to recover for (never evaluated), which get the REST ticker catch-up.
   */
  onSubscribed?(symbols: string[]): string[];
  /** KuCoin refused these symbols for good (e.g. 404: no such topic). */
  onRefused?(symbols: string[], code: number): void;
  /** Subscribes of these symbols went unanswered after every re-send: given up on, like refused ones. */
  onUnanswered?(symbols: string[]): void;
  /** The server refused these symbols with 509: the connection holds fewer topics than configured. */
  onCapacityExceeded?(symbols: string[]): void;
}

export interface FeedLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WebSocketManagerOptions {
  /** Connection label used in status and metrics, e.g. `spot-0`. */
  readonly id: string;
  readonly market: MarketType;
  /** REST base URL; the WebSocket URL always comes from its bullet-public answer. */
  readonly apiUrl: string;
  /** Spot 100 (documented); futures 1 by default (comma-joining is unconfirmed). */
  readonly symbolsPerMessage: number;
  /** No inbound message at all for this long forces a reconnect. */
  readonly staleFeedMs: number;
  /** No ticker data for this long, while subscribed to symbols that did send data before, forces a reconnect. */
  readonly dataStaleMs?: number;
  readonly backoff?: BackoffPolicy;
  /** A connection that stayed up this long resets the backoff attempt counter. */
  readonly healthyResetMs?: number;
  readonly welcomeTimeoutMs?: number;
  /** A subscribe or unsubscribe unanswered for this long is sent again; three times, and the connection is replaced. */
  readonly ackTimeoutMs?: number;
  /** KuCoin: 100 client messages per 10 s per connection (pings included). */
  readonly maxMessagesPerWindow?: number;
  readonly messageWindowMs?: number;
  /** Shared across connections: KuCoin allows 30 new connections per minute. */
  readonly connectionLimiter?: SlidingWindowLimiter;
  /** Shared across connections: the REST public pool is per IP. */
  readonly restBucket?: TokenBucket;
  readonly restWeightPerCall?: number;
  readonly catchUpConcurrency?: number;
  readonly socketFactory?: SocketFactory;
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly logger?: FeedLogger;
  readonly sink: ManagerSink;
}

export type ResolvedManagerOptions = Required<Omit<WebSocketManagerOptions, 'logger'>> & {
  logger?: FeedLogger;
};

export const KUCOIN_CONNECTIONS_PER_MINUTE = 30;
/** KuCoin public REST pool: 2000 weight per 30 s per IP. */
export const KUCOIN_REST_WEIGHT_PER_30S = 2000;

export function resolveManagerOptions(options: WebSocketManagerOptions): ResolvedManagerOptions {
  return {
    dataStaleMs: options.staleFeedMs * 2,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    healthyResetMs: 60_000,
    welcomeTimeoutMs: 10_000,
    ackTimeoutMs: 10_000,
    maxMessagesPerWindow: 100,
    messageWindowMs: 10_000,
    connectionLimiter: new SlidingWindowLimiter(KUCOIN_CONNECTIONS_PER_MINUTE, 60_000),
    restBucket: new TokenBucket(KUCOIN_REST_WEIGHT_PER_30S / 2, 30_000),
    restWeightPerCall: 2,
    catchUpConcurrency: 4,
    socketFactory: wsSocketFactory,
    fetch: globalFetch,
    clock: systemClock,
    random: Math.random,
    ...stripUndefined(options),
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type ConnectionState = ConnectionStatus['state'];
