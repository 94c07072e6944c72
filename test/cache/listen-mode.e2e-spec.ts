import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, metricValue, startCacheApp } from '../support/cache-app';
import { waitFor } from '../support/wait-for';

/**
 * Each test sets up the documents it needs under paths and symbols of its own, so any one of them can run
 * alone (`-t`) or in any order; the start-up documents are only read, never changed for good.
 */

describe('SymbolCache in listen mode', () => {
  let fs: TestFirestore;
  let app: CacheApp;

  beforeAll(async () => {
    fs = openTestFirestore();
    await fs.db.doc('users/u1/openPositions/btc').set(makePosition());
    await fs.db.doc('users/u2/tradeTriggers/xbt').set(makeTrigger());
    await fs.db.doc('users/u3/openPositions/bad').set(makePosition({ size: -1 }));
    app = await startCacheApp({
      FIREBASE_PROJECT_ID: fs.projectId,
      CACHE_MODE: 'listen',
      COLLECTOR_CRON: '*/2 * * * * *',
      // Reconcile often here so the drift test below sees a repair quickly (production: hourly).
      RECONCILE_INTERVAL_MS: '3000',
    });
    // Start-up is not what these tests bound; a loaded CI machine can take a few seconds.
    await waitFor('the first load and both listeners', () => app.cache.stats().listenersLive, 20_000);
  });

  afterAll(async () => {
    await app?.close();
    await fs.close();
  });

  /** A position of the test's own, in its book and its symbol watched (the set-up, not the assertion). */
  async function positionInBook(path: string, symbol: string): Promise<void> {
    await fs.db.doc(path).set(makePosition({ symbol, stopLoss: 120, takeProfit: 200 }));
    await waitFor(`${path} in its book`, () => !!app.core.positionBook('spot', symbol)?.get(path));
    await waitFor(`${symbol} desired`, () => app.spot.desiredSymbols().has(symbol));
  }

  it('loads what is there at start-up and subscribes the feeds to it', () => {
    expect(app.core.positionBook('spot', 'BTC-USDT')?.get('users/u1/openPositions/btc')).toMatchObject({
      side: 'long',
      stopLoss: 55_000,
      takeProfit: 70_000,
    });
    expect(app.core.triggerBook('futures', 'XBTUSDTM')?.size).toBe(1);
    expect(app.spot.desiredSymbols().has('BTC-USDT')).toBe(true);
    expect(app.futures.desiredSymbols().has('XBTUSDTM')).toBe(true);
  });

  it('puts a position added while running in its book within a second, and watches its symbol', async () => {
    const sol = 'users/u1/openPositions/sol';
    await fs.db.doc(sol).set(makePosition({ symbol: 'SOL-USDT', stopLoss: 120, takeProfit: 200 }));
    await waitFor('the new position', () => !!app.core.positionBook('spot', 'SOL-USDT')?.get(sol), 1_000);
    await waitFor('SOL-USDT desired', () => app.spot.desiredSymbols().has('SOL-USDT'), 1_000);
  });

  it('applies a modification within a second', async () => {
    const ada = 'users/u1/openPositions/ada';
    await positionInBook(ada, 'ADA-USDT');
    await fs.db.doc(ada).update({ stopLoss: 110 });
    await waitFor(
      'the new stop-loss',
      () => app.core.positionBook('spot', 'ADA-USDT')?.get(ada)?.stopLoss === 110,
      1_000,
    );
  });

  it('drops a closed position within a second and unsubscribes its symbol', async () => {
    const dot = 'users/u1/openPositions/dot';
    await positionInBook(dot, 'DOT-USDT');
    await fs.db.doc(dot).update({ status: 'closed' });
    await waitFor('the position gone', () => !app.core.positionBook('spot', 'DOT-USDT'), 1_000);
    await waitFor('DOT-USDT no longer desired', () => !app.spot.desiredSymbols().has('DOT-USDT'), 1_000);
  });

  it('drops a deleted trigger within a second and unsubscribes its symbol', async () => {
    const eth = 'users/u2/tradeTriggers/eth';
    await fs.db.doc(eth).set(makeTrigger({ symbol: 'ETHUSDTM' }));
    await waitFor('the new trigger', () => app.futures.desiredSymbols().has('ETHUSDTM'));
    await fs.db.doc(eth).delete();
    await waitFor('the trigger gone', () => !app.core.triggerBook('futures', 'ETHUSDTM'), 1_000);
    await waitFor('ETHUSDTM no longer desired', () => !app.futures.desiredSymbols().has('ETHUSDTM'), 1_000);
  });

  it('never lets an invalid document into a book, and counts it', async () => {
    await fs.db.doc('users/u4/openPositions/eth').set(makePosition({ symbol: 'ETH-USDT' }));
    await waitFor('the ETH position', () => !!app.core.positionBook('spot', 'ETH-USDT'), 1_000);
    await fs.db.doc('users/u4/openPositions/eth').update({ stopLoss: 'soon' });
    await waitFor('the broken position gone', () => !app.core.positionBook('spot', 'ETH-USDT'), 1_000);
    expect(app.core.positionBook('spot', 'BTC-USDT')?.get('users/u3/openPositions/bad')).toBeUndefined();
    const labels = { collection: 'openPositions' };
    expect(
      await metricValue(app.metrics.documentsRejected, { ...labels, reason: 'size.not_positive' }),
    ).toBeGreaterThan(0);
    expect(
      await metricValue(app.metrics.documentsRejected, { ...labels, reason: 'stopLoss.not_a_number' }),
    ).toBeGreaterThan(0);
  });

  it('repairs drift the listener missed at the next collection, and counts the repair', async () => {
    const path = 'users/u1/openPositions/btc';
    const labels = { collection: 'openPositions', action: 'added' };
    const repairsBefore = await metricValue(app.metrics.cacheRepairs, labels);
    const version = app.core.positionBook('spot', 'BTC-USDT')?.versionOf(path);
    expect(version).toBeGreaterThan(0);
    // As if the listener had lost this document: a removal no older than the version the books hold.
    app.core.applyPosition(path, { version: version as number, item: null });
    expect(app.core.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    await waitFor(
      'the collector to put it back',
      () => !!app.core.positionBook('spot', 'BTC-USDT')?.get(path),
      8_000,
    );
    // The read puts it back as its page arrives; the repair is counted when the collection ends.
    await waitFor(
      'the repair counted',
      async () => (await metricValue(app.metrics.cacheRepairs, labels)) > repairsBefore,
      8_000,
    );
    expect(await metricValue(app.metrics.cacheRepairs, labels)).toBe(repairsBefore + 1);
  });
});
