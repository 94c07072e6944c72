import type { Tick } from '../../domain/market';
import type { ConnectionStatus } from '../feed-gateway';
import { fullJitterDelay } from './backoff';
import { CatchUpQueue, type CatchUpResult } from './catch-up-queue';
import { type ControlFrame, parseFrame } from './frame-parser';
import { scanFrame } from './frame-scanner';
import { feedVerdict } from './feed-health';
import { KucoinRestError, fetchPublicToken } from './kucoin-rest';
import {
  type ConnectionState,
  type ReconnectCause,
  type ResolvedManagerOptions,
  type WebSocketManagerOptions,
  resolveManagerOptions,
} from './manager-options';
import { SlidingWindowLimiter } from './rate-limiters';
import type { FeedSocket, SocketHandlers } from './seams';
import { subscriptionMessage } from './subscription-plan';
import { SubscriptionTracker } from './subscription-tracker';
import { TimerSet } from './timer-set';

/**
 * The server counts messages when they arrive, we when we send them; network and event-loop jitter can
 * squeeze a full window's worth into the server's window. A 10 % longer window keeps a margin.
 */
function messageLimiter(o: ResolvedManagerOptions): SlidingWindowLimiter {
  return new SlidingWindowLimiter(o.maxMessagesPerWindow, Math.ceil(o.messageWindowMs * 1.1));
}

const TOPIC_PREFIX = { spot: '/market/ticker:', futures: '/contractMarket/ticker:' } as const;

type TimerName = 'reconnect' | 'welcome' | 'ping' | 'pong' | 'watchdog' | 'drain';

/**
 * Owns one KuCoin WebSocket connection's whole life: token, connect, welcome, subscriptions, heartbeat,
 * silent-feed watchdog, reconnect with backoff and REST catch-up. Plain TypeScript; time, sockets and HTTP
 * come in through the options so the state machine runs under Jest fake timers.
 */
export class WebSocketManager {
  readonly id: string;
  private readonly o: ResolvedManagerOptions;
  private readonly prefix: string;
  private desired: ReadonlySet<string> = new Set();
  private readonly subs: SubscriptionTracker;
  private readonly catchUp: CatchUpQueue;
  private readonly reported = new Set<string>();
  private readonly timers: TimerSet<TimerName>;
  private messages: SlidingWindowLimiter;
  private socket: FeedSocket | undefined;
  private current: ConnectionState = 'idle';
  /** Bumped on every teardown; callbacks of an older socket or token request compare and bail out. */
  private epoch = 0;
  private attempt = 0;
  private reconnects = 0;
  private connectedSince: number | undefined;
  private lastMessageAt: number | undefined;
  private lastDataAt = 0;
  private lastError: string | undefined;
  private pingInterval = 18_000;
  private pingTimeout = 10_000;
  private pingReserve = 2;
  /** "Connection full" is logged once per connection, not once per refused batch. */
  private fullReported = false;

