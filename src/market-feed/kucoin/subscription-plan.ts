export type SubscriptionAction = 'subscribe' | 'unsubscribe';

/** Where one symbol stands on one connection. */
export type SymbolState = 'sub_pending' | 'subscribed' | 'unsub_pending' | 'excluded';

export interface SubscriptionDiff {
  /** Desired symbols the connection has nothing for yet. */
  readonly toSubscribe: string[];
  /** Acknowledged symbols that are no longer desired. */
  readonly toUnsubscribe: string[];
  /** Excluded (unknown) symbols that are no longer desired and can be forgotten. */
  readonly toForget: string[];
}

/**
 * What to send to move the connection toward the desired set. Symbols with a request in flight are left
 * alone; the caller re-runs the diff after every ack or error, so they converge once it settles.
 */
export function diffSubscriptions(
  desired: ReadonlySet<string>,
  states: ReadonlyMap<string, { readonly state: SymbolState }>,
): SubscriptionDiff {
  const toSubscribe: string[] = [];
  const toUnsubscribe: string[] = [];
  const toForget: string[] = [];
  for (const symbol of desired) {
    if (!states.has(symbol)) toSubscribe.push(symbol);
  }
  for (const [symbol, entry] of states) {
    if (desired.has(symbol)) continue;
    if (entry.state === 'subscribed') toUnsubscribe.push(symbol);
    else if (entry.state === 'excluded') toForget.push(symbol);
  }
  return { toSubscribe, toUnsubscribe, toForget };
}

/** Splits symbols into groups of at most `size` (KuCoin: at most 100 comma-joined symbols per message). */
export function batchSymbols(symbols: readonly string[], size: number): string[][] {
  const step = Math.max(1, Math.floor(size));
  const batches: string[][] = [];
  for (let i = 0; i < symbols.length; i += step) batches.push(symbols.slice(i, i + step));
  return batches;
}

function topicFor(prefix: string, symbols: readonly string[]): string {
  return prefix + symbols.join(',');
}

export interface SubscriptionMessage {
  readonly id: string;
  readonly type: SubscriptionAction;
  readonly topic: string;
  readonly privateChannel: false;
  readonly response: true;
}

export function subscriptionMessage(
  id: string,
  action: SubscriptionAction,
  prefix: string,
  symbols: readonly string[],
): SubscriptionMessage {
  return { id, type: action, topic: topicFor(prefix, symbols), privateChannel: false, response: true };
}

/**
 * How to retry a rejected subscribe. A batch that fails as a whole is split so one bad symbol cannot sink
 * the others; a single symbol that fails is given up on (until the next connection). Each symbol is sent
 * at most about 2·log2(batch) times, so this cannot loop.
 */
export function splitRejectedBatch(symbols: readonly string[], code: number): string[][] | 'give_up' {
  if (symbols.length <= 1) return 'give_up';
  // 509 (too many per message, or the connection is nearly full): halve, so as many as fit get in.
  if (code === 509) {
    const half = Math.ceil(symbols.length / 2);
    return [symbols.slice(0, half), symbols.slice(half)];
  }
  // 400/404: the whole message fails for one bad topic; isolate the culprit.
  return symbols.map((symbol) => [symbol]);
}
