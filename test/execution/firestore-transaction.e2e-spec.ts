import { Logger } from '@nestjs/common';
import { Timestamp } from 'firebase-admin/firestore';
import type { ExecutionRequest } from '../../src/execution/execution.types';
import { FirestoreTransactionService } from '../../src/execution/firestore-transaction.service';
import { versionOf } from '../../src/firestore/versions';
import { makePosition, makeTrigger } from '../support/documents';
import type { TestFirestore } from '../support/firestore';
import { type StorePair, startStorePair } from '../support/store-worker';
import { makeHit } from '../support/ticks';

const POSITION = 'users/alice/openPositions/p1';
const TRIGGER = 'users/bob/tradeTriggers/t1';
const EXECUTED = 'users/bob/executedTriggers/t1';

/** Each request is its own pending crossing, as the cache would check it out. */
let crossings = 0;

function closeRequest(price: number, path = POSITION): ExecutionRequest {
  const hit = makeHit({ entry: { path, size: 0.5, stopLoss: 55_000, takeProfit: 70_000 } });
  return { id: ++crossings, hit, price, tickTime: 1_750_000_000_123, crossedAt: Date.now() };
}

function fireRequest(price: number, path = TRIGGER): ExecutionRequest {
  const hit = makeHit({ kind: 'trigger', entry: { path, targetPrice: 65_000 } });
  return { id: ++crossings, hit, price, tickTime: 1_750_000_000_456, crossedAt: Date.now() };
}

