import type { Observable } from 'rxjs';
import type { MarketType, Tick } from '../domain/market';

export interface ConnectionStatus {
  id: string;
  state: 'idle' | 'connecting' | 'connected' | 'backoff' | 'closed';
  connectedSince?: number;
  lastMessageAt?: number;
  reconnects: number;
  subscribedTopics: number;
  lastError?: string;
}

export interface FeedStatus {
  marketType: MarketType;
  desiredSymbols: number;
  connections: ConnectionStatus[];
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
  /** Closes all sockets and timers; used by graceful shutdown. */
  stop(): Promise<void>;
}
