import { FirestoreEmulator, startFirestoreEmulator } from '../../tools/firestore-emulator';
import { makePosition, makeTrigger } from '../support/documents';
import { TestFirestore, openTestFirestore } from '../support/firestore';
import { CacheApp, metricValue, startCacheApp, waitFor } from './cache-harness';

/**
 * A Firestore outage, for real: the app runs against an emulator of its own, which the spec stops.
 * The last good books must stay in place and the service alive, with failures counted and retried.
 */
describe('SymbolCache during a Firestore outage', () => {
  let emulator: FirestoreEmulator;
  let fs: TestFirestore;
  let app: CacheApp;
  const sharedHost = process.env.FIRESTORE_EMULATOR_HOST;

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
      { readTimeoutMs: 2_000, probeTimeoutMs: 1_000, listenerRetryBaseMs: 200, listenerRetryMaxMs: 1_000 },
    );
    await waitFor('the first collection', () => app.cache.stats().collections > 0);
  });

  afterAll(async () => {
    await app?.close();
    await fs?.close();
    await emulator?.stop();
    // A listen stream firebase-admin half-closed on unsubscribe gets its final status only when this
    // emulator dies; let it arrive while the test environment still exists, or decoding it would
    // require() protobuf files after Jest tore the environment down.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    process.env.FIRESTORE_EMULATOR_HOST = sharedHost;
  });

  it('keeps the last good books and keeps retrying while Firestore is down', async () => {
    await emulator.stop();
    await waitFor('a failed run', () => app.cache.stats().consecutiveFailures > 0, 10_000);
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
    emulator = await startFirestoreEmulator({ port: emulator.port });
    await fs.db.doc('users/u2/openPositions/sol').set(makePosition({ symbol: 'SOL-USDT' }));
    await waitFor('the new position', () => !!app.core.positionBook('spot', 'SOL-USDT'), 30_000);
    await waitFor('a successful collection', () => app.cache.stats().consecutiveFailures === 0, 30_000);
    // The restarted emulator starts empty: the books follow Firestore, not the past.
    expect(app.core.positionBook('spot', 'BTC-USDT')).toBeUndefined();
    await waitFor('BTC-USDT unsubscribed', () => !app.spot.desiredSymbols().has('BTC-USDT'));
  });
});
