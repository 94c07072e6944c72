import { INestApplicationContext, Logger } from '@nestjs/common';
import type { ExecutionRequest } from '../../src/execution/execution.types';
import { FirestoreTransactionService } from '../../src/execution/firestore-transaction.service';
import { versionOf } from '../../src/firestore/versions';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { makePosition } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type StorePair, startStorePair } from '../support/store-worker';
import { makeHit } from '../support/ticks';

const POSITION = 'users/alice/openPositions/p1';
const TICK_TIME = 1_750_000_000_123;
const CONDITIONAL = { EXECUTION_WRITE_PATH: 'conditional' };
let crossings = 0;

/** A stop-loss crossing as the cache checks it out: with the version of the document it was found on. */
function closeRequest(price: number, version: number): ExecutionRequest {
  const hit = makeHit({ entry: { path: POSITION, size: 0.5, stopLoss: 55_000, takeProfit: 70_000 } });
  return { id: ++crossings, hit, price, tickTime: TICK_TIME, crossedAt: Date.now(), version };
}

async function conditionalWrites(worker: INestApplicationContext, result: string): Promise<number> {
  const metric = await worker.get(WorkerMetrics).conditionalWrites.get();
  return metric.values.find((v) => v.labels.result === result)?.value ?? 0;
}

/**
 * A close whose document version the cache knows is one write conditioned on that version, with no read;
 * when the document changed (or is gone) one read decides what needs no write, and the transaction writes
 * what still does. Exactly once either way.
 */
describe('closes written on the version the cache knew (lastUpdateTime precondition)', () => {
  let pair: StorePair;
  let store: TestFirestore;
  let a: FirestoreTransactionService;
  let b: FirestoreTransactionService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    pair = await startStorePair(CONDITIONAL);
    ({ store, a, b } = pair);
  });

  afterEach(() => store.clear());

  afterAll(() => pair.close());

  const open = async (fields: Record<string, unknown> = {}): Promise<number> =>
    versionOf((await store.db.doc(POSITION).set(makePosition(fields))).writeTime);

  it('writes the close without a read when the document is at that version, and reports the version it wrote', async () => {
    const version = await open();
    const written = await a.execute(closeRequest(54_321.5, version));
    const doc = await store.db.doc(POSITION).get();
    expect(written).toEqual({
      kind: 'executed',
      reason: 'stop_loss',
      level: 55_000,
      seen: { version: versionOf(doc.updateTime!), item: null },
    });
    expect(doc.data()).toMatchObject({
      status: 'closing',
      closeReason: 'stop_loss',
      closeTriggerPrice: 55_000,
      closePrice: 54_321.5,
      closeTickTime: TICK_TIME,
      closedBy: 'worker-a',
    });
    expect(doc.get('closeRequestedAt')).toBeDefined();
    await expect(conditionalWrites(pair.workers[0], 'written')).resolves.toBe(1);
  });

  it('honours a level moved since: the precondition fails and one read finds it not crossed', async () => {
    const version = await open();
    const moved = await store.db.doc(POSITION).update({ stopLoss: 50_000 });
    const before = await conditionalWrites(pair.workers[0], 'changed');
    await expect(a.execute(closeRequest(54_321.5, version))).resolves.toMatchObject({
      kind: 'already_handled',
      reason: 'not_crossed',
      seen: { version: versionOf(moved.writeTime) },
    });
    expect((await store.db.doc(POSITION).get()).get('status')).toBe('open');
    await expect(conditionalWrites(pair.workers[0], 'changed')).resolves.toBe(before + 1);
  });

  it('a level moved since that is still crossed: the transaction writes it with the current level', async () => {
    const version = await open();
    await store.db.doc(POSITION).update({ stopLoss: 54_500 });
    await expect(a.execute(closeRequest(54_321.5, version))).resolves.toMatchObject({
      kind: 'executed',
      reason: 'stop_loss',
      level: 54_500,
    });
    expect((await store.db.doc(POSITION).get()).data()).toMatchObject({
      status: 'closing',
      closeTriggerPrice: 54_500,
      closePrice: 54_321.5,
      closedBy: 'worker-a',
    });
  });

  it('a document gone since is handled as missing; one closed by someone else as not open', async () => {
    const version = await open();
    await store.db.doc(POSITION).delete();
    await expect(a.execute(closeRequest(54_000, version))).resolves.toMatchObject({
      kind: 'already_handled',
      reason: 'missing',
    });
    const again = await open();
    await store.db.doc(POSITION).update({ status: 'closing', closedBy: 'someone-else' });
    await expect(a.execute(closeRequest(54_000, again))).resolves.toMatchObject({
      kind: 'already_handled',
      reason: 'not_open',
    });
    expect((await store.db.doc(POSITION).get()).get('closedBy')).toBe('someone-else');
  });

  it('a retry of a conditional close that landed though reported failed: its precondition fails, one read finds its own close', async () => {
    const version = await open();
    const crossing = closeRequest(54_000, version);
    await expect(a.execute(crossing)).resolves.toMatchObject({ kind: 'executed' });
    const changedBefore = await conditionalWrites(pair.workers[0], 'changed');
    await expect(a.execute(crossing)).resolves.toMatchObject({ kind: 'executed', landedEarlier: true });
    expect(await conditionalWrites(pair.workers[0], 'changed')).toBe(changedBefore + 1);
    await expect(b.execute({ ...crossing, id: ++crossings })).resolves.toMatchObject({
      kind: 'already_handled',
      reason: 'not_open',
    });
  });

  it('two replicas writing the same crossing at once: exactly one close, the other finds it not open', async () => {
    for (let round = 0; round < 10; round++) {
      const version = await open();
      const outcomes = await Promise.all([
        a.execute(closeRequest(54_000 + round, version)),
        b.execute(closeRequest(54_000 + round, version)),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['already_handled', 'executed']);
      const winner = outcomes[0].kind === 'executed' ? 'worker-a' : 'worker-b';
      const doc = (await store.db.doc(POSITION).get()).data()!;
      expect(doc).toMatchObject({ status: 'closing', closedBy: winner, closePrice: 54_000 + round });
      await store.db.doc(POSITION).delete();
    }
  });
});
