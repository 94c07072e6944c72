import type { SymbolEntry } from './subscription-tracker';

export type FeedVerdict = 'healthy' | 'stale_feed' | 'silent_data';

export interface FeedHealthInput {
  readonly now: number;
  /** Last inbound frame of any kind (pongs included). */
  readonly lastMessageAt: number;
  /** Last stream tick on this connection (or the welcome time). */
  readonly lastDataAt: number;
  readonly staleFeedMs: number;
  readonly dataStaleMs: number;
}

/**
 * The silent-feed watchdog's decision, pure. KuCoin feeds are known to stop with no error and no close,
 * sometimes while pongs keep coming, so silence in data counts too — but only for symbols that did stream
 * on this connection, so a symbol acknowledged and then never heard from cannot cause a reconnect loop.
 * `onSilentSymbol` is told of subscribed symbols with no evidence of existence after staleFeedMs. A
 * `dataStaleMs` of 0 turns the data check off (the service audits each topic against KuCoin's view instead,
 * so a quiet market causes no reconnects).
 */
export function feedVerdict(
  input: FeedHealthInput,
  entries: Iterable<[string, SymbolEntry]>,
  onSilentSymbol: (symbol: string) => void,
): FeedVerdict {
  const { now, staleFeedMs } = input;
  if (now - input.lastMessageAt > staleFeedMs) return 'stale_feed';
  let proven = false;
  for (const [symbol, entry] of entries) {
    if (entry.state !== 'subscribed') continue;
    if (entry.lastDataAt > 0) proven = true;
    else if (!entry.seenData && now - entry.ackedAt > staleFeedMs) onSilentSymbol(symbol);
  }
  const { dataStaleMs } = input;
  return dataStaleMs > 0 && proven && now - input.lastDataAt > dataStaleMs ? 'silent_data' : 'healthy';
}
