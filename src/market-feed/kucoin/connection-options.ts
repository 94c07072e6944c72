import type { MarketType } from '../../domain/market';
import type { BackoffPolicy } from '../../timing/backoff';
import { type Clock, systemClock } from '../../timing/clock';
import type { ConnectionEvents } from './connection-events';
import { CATCH_UP_WEIGHT, type FeedChannel } from './feed-channel';
import { type FetchLike, globalFetch } from './kucoin-rest';
import { KUCOIN_CONNECTIONS_PER_MINUTE, KUCOIN_REST_WEIGHT_PER_30S } from './kucoin.constants';
import { RateLimitPenalty } from './rate-limit-penalty';
import { type ConnectionBudget, PacedWindowLimiter, type RestBudget, WeightWindow } from './rate-limiters';
import { type SocketFactory, wsSocketFactory } from './ws-socket';

/** What KuCoin allows one connection, and how long it is given to answer; unset ones take KuCoin's values. */
export interface ConnectionLimits {
  /**
   * Spot 100 (documented); futures 1 by default (comma-joining is unconfirmed). Always 1 on the
   * instrument channel: its spec lists one `{symbol}`, and nobody is known to comma-join it.
   */
  readonly symbolsPerMessage: number;
  /** No inbound message at all for this long forces a reconnect. */
  readonly staleFeedMs: number;
  /**
   * No trade for this long, while subscribed to symbols that did send trades before, forces a reconnect;
   * 0: never. Default twice `staleFeedMs`.
   */
  readonly dataStaleMs?: number;
  readonly welcomeTimeoutMs?: number;
  /** A subscribe unanswered for this long is sent again (see FeedSession for what follows). */
  readonly ackTimeoutMs?: number;
  /** KuCoin: 100 client messages per 10 s per connection (pings included). */
  readonly messagesPerWindow?: number;
  readonly messageWindowMs?: number;
  /** Delay before the n-th reconnect in a row: exponential, full jitter, capped. */
  readonly reconnectBackoff?: BackoffPolicy;
  /** A connection that stayed up this long starts its next reconnect backoff from the first attempt. */
  readonly healthyAfterMs?: number;
  /** KuCoin REST weight of one catch-up; default the channel's (CATCH_UP_WEIGHT). */
  readonly catchUpWeight?: number;
  readonly catchUpConcurrency?: number;
}

/** Where a connection's sockets, HTTP calls, time and shared budgets come from. */
export interface ConnectionIo {
  readonly openSocket: SocketFactory;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  /** In [0, 1): the reconnect backoff's jitter. */
  readonly random: () => number;
  /** Shared across connections: KuCoin allows 30 new connections per minute (this replica's share of them). */
  readonly newConnections: ConnectionBudget;
  /** Shared across connections: the REST public pool is per IP (this replica's share of it). */
  readonly restBucket: RestBudget;
  /** Shared across connections and markets: after a 429 every KuCoin caller of the process waits. */
  readonly ratePenalty: RateLimitPenalty;
}

export interface WebSocketManagerOptions {
  /** Connection label used in status and metrics, e.g. `spot-0`. */
  readonly id: string;
  readonly market: MarketType;
  /** What the connection streams; default `trades`. `instrument` is futures only. */
  readonly channel?: FeedChannel;
  /** REST base URL; the WebSocket URL always comes from its bullet-public answer. */
  readonly apiUrl: string;
  readonly limits: ConnectionLimits;
  /** Unset ones: real sockets, global fetch, the system clock, and budgets of this connection's own. */
  readonly io?: Partial<ConnectionIo>;
  readonly events: ConnectionEvents;
}

export interface ResolvedConnectionOptions {
  readonly id: string;
  readonly market: MarketType;
  readonly channel: FeedChannel;
  readonly apiUrl: string;
  readonly limits: Required<ConnectionLimits>;
  readonly io: ConnectionIo;
  readonly events: ConnectionEvents;
}

export function resolveConnectionOptions(options: WebSocketManagerOptions): ResolvedConnectionOptions {
  const { id, market, apiUrl, events } = options;
  const channel = options.channel ?? 'trades';
  if (channel === 'instrument' && market !== 'futures')
    throw new Error(`${id}: the instrument channel (mark and index prices) is futures only`);
  const limits: Required<ConnectionLimits> = {
    dataStaleMs: options.limits.staleFeedMs * 2,
    welcomeTimeoutMs: 10_000,
    ackTimeoutMs: 10_000,
    messagesPerWindow: 100,
    messageWindowMs: 10_000,
    reconnectBackoff: { baseMs: 1_000, maxMs: 60_000 },
    healthyAfterMs: 60_000,
    catchUpWeight: CATCH_UP_WEIGHT[channel],
    catchUpConcurrency: 4,
    ...definedOnly(options.limits),
    ...(channel === 'instrument' ? { symbolsPerMessage: 1 } : {}),
  };
  const io: ConnectionIo = {
    openSocket: wsSocketFactory,
    fetch: globalFetch,
    clock: systemClock,
    random: Math.random,
    newConnections: new PacedWindowLimiter(KUCOIN_CONNECTIONS_PER_MINUTE, 60_000),
    restBucket: new WeightWindow(KUCOIN_REST_WEIGHT_PER_30S / 2, 30_000),
    ratePenalty: new RateLimitPenalty(),
    ...definedOnly(options.io ?? {}),
  };
  return { id, market, channel, apiUrl, limits, io, events };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
