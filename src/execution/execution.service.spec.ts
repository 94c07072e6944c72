import { Logger } from '@nestjs/common';
import { P1, positionAt, positionHit, seenGone, seenOpen, tickAt } from '../../test/support/crossings';
import { waitFor } from '../../test/support/wait-for';
import { CacheCore } from '../cache/cache-core';
import type { ExecutionConfig } from '../config';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { ExecutionService } from './execution.service';
import type { ExecutionOutcome, ExecutionRequest } from './execution.types';
import type { FirestoreTransactionService } from './firestore-transaction.service';

const CONFIG: ExecutionConfig = {
  concurrency: 2,
  maxAttempts: 3,
  retryBaseMs: 1,
  retryMaxMs: 2,
  pendingRetryBaseMs: 5,
  pendingRetryMaxMs: 10,
  shutdownGraceMs: 1_000,
  terminationGraceMs: 30_000,
};

const HIT = positionHit();
const TICK = tickAt(85, { exchangeTime: 1_000, receivedAt: 1_005 });

const EXECUTED: ExecutionOutcome = { kind: 'executed', reason: 'stop_loss', level: 90, seen: seenGone(11) };
const RETRYABLE: ExecutionOutcome = { kind: 'failed_retryable', error: 'unavailable', code: 'UNAVAILABLE' };
const PERMANENT: ExecutionOutcome = { kind: 'failed_permanent', error: 'denied', code: 'PERMISSION_DENIED' };

/** A store answering with `outcomes` in turn, then EXECUTED. */
function setup(outcomes: ExecutionOutcome[], config: ExecutionConfig = CONFIG) {
  const cache = new CacheCore();
  cache.applyPosition(P1, seenOpen(positionAt()));
  const calls: ExecutionRequest[] = [];
  const store = {
    execute: (request: ExecutionRequest): Promise<ExecutionOutcome> => {
      calls.push(request);
      return Promise.resolve(outcomes.shift() ?? EXECUTED);
    },
  } as unknown as FirestoreTransactionService;
  const metrics = new WorkerMetrics();
  const service = new ExecutionService(cache, store, metrics, config);
  const inBook = (): boolean => cache.positionBook('spot', 'BTC-USDT')?.get(P1) !== undefined;
  return { cache, service, calls, inBook, metrics };
}

