import { FirestoreEmulator, startFirestoreEmulator } from '../../tools/firestore-emulator';
import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, metricValue, startCacheApp } from '../support/cache-app';
import { waitFor } from '../support/wait-for';

/**
 * A Firestore outage, for real: the app runs against an emulator of its own, which the spec stops.
 * The last good books must stay in place and the service alive, with failures counted and retried.
 */
describe('SymbolCache during a Firestore outage', () => {
  let emulator: FirestoreEmulator;
  let fs: TestFirestore;
  let app: CacheApp;
  const sharedHost = process.env.FIRESTORE_EMULATOR_HOST;
  let down = false;

  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    process.env.FIRESTORE_EMULATOR_HOST = emulator.hostPort;
    fs = openTestFirestore();
    await fs.db.doc('users/u1/openPositions/btc').set(makePosition());
    await fs.db.doc('users/u1/tradeTriggers/xbt').set(makeTrigger());
    app = await startCacheApp(
      {
        FIREBASE_PROJECT_ID: fs.projectId,
        FIRESTORE_EMULATOR_HOST: emulator.hostPort,
        CACHE_MODE: 'listen',
        COLLECTOR_CRON: '* * * * * *',
      },
      { pageTimeoutMs: 2_000, probeTimeoutMs: 1_000, listenerRetryBaseMs: 200, listenerRetryMaxMs: 1_000 },
    );
    await waitFor('the first load', () => app.cache.hasLoaded(), 5_000);
  });

  afterAll(async () => {
    // Reads still retrying against a stopped emulator would fail after the clients close: bring it back.
    if (down && app) {
      await startFirestore();
      await waitFor(
        'a collection after the outage',
        () => app.cache.stats().consecutiveFailures === 0,
        30_000,
      );
    }
    await app?.close();
    await fs?.close();
    await emulator?.stop();
    // A listen stream firebase-admin half-closed on unsubscribe gets its final status only when this
    // emulator dies; let it arrive while the test environment still exists, or decoding it would
    // require() protobuf files after Jest tore the environment down.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    process.env.FIRESTORE_EMULATOR_HOST = sharedHost;
  });

  async function startFirestore(): Promise<void> {
    emulator = await startFirestoreEmulator({ port: emulator.port });
    down = false;
  }

  /** The outage itself: each test starts it if the one before did not, so either can run alone. */
  async function stopFirestore(): Promise<void> {
    if (!down) await emulator.stop();
    down = true;
    await waitFor('a failed run', () => app.cache.stats().consecutiveFailures > 0, 10_000);
  }

  it('keeps the last good books and keeps retrying while Firestore is down', async () => {
    await stopFirestore();
    await waitFor(
      'a failed full collection',
      async () => (await metricValue(app.metrics.collectorRuns, { result: 'failure' })) > 0,
      10_000,
    );
    expect(app.core.positionBook('spot', 'BTC-USDT')?.size).toBe(1);
    expect(app.core.triggerBook('futures', 'XBTUSDTM')?.size).toBe(1);
    expect([...app.spot.desiredSymbols()]).toEqual(['BTC-USDT']);
    expect(await metricValue(app.metrics.collectorRuns, { result: 'failure' })).toBeGreaterThan(0);
    expect(app.cache.stats().lastError).toMatch(/did not answer within 2000 ms/);
  });

  it('recovers when Firestore is back: collections succeed and new documents arrive again', async () => {
    await stopFirestore();
    await startFirestore();
    await fs.db.doc('users/u2/openPositions/sol').set(makePosition({ symbol: 'SOL-USDT' }));
    await waitFor('the new position', () => !!app.core.positionBook('spot', 'SOL-USDT'), 30_000);
    await waitFor('a successful collection', () => app.cache.stats().consecutiveFailures === 0, 30_000);
    // The restarted emulator starts empty: the books follow Firestore, not the past.
    expect(app.core.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    await waitFor('BTC-USDT unsubscribed', () => !app.spot.desiredSymbols().has('BTC-USDT'), 5_000);
  });
});
