import { Test } from '@nestjs/testing';
import { ConfigModule } from '@nestjs/config';
import { INestApplication } from '@nestjs/common';
import { ALL_CONFIGS } from '../../src/config';
import { FirestoreModule } from '../../src/firestore/firestore.module';
import { PositionRepository } from '../../src/firestore/position.repository';
import { TradeTriggerRepository } from '../../src/firestore/trade-trigger.repository';
import type { PageReading } from '../../src/firestore/collection-group';
import { ChangeBatch } from '../../src/firestore/document-change';
import { gather } from '../support/gathered';
import { versionOf } from '../../src/firestore/versions';
import { OpenPosition } from '../../src/domain/position';
import type { TradeTrigger } from '../../src/domain/trade-trigger';
import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { waitFor } from '../support/wait-for';

/** Pages of two, each fetch counted: small enough that every read below takes several pages. */
function pagesOf(pageSize: number): PageReading & { fetched: number } {
  const pages = {
    pageSize,
    fetched: 0,
    fetch: <R>(page: () => Promise<R>): Promise<R> => {
      pages.fetched++;
      return page();
    },
    pace: () => undefined,
  };
  return pages;
}

describe('repositories on the Firestore emulator', () => {
  let store: TestFirestore;
  let app: INestApplication;
  let positions: PositionRepository;
  let triggers: TradeTriggerRepository;

  beforeAll(async () => {
    store = openTestFirestore();
    process.env.FIREBASE_PROJECT_ID = store.projectId;
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
        FirestoreModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    app.enableShutdownHooks();
    await app.init();
    positions = app.get(PositionRepository);
    triggers = app.get(TradeTriggerRepository);
  });

  afterEach(() => store.clear());

  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('reads open positions of every user as typed values, and bad documents as typed rejects', async () => {
    const db = store.db;
    await db.doc('users/alice/openPositions/p1').set(makePosition({ side: 'long', stopLoss: 50_000 }));
    const bobWritten = await db
      .doc('users/bob/openPositions/p2')
      .set(makePosition({ symbol: 'XBTUSDTM', marketType: 'futures', side: 'short', takeProfit: 40_000 }));
    await db.doc('users/bob/openPositions/closed').set(makePosition({ status: 'closed' }));
    await db.doc('users/bob/openPositions/closing').set(makePosition({ status: 'closing' }));
    await db.doc('users/carol/openPositions/nan').set(makePosition({ size: Number.NaN }));
    await db.doc('users/carol/openPositions/str').set(makePosition({ entryPrice: '60000' }));
    await db.doc('users/carol/openPositions/side').set(makePosition({ side: 'sideways' }));
    await db.doc('archive/2024/openPositions/stray').set(makePosition());

    const pages = pagesOf(2);
    const read = await gather<OpenPosition>((take) => positions.loadOpen(pages, take));

    expect(read.documentsRead).toBe(6);
    // Six open documents in pages of two: three full pages, then an empty one that ends the read.
    expect(pages.fetched).toBe(4);
    expect(read.values.map((p) => p.value.path).sort()).toEqual([
      'users/alice/openPositions/p1',
      'users/bob/openPositions/p2',
    ]);
    const bob = read.values.find((p) => p.value.uid === 'bob');
    expect(bob?.value).toMatchObject({
      id: 'p2',
      marketType: 'futures',
      side: 'short',
      takeProfit: 40_000,
      leverage: 1,
    });
    expect(bob?.value.openedAtMs).toBe(1_700_000_000_000);
    // Each value carries its document's update time (microseconds), and the read its own, later time.
    expect(bob?.version).toBe(versionOf(bobWritten.writeTime));
    expect(read.readVersion).toBeGreaterThanOrEqual(bob?.version ?? Infinity);
    expect(read.rejects.map((r) => [r.path, r.rejection.reason]).sort()).toEqual([
      ['archive/2024/openPositions/stray', 'path.invalid_format'],
      ['users/carol/openPositions/nan', 'size.not_finite'],
      ['users/carol/openPositions/side', 'side.invalid_value'],
      ['users/carol/openPositions/str', 'entryPrice.not_a_number'],
    ]);
  });

  it('reads every trade trigger, rejecting the malformed ones', async () => {
    await store.db.doc('users/alice/tradeTriggers/t1').set(makeTrigger());
    await store.db.doc('users/alice/tradeTriggers/t2').set(makeTrigger({ condition: 'sideways' }));
    await store.db.doc('users/dave/tradeTriggers/t3').set(makeTrigger({ targetPrice: -1 }));

    const read = await gather<TradeTrigger>((take) => triggers.loadAll(pagesOf(2), take));

    expect(read.values).toHaveLength(1);
    expect(read.values[0].value).toMatchObject({
      path: 'users/alice/tradeTriggers/t1',
      condition: 'above',
      targetPrice: 65_000,
    });
    expect(read.rejects.map((r) => r.rejection.reason).sort()).toEqual([
      'condition.invalid_value',
      'targetPrice.not_positive',
    ]);
  });

  it('pages by path: each document once, and the read time of the first page, the earliest', async () => {
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
    for (const uid of ids) await store.db.doc(`users/${uid}/openPositions/p`).set(makePosition());
    const pages = pagesOf(3);
    let openedAt = -Infinity;
    const fetch = pages.fetch;
    // Between the first and the second page, a position opens on a page already read, and one on the
    // last page closes: the first is not in this read (its version is after the read time), the second is
    // read as it is by then.
    pages.fetch = async <R>(page: () => Promise<R>): Promise<R> => {
      if (pages.fetched === 1) {
        openedAt = versionOf((await store.db.doc('users/u0/openPositions/p').set(makePosition())).writeTime);
        await store.db.doc('users/u7/openPositions/p').update({ status: 'closed' });
      }
      return fetch(page);
    };

    const read = await gather<OpenPosition>((take) => positions.loadOpen(pages, take));

    expect(read.values.map((p) => p.value.uid)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    expect(pages.fetched).toBe(3);
    expect(read.readVersion).toBeLessThan(openedAt);
  });

  it('streams added, modified and removed positions to a listener; leaving `open` is a removal', async () => {
    const batches: ChangeBatch<OpenPosition>[] = [];
    const errors: Error[] = [];
    const unsubscribe = positions.watchOpen({
      onChanges: (batch) => batches.push(batch),
      onError: (error) => errors.push(error),
    });
    const ref = store.db.doc('users/erin/openPositions/live');
    const changes = () => batches.flatMap((b) => b.slice(0, b.size)).map((c) => `${c.type}:${c.path}`);
    try {
      await ref.set(makePosition());
      await waitFor(
        'the added change',
        () => changes().includes('added:users/erin/openPositions/live'),
        5_000,
      );
      await ref.update({ stopLoss: 58_000 });
      await waitFor(
        'the modified change',
        () => changes().includes('modified:users/erin/openPositions/live'),
        5_000,
      );
      await ref.update({ status: 'closing' });
      await waitFor(
        'the removed change',
        () => changes().includes('removed:users/erin/openPositions/live'),
        5_000,
      );
      const modified = batches.flatMap((b) => b.slice(0, b.size)).find((c) => c.type === 'modified');
      expect(modified?.type === 'modified' && modified.result.ok && modified.result.value.stopLoss).toBe(
        58_000,
      );
    } finally {
      unsubscribe();
    }
  });
});
