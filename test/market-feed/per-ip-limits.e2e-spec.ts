import type { FeedGateway } from '../../src/market-feed/feed-gateway';
import { SPOT_FEED } from '../../src/market-feed/market-feed.constants';
import { PerIpLimiter } from '../../tools/exchange-simulator';
import { makePosition } from '../support/documents';
import { type TestFirestore, openTestFirestore } from '../support/firestore';
import { waitFor } from '../support/wait-for';
import {
  type Simulators,
  type Worker,
  seed,
  startSimulators,
  startWorker,
  subscribed,
} from '../support/worker-harness';
import { heartbeats } from './feed-harness';

/** The replicas share one egress IP: each takes half of every per-IP budget. */
const REPLICAS = '2';

interface Replicas {
  readonly sims: Simulators;
  readonly workers: Worker[];
}

/** Counts of a worker's `worker_kucoin_rate_limited_total`, by "market source". */
async function rateLimited(worker: Worker): Promise<Record<string, number>> {
  const metric = await worker.metrics.kucoinRateLimited.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.market} ${v.labels.source}`, v.value]));
}

async function catchUpsOk(worker: Worker): Promise<number> {
  const metric = await worker.metrics.restCatchUps.get();
  return metric.values.filter((v) => v.labels.result === 'ok').reduce((sum, v) => sum + v.value, 0);
}

/**
 * Two workers behind one IP, as two replicas behind a NAT: one KuCoin simulator per market, both
 * counting against the same per-IP limits, each worker watching a position per symbol.
 */
describe("two replicas behind one IP stay within KuCoin's per-IP limits", () => {
  let store: TestFirestore | undefined;
  let replicas: Replicas | undefined;

  afterEach(async () => {
    for (const worker of replicas?.workers ?? []) await worker.close();
    await replicas?.sims.stop();
    await store?.close();
    replicas = undefined;
    store = undefined;
  });

  async function startReplicas(options: {
    readonly perIp: PerIpLimiter;
    readonly spot: readonly string[];
    readonly futures?: readonly string[];
    readonly env: Record<string, string>;
  }): Promise<Replicas> {
    store = openTestFirestore();
    const sims = await startSimulators({ perIp: options.perIp });
    const workers: Worker[] = [];
    replicas = { sims, workers };
    const docs: Record<string, Record<string, unknown>> = {};
    options.spot.forEach((symbol, i) => {
      sims.spot.setPrice(symbol, 100 + i);
      docs[`users/u${i}/openPositions/spot`] = makePosition({ symbol, stopLoss: 1, takeProfit: 1_000 });
    });
    (options.futures ?? []).forEach((symbol, i) => {
      sims.futures.setPrice(symbol, 100 + i);
      docs[`users/f${i}/openPositions/futures`] = makePosition({
        symbol,
        marketType: 'futures',
        stopLoss: 1,
        takeProfit: 1_000,
      });
    });
    await seed(store.db, docs);
    // Audits every 200 s: no all-tickers call during a test unless a test asks for one. No contracts read
    // either (liquidation off): the weights counted here are the catch-ups' and the tokens' only.
    const env = {
      KUCOIN_REPLICAS_PER_IP: REPLICAS,
      KUCOIN_DATA_STALE_MS: '600000',
      LIQUIDATION_ENABLED: 'false',
      ...options.env,
    };
    for (const instanceId of ['replica-a', 'replica-b'])
      workers.push(await startWorker({ projectId: store.projectId, instanceId, sims, env }));
    return replicas;
  }

  it('opens new connections within its share: together never more than the IP may, and no 429', async () => {
    // KuCoin allows the IP 6 new connections a minute here; each replica wants 5 (one symbol per connection).
    const perIp = new PerIpLimiter({ newConnections: 6 });
    const spot = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT', 'ADA-USDT'];
    const { sims, workers } = await startReplicas({
      perIp,
      spot,
      env: { KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE: '6', KUCOIN_SPOT_MAX_TOPICS_PER_CONNECTION: '1' },
    });
    await waitFor('six connections open', () => sims.spot.stats.connectionsAccepted >= 6);
    // The reconnect backoff is at most 200 ms here: a replica that did not keep to its share would try
    // again many times over while six connections ping 30 times.
    await heartbeats(sims.spot, 30);

    expect(perIp.refusals()).toBe(0);
    expect(sims.spot.stats.connectionsAccepted).toBe(6);
    for (const worker of workers) {
      const { connections } = worker.app.get<FeedGateway>(SPOT_FEED).status();
      expect(connections.map((c) => c.state).sort()).toEqual([
        'backoff',
        'backoff',
        'connected',
        'connected',
        'connected',
      ]);
      expect(await rateLimited(worker)).toEqual({});
    }
  });

  it('spends REST weight within its share: together never more than the IP may, and no 429', async () => {
    // 80 weight per 30 s for the IP: two tokens (10 each) and 40 for the catch-ups, 20 per replica.
    const perIp = new PerIpLimiter({ restWeight: 80 });
    const spot = Array.from({ length: 30 }, (_, i) => `S${i}-USDT`);
    const { sims, workers } = await startReplicas({
      perIp,
      spot,
      env: { KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: '40' },
    });
    await waitFor('both replicas subscribed', () => subscribed(sims.spot, spot, 2));
    await waitFor('ten catch-ups each', () => sims.spot.stats.restTickerRequests >= 20);
    await heartbeats(sims.spot, 10);

    expect(perIp.refusals()).toBe(0);
    expect(sims.spot.stats.restTickerRequests).toBe(20);
    expect(perIp.records('rest').reduce((sum, r) => sum + r.weight, 0)).toBe(60);
    for (const worker of workers) {
      expect(await catchUpsOk(worker)).toBe(10);
      expect(await rateLimited(worker)).toEqual({});
    }
  });

  it('after a 429 sends nothing more, REST or connection, either market, until gw-ratelimit-reset', async () => {
    const perIp = new PerIpLimiter();
    const { sims, workers } = await startReplicas({
      perIp,
      spot: ['BTC-USDT'],
      futures: ['XBTUSDTM'],
      env: {},
    });
    await waitFor(
      'both replicas subscribed',
      () => subscribed(sims.spot, ['BTC-USDT'], 2) && subscribed(sims.futures, ['XBTUSDTM'], 2),
    );
    await waitFor('the first catch-ups answered', async () => {
      const counts = await Promise.all(workers.map(catchUpsOk));
      return counts.every((n) => n === 2);
    });
    const from = perIp.log.length;
    const until = perIp.exhaustRest(2_500);

    // Spot reconnects: each replica's token call is refused...
    sims.spot.dropAllConnections();
    await waitFor('each replica refused once', async () => {
      const counts = await Promise.all(workers.map(rateLimited));
      return counts.every((c) => c['spot token'] >= 1);
    });
    // ...and the futures connections dropped now wait for the reset too, instead of asking for tokens.
    sims.futures.dropAllConnections();
    await waitFor(
      'both markets back on both replicas',
      () => subscribed(sims.spot, ['BTC-USDT'], 2) && subscribed(sims.futures, ['XBTUSDTM'], 2),
    );

    const duringPause = perIp.log.slice(from).filter((r) => r.at < until);
    expect(duringPause.map((r) => [r.kind, r.path, r.refused])).toEqual([
      ['rest', '/api/v1/bullet-public', true],
      ['rest', '/api/v1/bullet-public', true],
    ]);
    expect(perIp.refusals()).toBe(2);
    for (const worker of workers) expect(await rateLimited(worker)).toEqual({ 'spot token': 1 });
  });
});
