import type { Tick } from '../../domain/market';
import { type RestFailure, RestQueue } from './rest-queue';
import { feedVerdict } from './feed-health';
import { type ControlFrame, parseFrame } from './frame-parser';
import { scanFrame } from './frame-scanner';
import { type WsEndpoint, fetchCatchUpTick } from './kucoin-rest';
import type { ReconnectCause, ResolvedManagerOptions } from './manager-options';
import { SlidingWindowLimiter } from './rate-limiters';
import type { FeedSocket } from './seams';
import { subscriptionMessage } from './subscription-plan';
import { SubscriptionTracker } from './subscription-tracker';
import { TimerSet } from './timer-set';

/**
 * Every trade, not a ticker snapshot: KuCoin triggers its own stop orders on the last trade price, and the
 * spot ticker (at most every 100 ms) can miss a wick between two pushes.
 */
export const TOPIC_PREFIX = { spot: '/market/match:', futures: '/contractMarket/execution:' } as const;

type TimerName = 'welcome' | 'ping' | 'pong' | 'watchdog' | 'drain' | 'retry';

/** Re-sends of an unanswered subscribe before its symbol is given up on (or, if nothing was ever answered, the connection). */
const MAX_RESENDS = 3;
/** How often symbols given up on (refused, or never acknowledged) are asked for again. */
const EXCLUDED_RETRY_MS = 300_000;

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
}

/**
 * One WebSocket connection, from the token's URL to its close: welcome gating, subscriptions sent as
 * diffs within KuCoin's message budget, ping/pong, the silent-feed watchdog, inbound frames, and the
 * REST catch-up after each subscribe. A new session per connection, so nothing from an older socket can
 * touch a newer one: `close()` stops its timers, socket and catch-up, and its callbacks do nothing after.
 */
export class FeedSession {
  private readonly subs: SubscriptionTracker;
  private readonly catchUp: RestQueue<Tick | 'empty' | 'invalid_price'>;
  private readonly timers: TimerSet<TimerName>;
  private readonly messages: SlidingWindowLimiter;
  /** Messages kept free in every window for the pings it will need. */
  private readonly pingReserve: number;
  private readonly prefix: string;
  private socket: FeedSocket | undefined;
  private closed = false;
  private welcomed = false;
  lastMessageAt: number | undefined;
  private lastDataAt = 0;
  /** "Connection full" is logged once per connection, not once per refused batch. */
  private fullReported = false;

  constructor(
    private readonly o: ResolvedManagerOptions,
    private readonly host: SessionHost,
    private readonly endpoint: WsEndpoint,
  ) {
    this.timers = new TimerSet(o.clock);
    this.prefix = TOPIC_PREFIX[o.market];
    this.subs = new SubscriptionTracker(o.symbolsPerMessage);
    // The server counts messages when they arrive, we when we send them: a 10 % longer window keeps a margin.
    this.messages = new SlidingWindowLimiter(o.maxMessagesPerWindow, Math.ceil(o.messageWindowMs * 1.1));
    this.pingReserve = Math.ceil(o.messageWindowMs / Math.max(1, endpoint.pingInterval)) + 1;
    this.catchUp = new RestQueue({
      clock: o.clock,
      bucket: o.restBucket,
      weight: o.restWeightPerCall,
      concurrency: o.catchUpConcurrency,
      fetchOne: (symbol) => fetchCatchUpTick(o.fetch, o.market, o.apiUrl, symbol, () => o.clock.now()),
      onResult: (symbol, result, requestedAt) => this.onCatchUp(symbol, result, requestedAt),
    });
  }

  start(): void {
    const url = `${this.endpoint.endpoint}?token=${this.endpoint.token}&connectId=${this.o.clock.now()}`;
    this.timers.set('welcome', this.o.welcomeTimeoutMs, () =>
      this.fail('welcome_timeout', 'no welcome in time'),
    );
    this.socket = this.o.socketFactory(url, {
      onOpen: () => undefined,
      onMessage: (frame) => {
        if (!this.closed) this.onMessage(frame);
      },
      onClose: (code, reason) => this.fail('close', `closed ${code}${reason ? ` ${reason}` : ''}`),
      onError: (error) => this.fail('socket_error', error.message),
      onUpgradeRejected: (status) => this.fail('upgrade_rejected', `HTTP ${status} on upgrade`),
    });
  }

  close(): void {
    this.closed = true;
    this.timers.clearAll();
    const socket = this.socket;
    this.socket = undefined;
    this.catchUp.clear();
    try {
      socket?.terminate();
    } catch (error) {
      this.o.logger?.warn(`${this.host.id} terminate failed: ${(error as Error).message}`);
    }
  }

  subscribedCount(): number {
    return this.subs.subscribedCount();
  }

  /** Sends what the desired set and the subscriptions differ by; nothing before the welcome. */
  syncSubscriptions(): void {
    if (!this.welcomed || this.closed) return;
    this.subs.sync(this.host.desired());
    this.drain();
  }

