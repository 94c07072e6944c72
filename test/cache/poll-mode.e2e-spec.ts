import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, metricValue, startCacheApp, waitFor } from './cache-harness';

const ADA = 'users/u1/openPositions/ada';

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
    await waitFor('the first collection', () => app.cache.stats().collections > 0);
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
    await fs.db.doc(ADA).set(makePosition({ symbol: 'ADA-USDT', stopLoss: 0.3, takeProfit: 0.6 }));
    await fs.db.doc('users/u1/tradeTriggers/t').set(makeTrigger({ symbol: 'ETHUSDTM', condition: 'below' }));
    await waitFor('the new position', () => !!app.core.positionBook('spot', 'ADA-USDT')?.get(ADA), 2_500);
    await waitFor('the new trigger', () => app.core.triggerBook('futures', 'ETHUSDTM')?.size === 1, 2_500);
    expect([...app.spot.desiredSymbols()].sort()).toEqual(['ADA-USDT', 'BTC-USDT']);
    expect([...app.futures.desiredSymbols()]).toEqual(['ETHUSDTM']);
  });

  it('drops a closed position and a deleted trigger at the next collection, and unsubscribes them', async () => {
    await fs.db.doc(ADA).update({ status: 'closing' });
    await fs.db.doc('users/u1/tradeTriggers/t').delete();
    await waitFor('the position gone', () => !app.core.positionBook('spot', 'ADA-USDT'), 2_500);
    await waitFor('the trigger gone', () => !app.core.triggerBook('futures', 'ETHUSDTM'), 2_500);
    await waitFor('ADA-USDT unsubscribed', () => !app.spot.desiredSymbols().has('ADA-USDT'), 1_000);
    expect(app.futures.desiredSymbols().size).toBe(0);
  });

  it('never runs two collections at once, and counts the skipped one', async () => {
    const skippedBefore = await metricValue(app.metrics.collectorRuns, { result: 'skipped_overlap' });
    await waitFor('no collection running', async () => {
      const runs = [app.collector.collectAllSymbols(), app.collector.collectAllSymbols()];
      const [first, second] = await Promise.all(runs);
      return first.kind === 'collected' && second.kind === 'skipped_overlap';
    });
    expect(await metricValue(app.metrics.collectorRuns, { result: 'skipped_overlap' })).toBeGreaterThan(
      skippedBefore,
    );
    expect(app.cache.stats().skippedRuns).toBeGreaterThan(0);
  });

  it('exposes duration, documents read and the last success', () => {
    const stats = app.cache.stats();
    expect(stats.lastSuccessAt).toBeGreaterThan(Date.now() - 5_000);
    expect(stats.lastDurationMs).toBeGreaterThan(0);
    expect(stats.lastDocumentsRead).toBe(1);
    expect(stats.consecutiveFailures).toBe(0);
  });
});
