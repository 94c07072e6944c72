import type { CacheCore } from '../../src/cache/cache-core';
import { collectInto, fullRead } from '../support/collections';
import type { ExecutionConfig } from '../../src/config';
import type { Located, PositionEntry, TriggerEntry } from '../../src/domain/crossing';

/** The service's execution defaults (64 in flight), with no shutdown grace: what the benches run. */
export const BENCH_EXECUTION: ExecutionConfig = {
  concurrency: 64,
  maxAttempts: 5,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  pendingRetryBaseMs: 5_000,
  pendingRetryMaxMs: 60_000,
  shutdownGraceMs: 0,
  terminationGraceMs: 30_000,
};

/** Fills the books as a collection does (each document taken as read, then the sweep), read at time 0. */
export async function loadBooks(
  cache: CacheCore,
  positions: Located<PositionEntry>[],
  triggers: Located<TriggerEntry>[] = [],
): Promise<void> {
  await collectInto(cache, fullRead(positions, triggers, 0));
}
