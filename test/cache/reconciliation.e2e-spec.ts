import { makePosition } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, metricValue, startCacheApp } from '../support/cache-app';
import { waitFor } from '../support/wait-for';

/**
 * In listen mode the listeners keep the books current, so the collector's schedule must not re-read every
 * document on every run: that would bill as many reads as poll mode (see the reads benchmark).
 */
describe('reconciliation in listen mode', () => {
  let fs: TestFirestore;
  let app: CacheApp;

  beforeAll(async () => {
    fs = openTestFirestore();
    await fs.db.doc('users/u1/openPositions/btc').set(makePosition());
    app = await startCacheApp({
      FIREBASE_PROJECT_ID: fs.projectId,
      CACHE_MODE: 'listen',
      COLLECTOR_CRON: '* * * * * *',
      RECONCILE_INTERVAL_MS: '3600000',
    });
    await waitFor('both listeners', () => app.cache.stats().listenersLive, 20_000);
    await waitFor(
      'a scheduled run that was not due',
      async () => (await metricValue(app.metrics.collectorRuns, { result: 'not_due' })) >= 1,
      5_000,
    );
  });

  afterAll(async () => {
    await app?.close();
    await fs.close();
  });

  it("reads each document once at start: the listeners' first snapshots are the first load, no full read", async () => {
    expect(app.cache.stats()).toMatchObject({ firstLoad: 'listeners', collections: 0 });
    expect(app.cache.stats().lastSuccessAt).toBeDefined();
    expect(await metricValue(app.metrics.documentsRead, { source: 'collector' })).toBe(0);
    expect(await metricValue(app.metrics.documentsRead, { source: 'listener' })).toBeGreaterThanOrEqual(1);
    expect(app.core.positionBook('spot', 'BTC-USDT')?.get('users/u1/openPositions/btc')).toBeDefined();
  });

  it('skips full reads while the listeners are live and no reconciliation is due, yet stays current', async () => {
    const collectionsBefore = app.cache.stats().collections;
    const readsBefore = await metricValue(app.metrics.documentsRead, { source: 'collector' });
    await waitFor(
      'three more scheduled runs that were not due',
      async () => {
        return (await metricValue(app.metrics.collectorRuns, { result: 'not_due' })) >= 4;
      },
      8_000,
    );
    expect(app.cache.stats().collections).toBe(collectionsBefore);
    expect(await metricValue(app.metrics.documentsRead, { source: 'collector' })).toBe(readsBefore);
    // Each run that was not due still proved Firestore answers, with a one-document probe.
    expect(await metricValue(app.metrics.documentsRead, { source: 'probe' })).toBeGreaterThanOrEqual(2);

    await fs.db.doc('users/u2/openPositions/eth').set(makePosition({ symbol: 'ETH-USDT' }));
    await waitFor(
      'the listener to add the new position',
      () => !!app.core.positionBook('spot', 'ETH-USDT'),
      1_000,
    );
  });
});
