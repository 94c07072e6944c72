import { Logger } from '@nestjs/common';
import type { PositionEntry, PositionHit } from '../cache/book/book.types';
import { CacheCore } from '../cache/cache-core';
import type { ExecutionConfig } from '../config';
import type { Tick } from '../domain/market';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { ExecutionService } from './execution.service';
import type { ExecutionOutcome, ExecutionRequest } from './execution.types';
import type { FirestoreTransactionService } from './firestore-transaction.service';

const CONFIG: ExecutionConfig = {
  concurrency: 2,
  maxAttempts: 3,
  retryBaseMs: 1,
  retryMaxMs: 2,
  shutdownGraceMs: 1_000,
};

const ENTRY: PositionEntry = {
  path: 'users/u1/openPositions/p1',
  side: 'long',
  size: 1,
  stopLoss: 90,
  takeProfit: 110,
};
const HIT: PositionHit = {
  kind: 'position',
  marketType: 'spot',
  symbol: 'BTC-USDT',
  entry: ENTRY,
  reason: 'stop_loss',
  level: 90,
};
const TICK: Tick = {
  marketType: 'spot',
  symbol: 'BTC-USDT',
  price: 85,
  exchangeTime: 1_000,
  receivedAt: 1_005,
  source: 'stream',
};

const EXECUTED: ExecutionOutcome = { kind: 'executed', reason: 'stop_loss', level: 90 };
const RETRYABLE: ExecutionOutcome = { kind: 'failed_retryable', error: 'unavailable', code: 'UNAVAILABLE' };
const PERMANENT: ExecutionOutcome = { kind: 'failed_permanent', error: 'denied', code: 'PERMISSION_DENIED' };

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function setup(outcomes: ExecutionOutcome[], config: ExecutionConfig = CONFIG) {
  const cache = new CacheCore();
  cache.applyPosition(ENTRY.path, { marketType: 'spot', symbol: 'BTC-USDT', entry: ENTRY });
  const calls: ExecutionRequest[] = [];
  const store = {
    execute: (request: ExecutionRequest): Promise<ExecutionOutcome> => {
      calls.push(request);
      return Promise.resolve(outcomes.shift() ?? EXECUTED);
    },
  } as unknown as FirestoreTransactionService;
  const service = new ExecutionService(cache, store, new WorkerMetrics(), config);
  const inBook = (): boolean => cache.positionBook('spot', 'BTC-USDT')?.get(ENTRY.path) !== undefined;
  return { cache, service, calls, inBook };
}

describe('ExecutionService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('checks the entry out the moment it is submitted, and settles it once executed', async () => {
    const { service, calls, inBook } = setup([EXECUTED]);
    expect(service.submit(HIT, TICK)).toBe(true);
    expect(inBook()).toBe(false);
    await service.drain(1_000);
    expect(calls).toEqual([{ hit: HIT, price: 85, tickTime: 1_000 }]);
    expect(inBook()).toBe(false);
    expect(service.stats()).toMatchObject({
      outcomes: { executed: 1, already_handled: 0, failed_retryable: 0, failed_permanent: 0 },
      restored: 0,
      queue: { length: 0 },
    });
  });

  it.each<[string, ExecutionOutcome]>([
    ['already handled', { kind: 'already_handled', reason: 'not_open' }],
    ['a permanent failure', PERMANENT],
  ])('settles after %s, without retrying', async (_label, outcome) => {
    const { service, calls, inBook } = setup([outcome]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(calls).toHaveLength(1);
    expect(inBook()).toBe(false);
  });

  it('puts the entry back when the document was changed and is no longer crossed', async () => {
    const { service, inBook } = setup([{ kind: 'already_handled', reason: 'not_crossed' }]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(inBook()).toBe(true);
  });

  it('puts it back with the levels the transaction found, so the next tick is judged on them', async () => {
    const current = { marketType: 'spot' as const, symbol: 'BTC-USDT', entry: { ...ENTRY, stopLoss: 80 } };
    const { cache, service, calls } = setup([{ kind: 'already_handled', reason: 'not_crossed', current }]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    const book = cache.positionBook('spot', 'BTC-USDT');
    expect(book?.get(ENTRY.path)?.stopLoss).toBe(80);
    expect(book?.mayCross(TICK.price)).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('retries a retryable failure and settles when a later attempt succeeds', async () => {
    const { service, calls, inBook } = setup([RETRYABLE, RETRYABLE, EXECUTED]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(calls).toHaveLength(3);
    expect(inBook()).toBe(false);
    expect(service.stats()).toMatchObject({ outcomes: { executed: 1, failed_retryable: 2 }, restored: 0 });
  });

  it('restores the entry to the book once every attempt failed, so a later tick retries it', async () => {
    const { service, calls, inBook } = setup([RETRYABLE, RETRYABLE, RETRYABLE]);
    service.submit(HIT, TICK);
    await service.drain(1_000);
    expect(calls).toHaveLength(3);
    expect(inBook()).toBe(true);
    expect(service.stats()).toMatchObject({ outcomes: { failed_retryable: 3 }, restored: 1 });
  });

  it('refuses hits once draining, leaving them in the book', async () => {
    const { service, calls, inBook } = setup([]);
    await service.drain(10);
    expect(service.submit(HIT, TICK)).toBe(false);
    expect(inBook()).toBe(true);
    expect(calls).toHaveLength(0);
  });

  it('shutdown gives up after the grace period and hands back what is left', async () => {
    const { service, cache } = setup([]);
    const store = { execute: () => new Promise<ExecutionOutcome>(() => undefined) };
    const stuck = new ExecutionService(cache, store as never, new WorkerMetrics(), CONFIG);
    stuck.submit(HIT, TICK);
    await waitFor(() => stuck.stats().queue.running === 1);
    await expect(stuck.shutdown(20)).resolves.toBe(false);
    await expect(service.shutdown(20)).resolves.toBe(true);
  });
});