  constructor(options: WebSocketManagerOptions) {
    this.o = resolveManagerOptions(options);
    this.timers = new TimerSet(this.o.clock);
    this.id = options.id;
    this.prefix = TOPIC_PREFIX[options.market];
    this.subs = new SubscriptionTracker(options.symbolsPerMessage);
    this.messages = messageLimiter(this.o);
    this.catchUp = new CatchUpQueue({
      market: options.market,
      apiUrl: options.apiUrl,
      fetch: this.o.fetch,
      clock: this.o.clock,
      bucket: this.o.restBucket,
      weight: this.o.restWeightPerCall,
      concurrency: this.o.catchUpConcurrency,
      onResult: (symbol, result, requestedAt) => this.onCatchUp(symbol, result, requestedAt),
    });
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
    this.syncSubscriptions();
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
      lastMessageAt: this.lastMessageAt,
      reconnects: this.reconnects,
      subscribedTopics: this.subs.subscribedCount(),
      lastError: this.lastError,
    };
  }

  stop(): void {
    this.teardown();
    this.current = 'closed';
  }

  private connect(): void {
    const { clock, connectionLimiter } = this.o;
    const epoch = ++this.epoch;
    const now = clock.now();
    const wait = connectionLimiter.waitMs(now);
    if (wait > 0) {
      // KuCoin allows 30 new connections per minute; wait for a slot rather than be refused.
      this.current = 'backoff';
      this.timers.set('reconnect', wait, () => this.connect());
      return;
    }
    connectionLimiter.record(now);
    this.current = 'connecting';
    this.open(epoch).catch((error: Error) => this.fail('socket_error', error.message, epoch));
  }

  private async open(epoch: number): Promise<void> {
    const { fetch, apiUrl } = this.o;
    let endpoint;
    try {
      endpoint = await fetchPublicToken(fetch, apiUrl);
    } catch (error) {
      // Network errors, 5xx and 429 are expected to pass; anything else (404, 403) is likely a wrong API
      // URL. Both are retried with capped backoff — there is nothing better to do — but the latter loudly.
      if (error instanceof KucoinRestError && !error.retryable) {
        this.o.logger?.error(`${this.id} bullet-public refused: ${error.message}; check the KuCoin API URL`);
      }
      this.fail('token_error', (error as Error).message, epoch);
      return;
    }
    if (epoch !== this.epoch) return;
    this.pingInterval = endpoint.pingInterval;
    this.pingTimeout = endpoint.pingTimeout;
    this.pingReserve = Math.ceil(this.o.messageWindowMs / Math.max(1, this.pingInterval)) + 1;
    this.messages = messageLimiter(this.o);
    const url = `${endpoint.endpoint}?token=${endpoint.token}&connectId=${this.o.clock.now()}`;
    this.timers.set('welcome', this.o.welcomeTimeoutMs, () =>
      this.fail('welcome_timeout', 'no welcome in time', epoch),
    );
    this.socket = this.o.socketFactory(url, this.handlersFor(epoch));
  }

  private handlersFor(epoch: number): SocketHandlers {
    return {
      onOpen: () => undefined,
      onMessage: (frame) => {
        if (epoch === this.epoch) this.onMessage(frame);
      },
      onClose: (code, reason) => this.fail('close', `closed ${code}${reason ? ` ${reason}` : ''}`, epoch),
      onError: (error) => this.fail('socket_error', error.message, epoch),
      onUpgradeRejected: (status) => this.fail('upgrade_rejected', `HTTP ${status} on upgrade`, epoch),
    };
  }

  /** The hot path: one scan of the bytes, no logging, no allocation beyond the Tick. */
  private onMessage(bytes: Buffer | undefined): void {
    const now = this.o.clock.now();
    this.lastMessageAt = now;
    if (bytes === undefined) {
      this.o.sink.onRejected('binary');
      return;
    }

    const tick = scanFrame(this.o.market, bytes, now);
    if (tick !== undefined) {
      this.onTick(tick, now);
      return;
    }
    // Control frames, and anything the scanner is not sure of: the full parser decides.
    const frame = parseFrame(this.o.market, bytes.toString('utf8'), now);
    if (typeof frame === 'string') this.o.sink.onRejected(frame);
    else if ((frame as Tick).marketType !== undefined) this.onTick(frame as Tick, now);
    else this.onControl(frame as ControlFrame, now);
  }

  private onTick(tick: Tick, now: number): void {
    const entry = this.subs.entries.get(tick.symbol);
    if (entry === undefined) {
      this.o.sink.onRejected('unexpected_symbol');
      return;
    }
    entry.lastDataAt = now;
    entry.seenData = true;
    this.lastDataAt = now;
    this.o.sink.onTick(tick);
  }

  private onControl(frame: ControlFrame, now: number): void {
    switch (frame.type) {
      case 'welcome':
        if (this.current === 'connecting') this.onWelcome(now);
        return;
      case 'pong':
        this.timers.clear('pong');
        return;
      case 'ack': {
        const subscribed = frame.id === undefined ? undefined : this.subs.ack(frame.id, now);
        if (subscribed !== undefined && subscribed.length > 0) this.catchUp.enqueue(subscribed);
        this.syncSubscriptions();
        return;
      }
      case 'error':
        this.onServerError(frame);
        return;
    }
  }

  private onWelcome(now: number): void {
    this.timers.clear('welcome');
    this.current = 'connected';
    this.connectedSince = now;
    this.lastDataAt = now;
    const epoch = this.epoch;
    this.timers.set('ping', this.pingInterval, () => this.sendPing(epoch), true);
    const checkEvery = Math.max(50, Math.min(1_000, Math.floor(this.o.staleFeedMs / 4)));
    this.timers.set('watchdog', checkEvery, () => this.watchdog(epoch), true);
    this.syncSubscriptions();
  }

  private onServerError(frame: ControlFrame): void {
    const code = Number(frame.code);
    const text = typeof frame.data === 'string' ? frame.data : '';
    const outcome = this.subs.reject(frame.id, code);
    if (outcome.kind === 'not_a_request') {
      this.fail(code === 401 ? 'token_expired' : 'server_error', `server error ${code}: ${text}`, this.epoch);
      return;
    }
    this.lastError = `subscribe rejected: ${code} ${text}`;
    if (outcome.kind === 'gave_up' && code === 509 && this.o.sink.onCapacityExceeded !== undefined) {
      // The connection is full at fewer topics than configured: let the gateway move them elsewhere.
      if (!this.fullReported)
        this.o.logger?.warn(`${this.id} is full at ${this.subs.subscribedCount()} topics (509 ${text})`);
      this.fullReported = true;
      this.o.sink.onCapacityExceeded(outcome.symbols);
    } else if (outcome.kind === 'gave_up') {
      for (const symbol of outcome.symbols)
        this.reportOnce(symbol, `refused by KuCoin (${code} ${text}); not retried on this connection`);
    }
    this.syncSubscriptions();
  }

  private syncSubscriptions(): void {
    if (this.current !== 'connected') return;
    this.subs.sync(this.desired);
    this.drain();
  }

  /** Sends queued requests within 100 messages per 10 s, keeping room for the pings of that window. */
  private drain(): void {
    if (this.timers.has('drain') || this.socket === undefined) return;
    while (this.subs.hasQueued()) {
      const now = this.o.clock.now();
      if (!this.messages.tryTake(now, this.pingReserve)) {
        this.timers.set('drain', this.messages.waitMs(now, this.pingReserve), () => this.drain());
        return;
      }
      const next = this.subs.next(this.desired);
      if (next === undefined) return;
      const { action, symbols } = next.request;
      this.socket.send(JSON.stringify(subscriptionMessage(next.id, action, this.prefix, symbols)));
    }
  }

  private sendPing(epoch: number): void {
    if (epoch !== this.epoch || this.socket === undefined) return;
    const now = this.o.clock.now();
    this.messages.record(now);
    this.socket.send(`{"id":"${now}","type":"ping"}`);
    if (!this.timers.has('pong')) {
      this.timers.set('pong', this.pingTimeout, () => this.fail('pong_timeout', 'no pong in time', epoch));
    }
  }

  private watchdog(epoch: number): void {
    if (epoch !== this.epoch) return;
    const { clock, staleFeedMs, dataStaleMs } = this.o;
    const health = {
      now: clock.now(),
      lastMessageAt: this.lastMessageAt ?? 0,
      lastDataAt: this.lastDataAt,
      staleFeedMs,
      dataStaleMs,
    };
    const verdict = feedVerdict(health, this.subs.entries, (symbol) =>
      this.reportOnce(
        symbol,
        `acknowledged but no data for ${staleFeedMs} ms (unknown symbol?); left subscribed`,
      ),
    );
    if (verdict === 'stale_feed') this.fail(verdict, `no message for ${staleFeedMs} ms`, epoch);
    else if (verdict === 'silent_data') this.fail(verdict, `no ticker data for ${dataStaleMs} ms`, epoch);
  }

  private onCatchUp(symbol: string, result: Tick | CatchUpResult, requestedAt: number): void {
    if (typeof result === 'string') {
      this.o.sink.onCatchUp(result);
      if (result === 'empty') this.reportOnce(symbol, 'has no REST ticker (unknown symbol?)');
      return;
    }
    const entry = this.subs.entries.get(symbol);
    // A stream tick received after the request was issued is newer than this answer.
    if (entry === undefined || entry.state !== 'subscribed' || entry.lastDataAt >= requestedAt) {
      this.o.sink.onCatchUp('superseded');
      return;
    }
    entry.seenData = true;
    this.o.sink.onCatchUp('ok');
    this.o.sink.onTick(result);
  }

  /** Tears the connection down and schedules the next attempt with full-jitter backoff. */
  private fail(cause: ReconnectCause, message: string, epoch: number): void {
    if (epoch !== this.epoch || this.current === 'closed') return;
    const { clock, backoff, random, connectionLimiter, healthyResetMs } = this.o;
    const now = clock.now();
    if (this.connectedSince !== undefined && now - this.connectedSince >= healthyResetMs) this.attempt = 0;
    this.lastError = `${cause}: ${message}`;
    this.o.logger?.warn(`${this.id} reconnecting after ${cause}: ${message}`);
    this.teardown();
    this.reconnects++;
    this.o.sink.onReconnect(cause);
    if (this.desired.size === 0) {
      this.current = 'idle';
      return;
    }
    const delay = Math.max(fullJitterDelay(backoff, this.attempt++, random), connectionLimiter.waitMs(now));
    this.current = 'backoff';
    this.timers.set('reconnect', delay, () => this.connect());
  }

  private teardown(): void {
    this.epoch++;
    this.timers.clearAll();
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) {
      try {
        socket.terminate();
      } catch (error) {
        this.o.logger?.warn(`${this.id} terminate failed: ${(error as Error).message}`);
      }
    }
    this.subs.reset();
    this.catchUp.clear();
    this.fullReported = false;
    this.connectedSince = undefined;
  }

  private reportOnce(symbol: string, what: string): void {
    if (this.reported.has(symbol)) return;
    this.reported.add(symbol);
    this.o.logger?.warn(`${this.o.market} symbol ${symbol} ${what}`);
  }
}
