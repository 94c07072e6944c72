import {
  type SubscriptionAction,
  type SymbolState,
  batchSymbols,
  diffSubscriptions,
  splitRejectedBatch,
} from './subscription-plan';

export interface SymbolEntry {
  state: SymbolState;
  ackedAt: number;
  /** Last stream tick on this connection; 0 = none yet. */
  lastDataAt: number;
  /** Any evidence the symbol exists (a stream tick or a REST ticker). */
  seenData: boolean;
}

export interface SubscriptionRequest {
  readonly action: SubscriptionAction;
  readonly symbols: string[];
  /** How many times this request was sent without an answer before. */
  readonly resends?: number;
}

interface Sent {
  readonly request: SubscriptionRequest;
  readonly sentAt: number;
}

export type ErrorOutcome =
  | { readonly kind: 'not_a_request' }
  | { readonly kind: 'retrying' }
  | { readonly kind: 'gave_up'; readonly symbols: string[] };

/**
 * One connection's subscription bookkeeping, with no I/O and no timers: what is acknowledged, what is in
 * flight, what is queued, and which symbols the server refused. The manager sends what `next()` yields.
 */
export class SubscriptionTracker {
  readonly entries = new Map<string, SymbolEntry>();
  private readonly inFlight = new Map<string, Sent>();
  private queue: SubscriptionRequest[] = [];
  private seq = 0;

  constructor(private readonly symbolsPerMessage: number) {}

  reset(): void {
    this.entries.clear();
    this.inFlight.clear();
    this.queue = [];
  }

  /** Queues what moves the connection toward `desired`; unsubscribes first, so topic slots free up. */
  sync(desired: ReadonlySet<string>): void {
    const diff = diffSubscriptions(desired, this.entries);
    for (const symbol of diff.toForget) this.entries.delete(symbol);
    for (const symbol of diff.toUnsubscribe) this.entries.get(symbol)!.state = 'unsub_pending';
    for (const batch of batchSymbols(diff.toUnsubscribe, this.symbolsPerMessage)) {
      this.queue.push({ action: 'unsubscribe', symbols: batch });
    }
    for (const symbol of diff.toSubscribe) {
      this.entries.set(symbol, { state: 'sub_pending', ackedAt: 0, lastDataAt: 0, seenData: false });
    }
    for (const batch of batchSymbols(diff.toSubscribe, this.symbolsPerMessage)) {
      this.queue.push({ action: 'subscribe', symbols: batch });
    }
  }

  hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /**
   * The next request to send, with its id, now registered as in flight. Symbols dropped from the desired
   * set while queued are forgotten instead of being subscribed only to be unsubscribed again.
   */
  next(desired: ReadonlySet<string>, now = 0): { id: string; request: SubscriptionRequest } | undefined {
    while (this.queue.length > 0) {
      let request = this.queue.shift()!;
      if (request.action === 'subscribe') {
        const wanted = request.symbols.filter((symbol) => desired.has(symbol));
        for (const symbol of request.symbols) if (!desired.has(symbol)) this.entries.delete(symbol);
        if (wanted.length === 0) continue;
        request = { ...request, symbols: wanted };
      }
      const id = String(++this.seq);
      this.inFlight.set(id, { request, sentAt: now });
      return { id, request };
    }
    return undefined;
  }

  /** Marks an ack; returns the symbols newly subscribed (for catch-up), or undefined for an unknown id. */
  ack(id: string, now: number): string[] | undefined {
    const request = this.inFlight.get(id)?.request;
    if (request === undefined) return undefined;
    this.inFlight.delete(id);
    const subscribed: string[] = [];
    for (const symbol of request.symbols) {
      const entry = this.entries.get(symbol);
      if (entry === undefined) continue;
      if (request.action === 'subscribe' && entry.state === 'sub_pending') {
        entry.state = 'subscribed';
        entry.ackedAt = now;
        subscribed.push(symbol);
      } else if (request.action === 'unsubscribe' && entry.state === 'unsub_pending') {
        this.entries.delete(symbol);
      }
    }
    return subscribed;
  }

  /** Handles an error frame whose id may name one of our requests. */
  reject(id: string | undefined, code: number): ErrorOutcome {
    const request = id === undefined ? undefined : this.inFlight.get(id)?.request;
    if (request === undefined) return { kind: 'not_a_request' };
    this.inFlight.delete(id!);
    if (request.action === 'unsubscribe') {
      // The server does not hold the topic; either way it is not subscribed any more.
      for (const symbol of request.symbols) this.entries.delete(symbol);
      return { kind: 'retrying' };
    }
    const plan = splitRejectedBatch(request.symbols, code);
    if (plan !== 'give_up') {
      this.queue.unshift(
        ...plan.map((batch): SubscriptionRequest => ({ action: 'subscribe', symbols: batch })),
      );
      return { kind: 'retrying' };
    }
    const gaveUp: string[] = [];
    for (const symbol of request.symbols) {
      const entry = this.entries.get(symbol);
      if (entry !== undefined && entry.state === 'sub_pending') {
        entry.state = 'excluded';
        gaveUp.push(symbol);
      }
    }
    return { kind: 'gave_up', symbols: gaveUp };
  }

  /**
   * Requests unanswered for `timeoutMs` are queued again (a late answer to the old id is then ignored);
   * returns the most times any of them has now been sent unanswered.
   */
  expire(now: number, timeoutMs: number): number {
    let most = 0;
    for (const [id, { request, sentAt }] of this.inFlight) {
      if (now - sentAt < timeoutMs) continue;
      this.inFlight.delete(id);
      const resends = (request.resends ?? 0) + 1;
      this.queue.unshift({ ...request, resends });
      most = Math.max(most, resends);
    }
    return most;
  }

  /**
   * A subscribed topic that went silent: unsubscribe it, and the next sync subscribes it again (its ack then
   * starts a recovery of the gap). False if the symbol is not subscribed here.
   */
  resubscribe(symbol: string): boolean {
    const entry = this.entries.get(symbol);
    if (entry?.state !== 'subscribed') return false;
    entry.state = 'unsub_pending';
    this.queue.push({ action: 'unsubscribe', symbols: [symbol] });
    return true;
  }

  subscribedCount(): number {
    let count = 0;
    for (const entry of this.entries.values())
      if (entry.state !== 'sub_pending' && entry.state !== 'excluded') count++;
    return count;
  }

  /** Topics per subscribe message as sent, for tests and status. */
  inFlightCount(): number {
    return this.inFlight.size;
  }
}
