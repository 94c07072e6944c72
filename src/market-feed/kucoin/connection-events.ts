import type { Tick } from '../../domain/market';
import type { RejectReason } from './frame-parser';
import type { ReconnectCause } from './reconnect-cause';
import type { CatchUpResult } from './rest-queue';

/** Where a connection reports what the gateway turns into metrics and the tick stream. */
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

/** What a connection tells the world: its events, and the lines worth a log. */
export interface ConnectionEvents {
  readonly sink: ManagerSink;
  readonly logger?: FeedLogger;
}