  private fail(cause: ReconnectCause, message: string): void {
    if (!this.closed) this.host.fail(cause, message);
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
        if (!this.welcomed) this.onWelcome(now);
        return;
      case 'pong':
        this.timers.clear('pong');
        return;
      case 'ack': {
        const subscribed = frame.id === undefined ? undefined : this.subs.ack(frame.id, now);
        if (subscribed !== undefined && subscribed.length > 0)
          this.catchUp.enqueue(this.o.sink.onSubscribed?.(subscribed) ?? subscribed);
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
    this.welcomed = true;
    this.lastDataAt = now;
    this.host.welcomed(now);
    this.timers.set('ping', this.endpoint.pingInterval, () => this.sendPing(), true);
    const checkEvery = Math.max(50, Math.min(1_000, Math.floor(this.o.staleFeedMs / 4)));
    this.timers.set('watchdog', checkEvery, () => this.watchdog(), true);
    this.timers.set('retry', EXCLUDED_RETRY_MS, () => this.retryExcluded(), true);
    this.syncSubscriptions();
  }

  private onServerError(frame: ControlFrame): void {
    const code = Number(frame.code);
    const text = typeof frame.data === 'string' ? frame.data : '';
    const outcome = this.subs.reject(frame.id, code);
    if (outcome.kind === 'not_a_request') {
      this.fail(code === 401 ? 'token_expired' : 'server_error', `server error ${code}: ${text}`);
      return;
    }
    this.host.noteError(`subscribe rejected: ${code} ${text}`);
    if (outcome.kind === 'gave_up' && code === 509 && this.o.sink.onCapacityExceeded !== undefined) {
      // The connection is full at fewer topics than configured: let the gateway move them elsewhere.
      if (!this.fullReported)
        this.o.logger?.warn(`${this.host.id} is full at ${this.subs.subscribedCount()} topics (509 ${text})`);
      this.fullReported = true;
      this.o.sink.onCapacityExceeded(outcome.symbols);
    } else if (outcome.kind === 'gave_up') {
      this.o.sink.onRefused?.(outcome.symbols, code);
      for (const symbol of outcome.symbols)
        this.host.reportOnce(symbol, `refused by KuCoin (${code} ${text}); asked for again every 5 minutes`);
    }
    this.syncSubscriptions();
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
      const next = this.subs.next(this.host.desired(), now);
      if (next === undefined) return;
      const { action, symbols } = next.request;
      this.socket.send(JSON.stringify(subscriptionMessage(next.id, action, this.prefix, symbols)));
    }
  }

  private sendPing(): void {
    if (this.socket === undefined) return;
    const now = this.o.clock.now();
    this.messages.record(now);
    this.socket.send(`{"id":"${now}","type":"ping"}`);
    if (!this.timers.has('pong')) {
      this.timers.set('pong', this.endpoint.pingTimeout, () => this.fail('pong_timeout', 'no pong in time'));
    }
  }

  private watchdog(): void {
    const { clock, staleFeedMs, dataStaleMs } = this.o;
    const health = {
      now: clock.now(),
      lastMessageAt: this.lastMessageAt ?? 0,
      lastDataAt: this.lastDataAt,
      staleFeedMs,
      dataStaleMs,
    };
    const verdict = feedVerdict(health, this.subs.entries, (symbol) =>
      this.host.reportOnce(
        symbol,
        `acknowledged but no data for ${staleFeedMs} ms (unknown symbol?); left subscribed`,
      ),
    );
    if (verdict === 'stale_feed') return this.fail(verdict, `no message for ${staleFeedMs} ms`);
    if (verdict === 'silent_data') return this.fail(verdict, `no trade for ${dataStaleMs} ms`);
    this.resendUnanswered(health.now);
  }

  /**
   * KuCoin answers a subscribe at once; one left unanswered is sent again, then symbol by symbol, then its
   * symbol is given up on (reported unavailable). A connection that has answered nothing at all is replaced.
   */
  private resendUnanswered(now: number): void {
    const { resent, gaveUp, broken } = this.subs.expire(now, this.o.ackTimeoutMs, MAX_RESENDS);
    if (broken) return this.fail('ack_timeout', `no answer to a subscribe sent ${MAX_RESENDS + 1} times`);
    if (gaveUp.length > 0) {
      this.o.sink.onUnanswered?.(gaveUp);
      for (const symbol of gaveUp)
        this.host.reportOnce(symbol, 'subscribe never acknowledged; asked for again every 5 minutes');
    }
    if (resent === 0) return;
    this.host.noteError(`subscribe unanswered for ${this.o.ackTimeoutMs} ms; sent again`);
    this.drain();
  }

  private retryExcluded(): void {
    if (this.subs.retryExcluded().length > 0) this.drain();
  }

  /** Topics that went silent: unsubscribed, then subscribed again by the next sync (whose ack recovers the gap). */
  resubscribe(symbols: readonly string[]): void {
    let any = false;
    for (const symbol of symbols) any = this.subs.resubscribe(symbol) || any;
    if (any) this.drain();
  }

  private onCatchUp(
    symbol: string,
    result: Tick | 'empty' | 'invalid_price' | RestFailure,
    requestedAt: number,
  ): void {
    if (typeof result === 'string') {
      this.o.sink.onCatchUp(result);
      if (result === 'empty') this.host.reportOnce(symbol, 'has no REST ticker (unknown symbol?)');
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
}
