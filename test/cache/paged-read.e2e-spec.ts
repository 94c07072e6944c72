import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, startCacheApp } from '../support/cache-app';
import { waitFor } from '../support/wait-for';

describe('a full read in pages', () => {
  let fs: TestFirestore;
  let app: CacheApp;

  beforeAll(async () => {
    fs = openTestFirestore();
    const batch = fs.db.batch();
    // 250 positions over three symbols and 120 triggers, read in pages of 100: several full pages each,
    // and a last one that is not full.
    for (let i = 0; i < 250; i++) {
      const symbol = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'][i % 3];
      batch.set(
        fs.db.doc(`users/u${i}/openPositions/p`),
        makePosition({ symbol, stopLoss: 1, takeProfit: 1e9 }),
      );
    }
    for (let i = 0; i < 120; i++) batch.set(fs.db.doc(`users/u${i}/tradeTriggers/t`), makeTrigger());
    await batch.commit();
    app = await startCacheApp({
      FIREBASE_PROJECT_ID: fs.projectId,
      CACHE_MODE: 'poll',
      COLLECTOR_CRON: '0 0 * * * *',
      COLLECTOR_PAGE_SIZE: '100',
    });
    await waitFor('the first collection', () => app.cache.stats().collections > 0, 10_000);
  });

  afterAll(async () => {
    await app?.close();
    await fs.close();
  });

  it('puts every document of every page in the books, once', () => {
    expect(app.cache.stats()).toMatchObject({ lastDocumentsRead: 370, consecutiveFailures: 0 });
    expect(app.core.count('position')).toBe(250);
    expect(app.core.count('trigger')).toBe(120);
    expect(app.core.positionBook('spot', 'ETH-USDT')?.size).toBe(83);
  });
});
