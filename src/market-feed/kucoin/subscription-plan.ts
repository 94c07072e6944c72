export type SubscriptionAction = 'subscribe' | 'unsubscribe';

export interface SubscriptionDiff {
  readonly toSubscribe: string[];
  readonly toUnsubscribe: string[];
}

/**
 * What to send to move from what the server has (or is about to have) to what is desired.
 * `active` = acknowledged plus in-flight subscribes; `excluded` = symbols known not to exist, which are
 * not retried on this connection.
 */
export function diffSubscriptions(
  desired: ReadonlySet<string>,
  active: ReadonlySet<string>,
  excluded: ReadonlySet<string> = new Set(),
): SubscriptionDiff {
  const toSubscribe: string[] = [];
  const toUnsubscribe: string[] = [];
  for (const symbol of desired) {
    if (!active.has(symbol) && !excluded.has(symbol)) toSubscribe.push(symbol);
  }
  for (const symbol of active) {
    if (!desired.has(symbol)) toUnsubscribe.push(symbol);
  }
  return { toSubscribe, toUnsubscribe };
}

/** Splits symbols into groups of at most `size` (KuCoin: at most 100 comma-joined symbols per message). */
export function batchSymbols(symbols: readonly string[], size: number): string[][] {
  const step = Math.max(1, Math.floor(size));
  const batches: string[][] = [];
  for (let i = 0; i < symbols.length; i += step) batches.push(symbols.slice(i, i + step));
  return batches;
}

export function topicFor(prefix: string, symbols: readonly string[]): string {
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
