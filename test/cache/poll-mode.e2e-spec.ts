import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, metricValue, startCacheApp } from '../support/cache-app';
import { waitFor } from '../support/wait-for';

/**
 * Each test sets up the documents it needs under paths and symbols of its own, so any one of them can run
 * alone (`-t`) or in any order.
 */

describe('SymbolCache in poll mode', () => {
  let fs: TestFirestore;
  let app: CacheApp;

  beforeAll(async () => {
    fs = openTestFirestore();
    await fs.db.doc('users/u1/openPositions/btc').set(makePosition());
    app = await startCacheApp({
      FIREBASE_PROJECT_ID: fs.projectId,
      CACHE_MODE: 'poll',
      COLLECTOR_CRON: '* * * * * *',
    });
    await waitFor('the first collection', () => app.cache.stats().collections > 0, 5_000);
  });

  afterAll(async () => {
    await app?.close();
    await fs.close();
  });

  it('runs no listener', () => {
    expect(app.cache.stats()).toMatchObject({ cacheMode: 'poll', listenersLive: false });
    expect(app.cache.stats().listeners).toEqual({ openPositions: false, tradeTriggers: false });
  });

  it('adds a new position and trigger at the next collection', async () => {
    const ada = 'users/u1/openPositions/ada';
    await fs.db.doc(ada).set(makePosition({ symbol: 'ADA-USDT', stopLoss: 0.3, takeProfit: 0.6 }));
    await fs.db.doc('users/u1/tradeTriggers/t').set(makeTrigger({ symbol: 'ETHUSDTM', condition: 'below' }));
    await waitFor('the new position', () => !!app.core.positionBook('spot', 'ADA-USDT')?.get(ada), 2_500);
    await waitFor('the new trigger', () => app.core.triggerBook('futures', 'ETHUSDTM')?.size === 1, 2_500);
    expect([...app.spot.desiredSymbols()]).toEqual(expect.arrayContaining(['ADA-USDT', 'BTC-USDT']));
    expect([...app.futures.desiredSymbols()]).toContain('ETHUSDTM');
    // Left as found: the other tests count what a collection reads.
    await fs.db.doc(ada).delete();
    await fs.db.doc('users/u1/tradeTriggers/t').delete();
  });

  it('drops a closed position and a deleted trigger at the next collection, and unsubscribes them', async () => {
    const dot = 'users/u1/openPositions/dot';
    await fs.db.doc(dot).set(makePosition({ symbol: 'DOT-USDT', stopLoss: 3, takeProfit: 6 }));
    await fs.db.doc('users/u1/tradeTriggers/sol').set(makeTrigger({ symbol: 'SOLUSDTM' }));
    await waitFor('the position in its book', () => !!app.core.positionBook('spot', 'DOT-USDT'), 2_500);
    await waitFor('the trigger in its book', () => !!app.core.triggerBook('futures', 'SOLUSDTM'), 2_500);

    await fs.db.doc(dot).update({ status: 'closing' });
    await fs.db.doc('users/u1/tradeTriggers/sol').delete();
    await waitFor('the position gone', () => !app.core.positionBook('spot', 'DOT-USDT'), 2_500);
    await waitFor('the trigger gone', () => !app.core.triggerBook('futures', 'SOLUSDTM'), 2_500);
    await waitFor('DOT-USDT unsubscribed', () => !app.spot.desiredSymbols().has('DOT-USDT'), 1_000);
    expect(app.futures.desiredSymbols().has('SOLUSDTM')).toBe(false);
  });

  it('never runs two collections at once, and counts the skipped one', async () => {
    const skippedBefore = await metricValue(app.metrics.collectorRuns, { result: 'skipped_overlap' });
    await waitFor(
      'no collection running',
      async () => {
        const runs = [app.collector.collectAllSymbols(), app.collector.collectAllSymbols()];
        const [first, second] = await Promise.all(runs);
        return first.kind === 'collected' && second.kind === 'skipped_overlap';
      },
      5_000,
    );
    expect(await metricValue(app.metrics.collectorRuns, { result: 'skipped_overlap' })).toBeGreaterThan(
      skippedBefore,
    );
    expect(app.cache.stats().skippedRuns).toBeGreaterThan(0);
  });

  it('exposes duration, documents read and the last success', async () => {
    // A collection that started after this test did: it read exactly the one open start-up position.
    const collections = app.cache.stats().collections;
    await waitFor('a fresh collection', () => app.cache.stats().collections > collections + 1, 5_000);
    const stats = app.cache.stats();
    expect(stats.lastSuccessAt).toBeGreaterThan(Date.now() - 5_000);
    expect(stats.lastDurationMs).toBeGreaterThan(0);
    expect(stats.lastDocumentsRead).toBe(1);
    expect(stats.consecutiveFailures).toBe(0);
  });
});