describe('FirestoreTransactionService on the emulator', () => {
  let pair: StorePair;
  let store: TestFirestore;
  let a: FirestoreTransactionService;
  let b: FirestoreTransactionService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    pair = await startStorePair();
    ({ store, a, b } = pair);
  });

  afterEach(() => store.clear());

  afterAll(() => pair.close());

  describe('closing a position', () => {
    it('writes closing with the tick price, the level, the tick time and who closed it; a second attempt does nothing', async () => {
      const opened = await store.db.doc(POSITION).set(makePosition());

      await expect(a.execute(closeRequest(54_321.5))).resolves.toEqual({
        kind: 'executed',
        reason: 'stop_loss',
        level: 55_000,
        // Written over the version it read: no longer open, as of later than that version.
        seen: { version: versionOf(opened.writeTime) + 1, item: null },
      });
      const closedSnapshot = await store.db.doc(POSITION).get();
      const closed = closedSnapshot.data()!;
      expect(closed).toMatchObject({
        ...makePosition(),
        status: 'closing',
        closeReason: 'stop_loss',
        closeTriggerPrice: 55_000,
        closePrice: 54_321.5,
        closeTickTime: 1_750_000_000_123,
        closedBy: 'worker-a',
      });
      expect(closed.closeRequestedAt).toBeInstanceOf(Timestamp);

      await expect(a.execute(closeRequest(54_000))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'not_open',
        seen: { version: versionOf(closedSnapshot.updateTime!), item: null },
      });
      expect((await store.db.doc(POSITION).get()).data()).toEqual(closed);
    });

    it('leaves a position the user closed alone', async () => {
      const written = await store.db.doc(POSITION).set(makePosition({ status: 'closed' }));
      await expect(a.execute(closeRequest(54_000))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'not_open',
        seen: { version: versionOf(written.writeTime), item: null },
      });
      expect((await store.db.doc(POSITION).get()).data()).toEqual(makePosition({ status: 'closed' }));
    });

    it('does not recreate a deleted position', async () => {
      await expect(a.execute(closeRequest(54_000))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'missing',
        // Not open as of the transaction's read time.
        seen: { version: expect.any(Number) as unknown, item: null },
      });
      expect((await store.db.doc(POSITION).get()).exists).toBe(false);
    });

    it('honours a stop the user moved since the cache saw it', async () => {
      const written = await store.db.doc(POSITION).set(makePosition({ stopLoss: 50_000 }));
      const version = versionOf(written.writeTime);
      await expect(a.execute(closeRequest(54_000))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'not_crossed',
        seen: {
          version,
          item: {
            marketType: 'spot',
            symbol: 'BTC-USDT',
            entry: expect.objectContaining({ path: POSITION, stopLoss: 50_000 }) as unknown,
            version,
          },
        },
      });
      expect((await store.db.doc(POSITION).get()).data()?.status).toBe('open');
    });

    it('rejects a path outside users/{uid}/openPositions as a permanent failure', async () => {
      await expect(a.execute(closeRequest(54_000, 'elsewhere/x/openPositions/p1'))).resolves.toMatchObject({
        kind: 'failed_permanent',
        code: 'INVALID_PATH',
      });
    });

    it('a retry finding its own earlier commit landed (reported failed) counts it executed; the other replica does not', async () => {
      await store.db.doc(POSITION).set(makePosition());
      const crossing = closeRequest(54_000);
      // The first attempt's commit lands; say its answer was lost (a deadline): the retry is the same request.
      await expect(a.execute(crossing)).resolves.toMatchObject({ kind: 'executed' });
      const landed = await store.db.doc(POSITION).get();
      await expect(a.execute(crossing)).resolves.toEqual({
        kind: 'executed',
        reason: 'stop_loss',
        level: 55_000,
        seen: { version: versionOf(landed.updateTime!), item: null },
        landedEarlier: true,
      });
      await expect(b.execute({ ...crossing, id: ++crossings })).resolves.toMatchObject({
        kind: 'already_handled',
        reason: 'not_open',
      });
      expect((await store.db.doc(POSITION).get()).data()).toEqual(landed.data());
    });

    it('two replicas racing for one position: exactly one executes', async () => {
      for (let i = 0; i < 20; i++) await store.db.doc(`users/race/openPositions/p${i}`).set(makePosition());
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => [
          a.execute(closeRequest(54_000, `users/race/openPositions/p${i}`)),
          b.execute(closeRequest(54_000, `users/race/openPositions/p${i}`)),
        ]).flat(),
      );
      expect(outcomes.filter((o) => o.kind === 'executed')).toHaveLength(20);
      expect(outcomes.filter((o) => o.kind === 'already_handled')).toHaveLength(20);
      const docs = await store.db.collection('users/race/openPositions').get();
      expect(docs.docs.every((doc) => doc.get('status') === 'closing')).toBe(true);
    });
  });

  describe('firing a trigger', () => {
    it('moves it to executedTriggers under the same id with the execution fields, and deletes it', async () => {
      const written = await store.db.doc(TRIGGER).set(makeTrigger());

      await expect(a.execute(fireRequest(65_432.1))).resolves.toEqual({
        kind: 'executed',
        reason: 'above',
        level: 65_000,
        seen: { version: versionOf(written.writeTime) + 1, item: null },
      });
      expect((await store.db.doc(TRIGGER).get()).exists).toBe(false);
      const executed = (await store.db.doc(EXECUTED).get()).data()!;
      expect(executed).toMatchObject({
        ...makeTrigger(),
        executedPrice: 65_432.1,
        executedTickTime: 1_750_000_000_456,
        executedBy: 'worker-a',
      });
      expect(executed.executedAt).toBeInstanceOf(Timestamp);

      await expect(b.execute(fireRequest(65_500))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'already_executed',
        seen: { version: expect.any(Number) as unknown, item: null },
      });
      expect((await store.db.doc(EXECUTED).get()).data()).toEqual(executed);
    });

    it('treats a deleted trigger as handled and writes nothing', async () => {
      await expect(a.execute(fireRequest(66_000))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'missing',
        seen: { version: expect.any(Number) as unknown, item: null },
      });
      expect((await store.db.doc(EXECUTED).get()).exists).toBe(false);
    });

    it('treats an existing executed trigger of the same id as handled (a reused id), leaving both documents alone', async () => {
      const written = await store.db.doc(TRIGGER).set(makeTrigger());
      await store.db.doc(EXECUTED).set({ ...makeTrigger(), executedPrice: 1 });
      // The trigger document still exists beside its executed twin: the writer reused the id.
      await expect(a.execute(fireRequest(66_000))).resolves.toEqual({
        kind: 'already_handled',
        reason: 'reused_id',
        seen: { version: versionOf(written.writeTime), item: null },
      });
      expect((await store.db.doc(TRIGGER).get()).exists).toBe(true);
      expect((await store.db.doc(EXECUTED).get()).get('executedPrice')).toBe(1);
    });

    it('a retry finding its own earlier executed copy (commit reported failed) counts it executed; the other replica does not', async () => {
      await store.db.doc(TRIGGER).set(makeTrigger());
      const crossing = fireRequest(65_100);
      await expect(a.execute(crossing)).resolves.toMatchObject({ kind: 'executed' });
      const executed = (await store.db.doc(EXECUTED).get()).data();
      await expect(a.execute(crossing)).resolves.toEqual({
        kind: 'executed',
        reason: 'above',
        level: 65_000,
        seen: { version: expect.any(Number) as unknown, item: null },
        landedEarlier: true,
      });
      await expect(b.execute({ ...crossing, id: ++crossings })).resolves.toMatchObject({
        kind: 'already_handled',
        reason: 'already_executed',
      });
      expect((await store.db.doc(EXECUTED).get()).data()).toEqual(executed);
      expect((await store.db.doc(TRIGGER).get()).exists).toBe(false);
    });

    it('two replicas racing for one trigger: exactly one executes', async () => {
      for (let i = 0; i < 20; i++) await store.db.doc(`users/race/tradeTriggers/t${i}`).set(makeTrigger());
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => [
          a.execute(fireRequest(65_100, `users/race/tradeTriggers/t${i}`)),
          b.execute(fireRequest(65_100, `users/race/tradeTriggers/t${i}`)),
        ]).flat(),
      );
      expect(outcomes.filter((o) => o.kind === 'executed')).toHaveLength(20);
      expect(outcomes.filter((o) => o.kind === 'already_handled')).toHaveLength(20);
      expect((await store.db.collection('users/race/tradeTriggers').get()).size).toBe(0);
      expect((await store.db.collection('users/race/executedTriggers').get()).size).toBe(20);
    });
  });
});
