import type { Tick } from '../../domain/market';
import type { ResolvedConnectionOptions } from './connection-options';
import { feedVerdict } from './feed-health';
import { type ControlFrame, isTick, parseFrame } from './frame-parser';
import { scanFrame } from './frame-scanner';
import { IGNORED_FRAME, isInstrumentTicks, parseInstrumentFrame } from './instrument-prices';
import type { WsEndpoint } from './kucoin-rest';
import type { ReconnectCause } from './reconnect-cause';
import { SessionCatchUp } from './session-catch-up';
import { SubscriptionDriver, type SubscriptionHost } from './subscription-driver';
import { TimerSet } from './timer-set';
import type { FeedSocket } from './ws-socket';

type SessionTimer = 'welcome' | 'ping' | 'pong' | 'watchdog' | `${'welcome' | 'pong' | 'watchdog'}_verdict`;

/** What a session needs from the manager that owns the connection's whole life. */
export interface SessionHost {
  readonly id: string;
  desired(): ReadonlySet<string>;
  /** The connection is done for: the manager tears it down and reconnects with backoff. */
  fail(cause: ReconnectCause, message: string): void;
  welcomed(now: number): void;
  noteError(message: string): void;
  /** Logs a symbol's problem once per manager, not once per connection. */
  reportOnce(symbol: string, what: string): void;
  /** KuCoin refused the connection for rate: no connection of the process opens for a while. */
  rateRefused(retryAfterMs?: number): void;
}

/**
 * One WebSocket connection, from the token's URL to its close: welcome gating, the subscriptions (a
 * SubscriptionDriver), ping/pong, the silent-feed watchdog, inbound frames, and the REST catch-up after
 * each subscribe. A new session per connection, so nothing from an older socket can touch a newer one:
 * `close()` stops its timers, socket and catch-up, and its callbacks do nothing after.
 */
export class FeedSession {
  private readonly subscriptions: SubscriptionDriver;
  private readonly catchUp: SessionCatchUp;
  private readonly timers: TimerSet<SessionTimer>;
  /** Mark and index prices (read with JSON.parse) rather than trades (the byte scanner first). */
  private readonly instrument: boolean;
  private socket: FeedSocket | undefined;
  private closed = false;
  private welcomed = false;
  lastMessageAt: number | undefined;
  private lastDataAt = 0;

  constructor(
    private readonly options: ResolvedConnectionOptions,
    private readonly host: SessionHost,
    private readonly endpoint: WsEndpoint,
  ) {
    this.timers = new TimerSet(options.io.clock);
    this.instrument = options.channel === 'instrument';
    const driverHost: SubscriptionHost = {
      id: host.id,
      desired: () => host.desired(),
      fail: (cause, message) => this.fail(cause, message),
      noteError: (message) => host.noteError(message),
      reportOnce: (symbol, what) => host.reportOnce(symbol, what),
    };
    this.subscriptions = new SubscriptionDriver(
      options,
      driverHost,
      () => this.socket,
      endpoint.pingInterval,
    );
    this.catchUp = new SessionCatchUp(
      options,
      () => this.subscriptions.entries,
      (symbol, what) => host.reportOnce(symbol, what),
    );
  }

  start(): void {
    const { io, limits } = this.options;
    const url = `${this.endpoint.endpoint}?token=${this.endpoint.token}&connectId=${io.clock.now()}`;
    this.timers.set('welcome', limits.welcomeTimeoutMs, () =>
      this.afterPendingReads('welcome', () => this.fail('welcome_timeout', 'no welcome in time')),
    );
    this.socket = io.openSocket(url, {
      onOpen: () => undefined,
      onMessage: (frame) => {
        if (!this.closed) this.onMessage(frame);
      },
      onClose: (code, reason) => this.fail('close', `closed ${code}${reason ? ` ${reason}` : ''}`),
      onError: (error) => this.fail('socket_error', error.message),
      onUpgradeRejected: (status, retryAfterMs) => {
        if (status === 429) this.host.rateRefused(retryAfterMs);
        this.fail('upgrade_rejected', `HTTP ${status} on upgrade`);
      },
    });
  }

  close(): void {
    this.closed = true;
    this.timers.clearAll();
    this.subscriptions.stop();
    const socket = this.socket;
    this.socket = undefined;
    this.catchUp.clear();
    try {
      socket?.terminate();
    } catch (error) {
      this.options.events.logger?.warn(`${this.host.id} terminate failed: ${(error as Error).message}`);
    }
  }

  subscribedCount(): number {
    return this.subscriptions.subscribedCount();
  }

  /** Sends what the desired set and the subscriptions differ by; nothing before the welcome. */
  syncSubscriptions(): void {
    if (!this.welcomed || this.closed) return;
    this.subscriptions.sync();
  }

  /** Topics that went silent: unsubscribed, then subscribed again by the next sync (whose ack recovers the gap). */
  resubscribe(symbols: readonly string[]): void {
    this.subscriptions.resubscribe(symbols);
  }

  private fail(cause: ReconnectCause, message: string): void {
    if (!this.closed) this.host.fail(cause, message);
  }