describe('ExecutionService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('checks the entry out as a pending crossing the moment it is submitted, and ends it once written', async () => {
    const { cache, service, calls, inBook } = setup([EXECUTED]);
    expect(service.submit(HIT, TICK)).toBe(true);
    expect(inBook()).toBe(false);
    expect(cache.pendingStats().count).toBe(1);
    await service.drain(1_000);
    expect(calls).toEqual([
      expect.objectContaining({ hit: HIT, price: 85, tickTime: 1_000, crossedAt: 1_005 }),
    ]);
    expect(inBook()).toBe(false);
    expect(cache.pendingStats().count).toBe(0);
    expect(service.stats()).toMatchObject({
      outcomes: { executed: 1, already_handled: 0, failed_retryable: 0, failed_permanent: 0 },
      deferred: 0,
      queue: { length: 0 },
    });
  });

  it('ends the crossing without retrying when the document is no longer open', async () => {
    const { cache, service, calls, inBook } = setup([
      { kind: 'already_handled', reason: 'not_open', seen: seenGone(11) },
    ]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(calls).toHaveLength(1);
    expect(inBook()).toBe(false);
    expect(cache.pendingStats().count).toBe(0);
  });

  it('puts the entry back with the levels the transaction found, so the next tick is judged on them', async () => {
    const current = positionAt({ stopLoss: 80 }, { version: 12 });
    const { cache, service, calls } = setup([
      { kind: 'already_handled', reason: 'not_crossed', seen: seenOpen(current) },
    ]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    const book = cache.positionBook('spot', 'BTC-USDT');
    expect(book?.get(P1)?.stopLoss).toBe(80);
    expect(book?.mayCross(TICK.price)).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('retries when the transaction read an older version than a sighting that still crosses', async () => {
    const { cache, service, calls } = setup([
      {
        kind: 'already_handled',
        reason: 'not_crossed',
        seen: seenOpen(positionAt({ stopLoss: 80 }, { version: 12 })),
      },
    ]);
    service.submit(HIT, TICK);
    cache.applyPosition(P1, seenOpen(positionAt({ stopLoss: 88 }, { version: 20 })));
    await service.drain(1_000);
    expect(calls).toHaveLength(2);
    expect(service.stats().outcomes.executed).toBe(1);
  });

  it('retries a retryable failure and ends the crossing when a later attempt succeeds', async () => {
    const { service, calls, inBook } = setup([RETRYABLE, RETRYABLE, EXECUTED]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(calls).toHaveLength(3);
    expect(inBook()).toBe(false);
    expect(service.stats()).toMatchObject({ outcomes: { executed: 1, failed_retryable: 2 }, deferred: 0 });
  });

  it.each([
    ['retryable', RETRYABLE],
    ['permanent', PERMANENT],
  ])(
    'keeps a crossing pending after the fast attempts fail (%s), and writes it later at its original tick',
    async (_label, failure) => {
      // Long enough between pending retries for a poll to see each step (fast attempts are 1-2 ms apart).
      const config = { ...CONFIG, pendingRetryBaseMs: 50, pendingRetryMaxMs: 100 };
      const { cache, service, calls, inBook, metrics } = setup(
        [failure, failure, failure, failure, failure],
        config,
      );
      service.submit(HIT, TICK);
      await waitFor('the fast attempts', () => calls.length === 4, 2_000);
      expect(inBook()).toBe(false); // pending: neither dropped nor waiting for a new crossing
      expect(cache.pendingStats()).toMatchObject({ count: 1, retrying: 1 });
      expect(service.stats().deferred).toBe(1);
      await waitFor('the late write', () => service.stats().outcomes.executed === 1, 2_000);
      expect(calls).toHaveLength(6);
      expect(calls.every((call) => call.price === 85 && call.tickTime === 1_000)).toBe(true);
      expect(cache.pendingStats().count).toBe(0);
      expect((await metrics.crossingsDeferred.get()).values).toEqual([
        expect.objectContaining({ labels: { kind: 'close_position' }, value: 1 }),
      ]);
    },
  );

  it('makes no further attempt once a sighting ended the crossing while it waited', async () => {
    const config = { ...CONFIG, pendingRetryBaseMs: 200, pendingRetryMaxMs: 200 }; // a window to end it in
    const { cache, service, calls } = setup([RETRYABLE, RETRYABLE, RETRYABLE], config);
    service.submit(HIT, TICK);
    await waitFor('three attempts', () => calls.length === 3, 2_000);
    cache.applyPosition(P1, seenGone(30)); // closed by the user meanwhile
    await service.drain(1_000);
    expect(calls).toHaveLength(3);
    expect(service.stats().queue.length).toBe(0);
  });

  it('refuses a trigger whose id was reused, once', async () => {
    const refused: string[] = [];
    const cache = new CacheCore((path) => refused.push(path));
    cache.applyPosition(P1, seenOpen(positionAt()));
    const store = {
      execute: () => Promise.resolve({ kind: 'already_handled', reason: 'reused_id', seen: seenGone(11) }),
    };
    const service = new ExecutionService(cache, store as never, new WorkerMetrics(), CONFIG);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(refused).toEqual([P1]);
    expect(cache.pendingStats().count).toBe(0);
  });

  it('refuses hits once draining, leaving them in the book', async () => {
    const { service, calls, inBook } = setup([]);
    await service.drain(10);
    expect(service.submit(HIT, TICK)).toBe(false);
    expect(inBook()).toBe(true);
    expect(calls).toHaveLength(0);
  });

  it('gives a crossing on the long backoff one last attempt at shutdown, then hands it back to the book', async () => {
    const slow = { ...CONFIG, pendingRetryBaseMs: 60_000, pendingRetryMaxMs: 60_000 };
    const { cache, service, calls, inBook } = setup([RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE], slow);
    service.submit(HIT, TICK);
    await waitFor('the long backoff', () => calls.length === 3 && service.stats().queue.delayed === 1, 2_000);
    await expect(service.shutdown(1_000)).resolves.toBe(true);
    expect(calls).toHaveLength(4);
    expect(inBook()).toBe(true);
    expect(cache.pendingStats().count).toBe(0);
    expect(service.stats().released).toBe(1);
  });

  it('shutdown gives up after the grace period and hands back what is left', async () => {
    const { service, cache } = setup([]);
    const store = { execute: () => new Promise<ExecutionOutcome>(() => undefined) };
    const stuck = new ExecutionService(cache, store as never, new WorkerMetrics(), CONFIG);
    stuck.submit(HIT, TICK);
    await waitFor('the stuck attempt', () => stuck.stats().queue.running === 1, 2_000);
    await expect(stuck.shutdown(20)).resolves.toBe(false);
    await expect(service.shutdown(20)).resolves.toBe(true);
  });
});
