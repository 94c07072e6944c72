import { backoffDelay } from '../../timing/backoff';
import type { ConnectionStatus } from '../feed-gateway';
import {
  type ResolvedConnectionOptions,
  type WebSocketManagerOptions,
  resolveConnectionOptions,
} from './connection-options';
import { FeedSession, type SessionHost } from './feed-session';
import { KucoinRestError, fetchPublicToken, rateLimitPauseMs } from './kucoin-rest';
import type { ReconnectCause } from './reconnect-cause';
import { TimerSet } from './timer-set';

type ConnectionState = ConnectionStatus['state'];

/**
 * Owns one KuCoin WebSocket connection's whole life: token, connect, reconnect with backoff within
 * KuCoin's connection limit, and the desired symbols. Each connection itself is a FeedSession (welcome,
 * subscriptions, heartbeat, watchdog, frames, catch-up). Plain TypeScript; time, sockets and HTTP come in
 * through `io` so the state machine runs under Jest fake timers.
 */
export class WebSocketManager {
  readonly id: string;
  private readonly options: ResolvedConnectionOptions;
  private desired: ReadonlySet<string> = new Set();
  private readonly reported = new Set<string>();
  private readonly timers: TimerSet<'reconnect'>;
  private session: FeedSession | undefined;
  private current: ConnectionState = 'idle';
  /** Bumped on every teardown; callbacks of an older session or token request compare and bail out. */
  private epoch = 0;
  private attempt = 0;
  private reconnects = 0;
  private connectedSince: number | undefined;
  private lastMessageAt: number | undefined;
  private lastError: string | undefined;
  private lastCause: ReconnectCause | undefined;

