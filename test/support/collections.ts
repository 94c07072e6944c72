import type { CacheCore, CollectionOutcome, CollectionTicket, ReadTimes } from '../../src/cache/cache-core';
import type { TurnBudget } from '../../src/cache/book/stepwise';
import type { Located, PositionEntry, TriggerEntry } from '../../src/domain/crossing';

/** What a collection's full read finds: the documents open when their pages were read, and its read times. */
export interface FullReadOf {
  readonly positions: readonly Located<PositionEntry>[];
  readonly triggers: readonly Located<TriggerEntry>[];
  readonly readTimes: ReadTimes;
}

export function fullRead(
  positions: readonly Located<PositionEntry>[],
  triggers: readonly Located<TriggerEntry>[] = [],
  readAt = 50,
): FullReadOf {
  return { positions, triggers, readTimes: { positions: readAt, triggers: readAt } };
}

export interface CollectOptions {
  readonly ticket?: CollectionTicket;
  /** Runs before the read's n-th document (positions first, then triggers) is taken: a change mid-read. */
  readonly beforeDocument?: (n: number) => void;
  /** Between the sweep's turns. */
  readonly pause?: () => Promise<void>;
  readonly budget?: TurnBudget;
}

/**
 * A collection as the collector runs it: every document taken as its page hands it over, then the sweep of
 * what the read did not find.
 */
export function collectInto(
  cache: CacheCore,
  read: FullReadOf,
  { ticket = cache.beginCollection(), beforeDocument, pause, budget }: CollectOptions = {},
): Promise<CollectionOutcome> {
  let n = 0;
  for (const item of read.positions) {
    beforeDocument?.(n++);
    cache.takeRead(ticket, 'position', item);
  }
  for (const item of read.triggers) {
    beforeDocument?.(n++);
    cache.takeRead(ticket, 'trigger', item);
  }
  return cache.finishCollectionInSteps(ticket, read.readTimes, pause ?? (() => Promise.resolve()), budget);
}
