import type { Firestore } from 'firebase-admin/firestore';
import type { Hit } from '../domain/crossing';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { ExecutionRequest } from './execution.types';
import { FirestoreTransactionService } from './firestore-transaction.service';
import { makeHit } from '../../test/support/ticks';

const position = makeHit({ entry: { path: 'users/u/openPositions/p', stopLoss: 90, takeProfit: null } });
const trigger = makeHit({
  kind: 'trigger',
  marketType: 'spot',
  symbol: 'BTC-USDT',
  entry: { path: 'users/u/tradeTriggers/t', condition: 'below', targetPrice: 90 },
});

/** Only the failure paths: the transactions themselves are exercised on the emulator (test/execution). */
function serviceFailingWith(error: Error) {
  const db = {
    doc: (path: string) => ({ path }),
    runTransaction: () => Promise.reject(error),
  } as unknown as Firestore;
  const metrics = new WorkerMetrics();
  return {
    service: new FirestoreTransactionService(db, { instanceId: 'w', logLevel: 'info' }, metrics),
    metrics,
  };
}

const request = (hit: Hit): ExecutionRequest => ({
  id: 1,
  hit,
  price: 85,
  tickTime: 1,
  crossedAt: 1,
});

describe('FirestoreTransactionService failures', () => {
  it.each([
    [14, 'failed_retryable', 'UNAVAILABLE'],
    [10, 'failed_retryable', 'ABORTED'],
    [7, 'failed_permanent', 'PERMISSION_DENIED'],
    [9, 'failed_permanent', 'FAILED_PRECONDITION'],
  ])('turns gRPC code %p into %s', async (code, kind, name) => {
    const { service } = serviceFailingWith(Object.assign(new Error('boom'), { code }));
    await expect(service.execute(request(position))).resolves.toEqual({ kind, error: 'boom', code: name });
    await expect(service.execute(request(trigger))).resolves.toMatchObject({ kind });
  });

  it('counts every attempt by kind and outcome and times it', async () => {
    const { service, metrics } = serviceFailingWith(Object.assign(new Error('x'), { code: 14 }));
    await service.execute(request(position));
    await service.execute(request(trigger));
    const counts = (await metrics.executions.get()).values.map((v) => [
      v.labels.kind,
      v.labels.outcome,
      v.value,
    ]);
    expect(counts).toEqual([
      ['close_position', 'failed_retryable', 1],
      ['fire_trigger', 'failed_retryable', 1],
    ]);
    const timed = (await metrics.transactionSeconds.get()).values.filter((v) =>
      v.metricName?.endsWith('_count'),
    );
    expect(timed.map((v) => v.value)).toEqual([1, 1]);
  });

  it('refuses a path outside the user collections without touching Firestore', async () => {
    const { service } = serviceFailingWith(new Error('must not be called'));
    const stray = { ...position, entry: { ...position.entry, path: 'archive/x/openPositions/p' } };
    await expect(service.execute(request(stray))).resolves.toMatchObject({
      kind: 'failed_permanent',
      code: 'INVALID_PATH',
    });
  });
});
