import { makePosition } from '../support/documents';
import {
  type Scenario,
  type Simulators,
  type Worker,
  serveHttp,
  startScenario,
} from '../support/worker-harness';
import { waitFor, waitForValue } from '../support/wait-for';

interface FeedDetails {
  readonly connections: readonly { readonly state: string }[];
}

interface Probe {
  readonly status: number;
  readonly body: { status: string; error?: Record<string, unknown>; details?: Record<string, unknown> };
}

describe('health and metrics endpoints on a running worker', () => {
  let scenario: Scenario;
  let sims: Simulators;
  let worker: Worker;
  let base: string;

  async function probe(path: string): Promise<Probe> {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as Probe['body'] };
  }

  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  beforeAll(async () => {
    scenario = await startScenario({
      instanceId: 'health-test',
      docs: {
        'users/alice/openPositions/p1': makePosition({ side: 'long', stopLoss: 55_000, takeProfit: 70_000 }),
      },
      prices: { spot: { 'BTC-USDT': 60_000 } },
      // The simulator shares this process: a stall of the test's event loop silences the exchange too,
      // so the silence threshold leaves room for a loaded machine.
      env: { KUCOIN_STALE_FEED_MS: '5000', COLLECTOR_CRON: '*/2 * * * * *' },
    });
    ({ sims, worker } = scenario);
    base = await serveHttp(worker);
    sims.spot.startTicking(50);
  });

  afterAll(() => scenario?.close());

  it('is live, and becomes ready once the books are filled and the feed is flowing', async () => {
    expect((await probe('/health/live')).status).toBe(200);
    const ready = await waitForValue(
      'readiness',
      () => probe('/health/ready'),
      (answer) => answer.status === 200,
      15_000,
    );
    expect(ready.body.details).toMatchObject({
      cache: { status: 'up', positions: 1 },
      feed_spot: { status: 'up', desiredSymbols: 1 },
      feed_futures: { status: 'up', desiredSymbols: 0 },
    });
  });

  it('turns readiness 503, naming the feed, while the feed is down, and 200 again after recovery; liveness stays 200', async () => {
    sims.spot.failTokenRequests(503);
    sims.spot.dropAllConnections();
    // Readiness may be 503 for a moment for another reason (a trade gap being recovered after a stall of
    // this process); the outage is the spot connection itself being down.
    const down = await waitForValue(
      'readiness to report the feed outage',
      () => probe('/health/ready'),
      (answer) => {
        const connections = (answer.body.error?.feed_spot as FeedDetails | undefined)?.connections;
        return (
          answer.status === 503 &&
          connections !== undefined &&
          connections.every((c) => c.state !== 'connected')
        );
      },
    );
    expect(down.body.status).toBe('error');
    expect(Object.keys(down.body.error ?? {})).toEqual(['feed_spot']);
    expect((await probe('/health/live')).status).toBe(200);

    sims.spot.clearTokenFailures();
    await waitFor(
      'readiness after recovery',
      async () => (await probe('/health/ready')).status === 200,
      15_000,
    );
  });

  it('counts ticks and executions in /metrics as they flow', async () => {
    const ticksBefore = await metric('worker_ticks_received_total', 'market="spot",source="stream"');
    await waitFor(
      'more ticks',
      async () =>
        (await metric('worker_ticks_received_total', 'market="spot",source="stream"')) > ticksBefore + 10,
    );

    expect(await metric('worker_executions_total', 'outcome="executed"')).toBe(0);
    sims.spot.setPrice('BTC-USDT', 54_900);
    await waitFor(
      'the stop-loss execution',
      async () => (await metric('worker_executions_total', 'outcome="executed"')) === 1,
    );

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('worker_transaction_seconds_bucket');
    expect(text).toContain('worker_tick_to_decision_seconds_count{market="spot"} 1');
    expect(text).toMatch(/process_cpu_seconds_total \d/);
    const closed = (await scenario.store.db.doc('users/alice/openPositions/p1').get()).data();
    expect(closed).toMatchObject({
      status: 'closing',
      closeReason: 'stop_loss',
      closePrice: 54_900,
      closedBy: 'health-test',
    });
  });
});
