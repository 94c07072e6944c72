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
  /** Whether any request on this connection was answered: a connection that answers nothing is broken. */
  private answered = false;

  constructor(private readonly symbolsPerMessage: number) {}

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
    this.answered = true;
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
    this.answered = true;
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
   * Requests unanswered for `timeoutMs` are queued again (a late answer to the old id is then ignored), up
   * to `maxResends` times. Past that, a batch is split so one symbol cannot sink the others, an unsubscribe
   * is taken as done, and a single symbol is given up on until `retryExcluded`, like a refused one.
   * `broken`: a request ran out of re-sends on a connection that has answered nothing at all.
   */
  expire(
    now: number,
    timeoutMs: number,
    maxResends: number,
  ): { resent: number; gaveUp: string[]; broken: boolean } {
    let resent = 0;
    let broken = false;
    const gaveUp: string[] = [];
    for (const [id, { request, sentAt }] of this.inFlight) {
      if (now - sentAt < timeoutMs) continue;
      this.inFlight.delete(id);
      const resends = (request.resends ?? 0) + 1;
      if (resends > maxResends && !this.answered) broken = true;
      else if (resends <= maxResends) {
        this.queue.unshift({ ...request, resends });
        resent++;
      } else if (request.action === 'unsubscribe') {
        for (const symbol of request.symbols) this.entries.delete(symbol);
      } else if (request.symbols.length > 1) {
        const alone = request.symbols.map((symbol): SubscriptionRequest => ({
          action: 'subscribe',
          symbols: [symbol],
        }));
        this.queue.unshift(...alone);
        resent++;
      } else {
        const entry = this.entries.get(request.symbols[0]);
        if (entry?.state === 'sub_pending') {
          entry.state = 'excluded';
          gaveUp.push(request.symbols[0]);
        }
      }
    }
    return { resent, gaveUp, broken };
  }

  /**
   * Symbols given up on (refused, or never acknowledged) are asked for again: a pair listed after a
   * refusal, or a lost ack, must not leave its watchers unprotected for the connection's whole life.
   */
  retryExcluded(): string[] {
    const again: string[] = [];
    for (const [symbol, entry] of this.entries)
      if (entry.state === 'excluded') {
        entry.state = 'sub_pending';
        again.push(symbol);
      }
    for (const batch of batchSymbols(again, this.symbolsPerMessage))
      this.queue.push({ action: 'subscribe', symbols: batch });
    return again;
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
}