  /** The hot path: one scan of the bytes, no logging, no allocation beyond the Tick. */
  private onMessage(bytes: Buffer | undefined): void {
    const { market, io, events } = this.options;
    const now = io.clock.now();
    this.lastMessageAt = now;
    if (bytes === undefined) {
      events.sink.onRejected('binary');
      return;
    }
    if (this.instrument) return this.onInstrumentFrame(bytes.toString('utf8'), now);
    const tick = scanFrame(market, bytes, now);
    if (tick !== undefined) {
      this.onTick(tick, now);
      return;
    }
    // Control frames, and anything the scanner is not sure of: the full parser decides.
    const frame = parseFrame(market, bytes.toString('utf8'), now);
    if (typeof frame === 'string') events.sink.onRejected(frame);
    else if (isTick(frame)) this.onTick(frame, now);
    else this.onControl(frame, now);
  }

  /** About one frame a second per contract, each carrying a mark and an index price. */
  private onInstrumentFrame(text: string, now: number): void {
    const frame = parseInstrumentFrame(text, now);
    if (frame === IGNORED_FRAME) return;
    if (typeof frame === 'string') this.options.events.sink.onRejected(frame);
    else if (isInstrumentTicks(frame)) {
      // One frame, one verdict: both ticks are of the same contract.
      if (this.onTick(frame[0], now)) this.onTick(frame[1], now);
    } else this.onControl(frame, now);
  }

  /** False when the connection does not hold the tick's symbol (counted as a rejected frame). */
  private onTick(tick: Tick, now: number): boolean {
    const entry = this.subscriptions.entries.get(tick.symbol);
    if (entry === undefined) {
      this.options.events.sink.onRejected('unexpected_symbol');
      return false;
    }
    entry.lastDataAt = now;
    entry.seenData = true;
    this.lastDataAt = now;
    this.options.events.sink.onTick(tick);
    return true;
  }

  private onControl(frame: ControlFrame, now: number): void {
    switch (frame.type) {
      case 'welcome':
        if (!this.welcomed) this.onWelcome(now);
        return;
      case 'pong':
        this.timers.clear('pong');
        this.timers.clear('pong_verdict');
        return;
      case 'ack': {
        const subscribed = this.subscriptions.onAck(frame.id, now);
        if (subscribed !== undefined && subscribed.length > 0)
          this.catchUp.enqueue(this.options.events.sink.onSubscribed?.(subscribed) ?? subscribed);
        this.syncSubscriptions();
        return;
      }
      case 'error':
        if (this.subscriptions.onServerError(frame)) this.syncSubscriptions();
        else this.onConnectionError(frame);
        return;
    }
  }

  private onWelcome(now: number): void {
    this.timers.clear('welcome');
    this.timers.clear('welcome_verdict');
    this.welcomed = true;
    this.lastDataAt = now;
    this.host.welcomed(now);
    this.timers.set('ping', this.endpoint.pingInterval, () => this.sendPing(), true);
    const checkEvery = Math.max(50, Math.min(1_000, Math.floor(this.options.limits.staleFeedMs / 4)));
    this.timers.set(
      'watchdog',
      checkEvery,
      () => this.afterPendingReads('watchdog', () => this.watchdog()),
      true,
    );
    this.subscriptions.start();
    this.syncSubscriptions();
  }

  /** An error that answers no request of ours: a 401 means the token expired. */
  private onConnectionError(frame: ControlFrame): void {
    const code = Number(frame.code);
    const text = typeof frame.data === 'string' ? frame.data : '';
    // KuCoin refuses a connection with 509 before the welcome ("max session count", "service busy").
    if (code === 509 && !this.welcomed) this.host.rateRefused();
    this.fail(code === 401 ? 'token_expired' : 'server_error', `server error ${code}: ${text}`);
  }

  private sendPing(): void {
    if (this.socket === undefined) return;
    const now = this.options.io.clock.now();
    this.subscriptions.recordPing(now);
    this.socket.send(`{"id":"${now}","type":"ping"}`);
    if (!this.timers.has('pong')) {
      this.timers.set('pong', this.endpoint.pingTimeout, () =>
        this.afterPendingReads('pong', () => this.fail('pong_timeout', 'no pong in time')),
      );
    }
  }

  /**
   * A timeout's verdict, given only once the socket's pending frames are read. Node runs due timers before
   * it polls for I/O: after the event loop was held (a GC pause, a long turn) past a timeout, the timer
   * fires while the welcome, pong or ticks that came in time are still unread, and would tear down a
   * healthy connection. A 0 ms timer set now runs after the next poll; the frame cancels it (welcome, pong).
   */
  private afterPendingReads(timeout: 'welcome' | 'pong' | 'watchdog', verdict: () => void): void {
    this.timers.set(`${timeout}_verdict`, 0, verdict);
  }

  private watchdog(): void {
    const { staleFeedMs, dataStaleMs } = this.options.limits;
    const health = {
      now: this.options.io.clock.now(),
      lastMessageAt: this.lastMessageAt ?? 0,
      lastDataAt: this.lastDataAt,
      staleFeedMs,
      dataStaleMs,
    };
    const verdict = feedVerdict(health, this.subscriptions.entries, (symbol) =>
      this.host.reportOnce(
        symbol,
        `acknowledged but no data for ${staleFeedMs} ms (unknown symbol?); left subscribed`,
      ),
    );
    if (verdict === 'stale_feed') return this.fail(verdict, `no message for ${staleFeedMs} ms`);
    if (verdict === 'silent_data') return this.fail(verdict, `no data for ${dataStaleMs} ms`);
    this.subscriptions.resendUnanswered(health.now);
  }
}
