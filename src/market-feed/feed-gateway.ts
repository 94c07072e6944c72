import type { Observable } from 'rxjs';
import type { MarketType, Tick } from '../domain/market';
import type { ReconnectCause } from './kucoin/reconnect-cause';

export interface ConnectionStatus {
  id: string;
  state: 'idle' | 'connecting' | 'connected' | 'backoff' | 'closed';
  connectedSince?: number;
  lastMessageAt?: number;
  reconnects: number;
  subscribedTopics: number;
  /** The last problem as logged, raw (server text, addresses): for logs, never for probe bodies. */
  lastError?: string;
  /** Why the connection was last torn down: a fixed set, safe to show anywhere. */
  lastCause?: ReconnectCause;
}

export interface FeedStatus {
  marketType: MarketType;
  desiredSymbols: number;
  connections: ConnectionStatus[];
  /** Symbols whose missed trades are being recovered: the feed is not caught up until they are. */
  recoveringSymbols: number;
  /** Symbols KuCoin refuses or no longer lists: whatever watches them is not protected. */
  unavailable: UnavailableSymbol[];
}

export interface UnavailableSymbol {
  readonly symbol: string;
  /** `unlisted` (not in the exchange's tickers), or `refused <code>` (its subscribe was refused). */
  readonly reason: string;
}

/** One market's live price feed; other modules code against this, not against KuCoin. */
export interface FeedGateway {
  readonly marketType: MarketType;
  /** One normalized stream of ticks from every connection of this market. */
  readonly ticks$: Observable<Tick>;
  /** May be called often with the full set; idempotent. */
  updateDesired(symbols: Iterable<string>): void;
  desiredSymbols(): ReadonlySet<string>;
  status(): FeedStatus;
  /**
   * A restart watermark (exchange time, ms, through which an earlier run evaluated every watched symbol):
   * each symbol's trades since then are recovered at its first subscribe. Call before updateDesired().
   */
  seedWatermark(time: number): void;
  /**
   * Before a symbol's first subscribe: its trades since `time` (exchange ms) are recovered at that
   * subscribe, from the earlier of this and the restart watermark (a trailing stop's peak is rebuilt from
   * its document's update time). Ignored once the symbol was subscribed. Call before updateDesired().
   */
  recoverFrom(symbol: string, time: number): void;
  /** The exchange time through which every watched symbol has been evaluated; undefined if unknown. */
  evaluatedThrough(): number | undefined;
  /** Closes all sockets and timers; used by graceful shutdown. */
  stop(): Promise<void>;
}
