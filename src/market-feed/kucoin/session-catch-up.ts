import type { Tick } from '../../domain/market';
import type { ResolvedConnectionOptions } from './connection-options';
import type { FeedChannel } from './feed-channel';
import { fetchMarkPriceTicks } from './instrument-prices';
import { fetchCatchUpTick } from './kucoin-rest';
import { type RestFailure, RestQueue } from './rest-queue';
import type { SymbolEntry } from './subscription-tracker';

/** A catch-up's ticks (the ticker's one, or the mark and index prices), or why there are none. */
export type CatchUpAnswer = readonly Tick[] | 'empty' | 'invalid_price';

/** What the catch-up is called in the line logged for a symbol it finds nothing for. */
const CATCH_UP_NAME: Readonly<Record<FeedChannel, string>> = {
  trades: 'REST ticker',
  instrument: 'REST mark price',
};

/** One symbol's REST catch-up for the connection's channel: the ticker, or the current mark price. */
export function catchUpJob(options: ResolvedConnectionOptions): (symbol: string) => Promise<CatchUpAnswer> {
  const { market, apiUrl, channel, io } = options;
  const now = (): number => io.clock.now();
  if (channel === 'instrument') return (symbol) => fetchMarkPriceTicks(io.fetch, apiUrl, symbol, now);
  return async (symbol) => {
    const answer = await fetchCatchUpTick(io.fetch, market, apiUrl, symbol, now);
    return typeof answer === 'string' ? answer : [answer];
  };
}

/**
 * One connection's REST catch-up after a subscribe: the price now, for symbols the stream has not brought
 * one of since the request. Within the shared REST budget; `clear()` drops queued work and late answers.
 */
export class SessionCatchUp {
  private readonly queue: RestQueue<CatchUpAnswer>;

  constructor(
    private readonly options: ResolvedConnectionOptions,
    /** The connection's subscriptions: an answer counts only for a symbol still subscribed. */
    private readonly entries: () => ReadonlyMap<string, SymbolEntry>,
    private readonly reportOnce: (symbol: string, what: string) => void,
  ) {
    const { market, limits, io } = options;
    this.queue = new RestQueue({
      clock: io.clock,
      bucket: io.restBucket,
      penalty: io.ratePenalty,
      market,
      source: 'catch_up',
      weight: limits.catchUpWeight,
      concurrency: limits.catchUpConcurrency,
      fetchOne: catchUpJob(options),
      onResult: (symbol, result, requestedAt) => this.onResult(symbol, result, requestedAt),
    });
  }

  enqueue(symbols: Iterable<string>): void {
    this.queue.enqueue(symbols);
  }

  clear(): void {
    this.queue.clear();
  }

  private onResult(symbol: string, result: CatchUpAnswer | RestFailure, requestedAt: number): void {
    const { sink } = this.options.events;
    if (typeof result === 'string') {
      sink.onCatchUp(result);
      const name = CATCH_UP_NAME[this.options.channel];
      if (result === 'empty') this.reportOnce(symbol, `has no ${name} (unknown symbol?)`);
      return;
    }
    const entry = this.entries().get(symbol);
    // A stream tick received after the request was issued is newer than this answer.
    if (entry === undefined || entry.state !== 'subscribed' || entry.lastDataAt >= requestedAt) {
      sink.onCatchUp('superseded');
      return;
    }
    entry.seenData = true;
    sink.onCatchUp('ok');
    for (const tick of result) sink.onTick(tick);
  }
}
