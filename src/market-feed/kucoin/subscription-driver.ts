import type { ResolvedConnectionOptions } from './connection-options';
import { topicPrefix } from './feed-channel';
import type { ControlFrame } from './frame-parser';
import type { SessionHost } from './feed-session';
import { SlidingWindowLimiter } from './rate-limiters';
import { subscriptionMessage } from './subscription-plan';
import { type SymbolEntry, SubscriptionTracker } from './subscription-tracker';
import { TimerSet } from './timer-set';
import type { FeedSocket } from './ws-socket';

/** What the driver needs of its session. */
export type SubscriptionHost = Pick<SessionHost, 'id' | 'desired' | 'fail' | 'noteError' | 'reportOnce'>;

/** Re-sends of an unanswered subscribe before its symbol is given up on (or, if nothing was ever answered, the connection). */
const MAX_RESENDS = 3;
/** How often symbols given up on (refused, or never acknowledged) are asked for again. */
const EXCLUDED_RETRY_MS = 300_000;

/**
 * One connection's subscriptions on the wire: requests sent as diffs within KuCoin's message budget, acks
 * and refusals, unanswered requests sent again, and symbols given up on asked for again every 5 minutes.
 * The bookkeeping itself is the SubscriptionTracker's; this adds the socket, the budget and the timers.
 */
export class SubscriptionDriver {
  private readonly tracker: SubscriptionTracker;
  private readonly timers: TimerSet<'drain' | 'retry'>;
  private readonly messages: SlidingWindowLimiter;
  /** Messages kept free in every window for the pings it will need. */
  private readonly pingReserve: number;
  private readonly prefix: string;
  /** "Connection full" is logged once per connection, not once per refused batch. */
  private fullReported = false;

  constructor(
    private readonly options: ResolvedConnectionOptions,
    private readonly host: SubscriptionHost,
    private readonly socket: () => FeedSocket | undefined,
    pingInterval: number,
  ) {
    const { limits, io, market, channel } = options;
    this.timers = new TimerSet(io.clock);
    this.prefix = topicPrefix(market, channel);
    this.tracker = new SubscriptionTracker(limits.symbolsPerMessage);
    // The server counts messages when they arrive, we when we send them: a 10 % longer window keeps a margin.
    this.messages = new SlidingWindowLimiter(
      limits.messagesPerWindow,
      Math.ceil(limits.messageWindowMs * 1.1),
    );
    this.pingReserve = Math.ceil(limits.messageWindowMs / Math.max(1, pingInterval)) + 1;
  }

  /** Per symbol: its state and when data last came, for the watchdog, the ticks and the catch-up. */
  get entries(): ReadonlyMap<string, SymbolEntry> {
    return this.tracker.entries;
  }

  subscribedCount(): number {
    return this.tracker.subscribedCount();
  }

  /** From the welcome on: symbols given up on are asked for again every 5 minutes. */
  start(): void {
    this.timers.set('retry', EXCLUDED_RETRY_MS, () => this.retryExcluded(), true);
  }

  stop(): void {
    this.timers.clearAll();
  }

  /** Sends what the desired set and the subscriptions differ by. */
  sync(): void {
    this.tracker.sync(this.host.desired());
    this.drain();
  }

  /** A ping leaves the same budget as a subscribe. */
  recordPing(now: number): void {
    this.messages.record(now);
  }

  /** The symbols an ack just subscribed, if any. */
  onAck(id: string | undefined, now: number): string[] | undefined {
    return id === undefined ? undefined : this.tracker.ack(id, now);
  }

  /** False if the error answers no request of ours: the connection itself is in trouble. */
  onServerError(frame: ControlFrame): boolean {
    const code = Number(frame.code);
    const text = typeof frame.data === 'string' ? frame.data : '';
    const outcome = this.tracker.reject(frame.id, code);
    if (outcome.kind === 'not_a_request') return false;
    const { sink, logger } = this.options.events;
    this.host.noteError(`subscribe rejected: ${code} ${text}`);
    if (outcome.kind === 'gave_up' && code === 509 && sink.onCapacityExceeded !== undefined) {
      // The connection is full at fewer topics than configured: let the gateway move them elsewhere.
      if (!this.fullReported)
        logger?.warn(`${this.host.id} is full at ${this.tracker.subscribedCount()} topics (509 ${text})`);
      this.fullReported = true;
      sink.onCapacityExceeded(outcome.symbols);
    } else if (outcome.kind === 'gave_up') {
      sink.onRefused?.(outcome.symbols, code);
      for (const symbol of outcome.symbols)
        this.host.reportOnce(symbol, `refused by KuCoin (${code} ${text}); asked for again every 5 minutes`);
    }
    return true;
  }

  /**
   * KuCoin answers a subscribe at once; one left unanswered is sent again, then symbol by symbol, then its
   * symbol is given up on (reported unavailable). A connection that has answered nothing at all is replaced.
   */
  resendUnanswered(now: number): void {
    const { ackTimeoutMs } = this.options.limits;
    const { resent, gaveUp, broken } = this.tracker.expire(now, ackTimeoutMs, MAX_RESENDS);
    if (broken)
      return this.host.fail('ack_timeout', `no answer to a subscribe sent ${MAX_RESENDS + 1} times`);
    if (gaveUp.length > 0) {
      this.options.events.sink.onUnanswered?.(gaveUp);
      for (const symbol of gaveUp)
        this.host.reportOnce(symbol, 'subscribe never acknowledged; asked for again every 5 minutes');
    }
    if (resent === 0) return;
    this.host.noteError(`subscribe unanswered for ${ackTimeoutMs} ms; sent again`);
    this.drain();
  }

  /** Topics that went silent: unsubscribed, then subscribed again by the next sync (whose ack recovers the gap). */
  resubscribe(symbols: readonly string[]): void {
    let any = false;
    for (const symbol of symbols) any = this.tracker.resubscribe(symbol) || any;
    if (any) this.drain();
  }

  private retryExcluded(): void {
    if (this.tracker.retryExcluded().length > 0) this.drain();
  }

  /** Sends queued requests within 100 messages per 10 s, keeping room for the pings of that window. */
  private drain(): void {
    const socket = this.socket();
    if (this.timers.has('drain') || socket === undefined) return;
    while (this.tracker.hasQueued()) {
      const now = this.options.io.clock.now();
      if (!this.messages.tryTake(now, this.pingReserve)) {
        this.timers.set('drain', this.messages.waitMs(now, this.pingReserve), () => this.drain());
        return;
      }
      const next = this.tracker.next(this.host.desired(), now);
      if (next === undefined) return;
      const { action, symbols } = next.request;
      socket.send(JSON.stringify(subscriptionMessage(next.id, action, this.prefix, symbols)));
    }
  }
}