  constructor(options: WebSocketManagerOptions) {
    this.options = resolveConnectionOptions(options);
    this.timers = new TimerSet(this.options.io.clock);
    this.id = options.id;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Replaces the desired set and sends only the difference; never reconnects for it. */
  updateDesired(symbols: Iterable<string>): void {
    if (this.current === 'closed') return;
    const next = new Set(symbols);
    if (next.size === this.desired.size && [...next].every((symbol) => this.desired.has(symbol))) return;
    this.desired = next;
    this.ensureConnected();
    this.session?.syncSubscriptions();
  }

  desiredSymbols(): ReadonlySet<string> {
    return this.desired;
  }

  /** Connects when something is desired; disconnects and idles when nothing is. */
  ensureConnected(): void {
    if (this.current === 'closed') return;
    if (this.desired.size === 0) {
      if (this.current !== 'idle') {
        this.teardown();
        this.current = 'idle';
        this.attempt = 0;
      }
      return;
    }
    if (this.current === 'idle') this.connect();
  }

  status(): ConnectionStatus {
    return {
      id: this.id,
      state: this.current,
      connectedSince: this.connectedSince,
      lastMessageAt: this.session?.lastMessageAt ?? this.lastMessageAt,
      reconnects: this.reconnects,
      subscribedTopics: this.session?.subscribedCount() ?? 0,
      lastError: this.lastError,
      lastCause: this.lastCause,
    };
  }

  stop(): void {
    this.teardown();
    this.current = 'closed';
  }

  /** Unsubscribes and subscribes these symbols again (their topics went silent); the ack recovers the gap. */
  resubscribe(symbols: readonly string[]): void {
    this.session?.resubscribe(symbols);
  }

  /** Replaces the connection (its topics keep going silent while the exchange trades). */
  replace(cause: ReconnectCause, message: string): void {
    this.fail(cause, message, this.epoch);
  }

  private connect(): void {
    const { clock, newConnections } = this.options.io;
    const epoch = ++this.epoch;
    const now = clock.now();
    const wait = this.connectWaitMs(now);
    if (wait > 0) {
      // Within this replica's share of KuCoin's new connections per minute, and never while KuCoin
      // has refused the process for rate (the penalty box): wait rather than be refused.
      this.current = 'backoff';
      this.timers.set('reconnect', wait, () => this.connect());
      return;
    }
    newConnections.record(now, this.attempt > 0);
    this.current = 'connecting';
    this.open(epoch).catch((error: Error) => this.fail('socket_error', error.message, epoch));
  }

  private async open(epoch: number): Promise<void> {
    let endpoint;
    try {
      endpoint = await fetchPublicToken(this.options.io.fetch, this.options.apiUrl);
    } catch (error) {
      // A 429 is the IP's whole pool: every KuCoin caller of the process waits, this reconnect included.
      const pauseMs = rateLimitPauseMs(error);
      const { ratePenalty, clock } = this.options.io;
      if (pauseMs !== undefined) ratePenalty.restRefused(clock.now(), this.options.market, 'token', pauseMs);
      // Network errors, 5xx and 429 are expected to pass; anything else (404, 403) is likely a wrong API
      // URL. Both are retried with capped backoff — there is nothing better to do — but the latter loudly.
      if (error instanceof KucoinRestError && !error.retryable) {
        this.options.events.logger?.error(
          `${this.id} bullet-public refused: ${error.message}; check the KuCoin API URL`,
        );
      }
      this.fail('token_error', (error as Error).message, epoch);
      return;
    }
    if (epoch !== this.epoch) return;
    this.session = new FeedSession(this.options, this.hostFor(epoch), endpoint);
    this.session.start();
  }

  private hostFor(epoch: number): SessionHost {
    return {
      id: this.id,
      desired: () => this.desired,
      fail: (cause, message) => this.fail(cause, message, epoch),
      welcomed: (now) => {
        if (epoch !== this.epoch) return;
        this.current = 'connected';
        this.connectedSince = now;
      },
      noteError: (message) => (this.lastError = message),
      reportOnce: (symbol, what) => this.reportOnce(symbol, what),
      rateRefused: (retryAfterMs) => {
        const { ratePenalty, clock } = this.options.io;
        ratePenalty.connectionRefused(clock.now(), this.options.market, retryAfterMs);
      },
    };
  }

  /** Tears the connection down and schedules the next attempt with full-jitter backoff. */
  private fail(cause: ReconnectCause, message: string, epoch: number): void {
    if (epoch !== this.epoch || this.current === 'closed') return;
    const { limits, io, events } = this.options;
    const now = io.clock.now();
    if (this.connectedSince !== undefined && now - this.connectedSince >= limits.healthyAfterMs)
      this.attempt = 0;
    this.lastError = `${cause}: ${message}`;
    this.lastCause = cause;
    events.logger?.warn(`${this.id} reconnecting after ${cause}: ${message}`);
    this.teardown();
    this.reconnects++;
    events.sink.onReconnect(cause);
    if (this.desired.size === 0) {
      this.current = 'idle';
      return;
    }
    const backoff = backoffDelay(limits.reconnectBackoff, this.attempt++, io.random);
    const delay = Math.max(backoff, this.connectWaitMs(now));
    this.current = 'backoff';
    this.timers.set('reconnect', delay, () => this.connect());
  }

  /**
   * ms until this replica may open a connection: a slot in its share (paced once attempts have failed),
   * and no rate-limit pause running.
   */
  private connectWaitMs(now: number): number {
    const { newConnections, ratePenalty } = this.options.io;
    return Math.max(newConnections.waitMs(now, this.attempt > 0), ratePenalty.connectionWaitMs(now));
  }

  private teardown(): void {
    this.epoch++;
    this.timers.clearAll();
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) {
      this.lastMessageAt = session.lastMessageAt ?? this.lastMessageAt;
      session.close();
    }
    this.connectedSince = undefined;
  }

  private reportOnce(symbol: string, what: string): void {
    if (this.reported.has(symbol)) return;
    this.reported.add(symbol);
    this.options.events.logger?.warn(`${this.options.market} symbol ${symbol} ${what}`);
  }
}
