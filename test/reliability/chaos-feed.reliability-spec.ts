import { ChaosRun } from './support/chaos-run';
import { expectClean } from './support/verdict';

describe('chaos feed: 200 positions and 100 triggers on 20 symbols through a minute of feed faults', () => {
  const run = new ChaosRun('chaos feed', ['chaos-a'], Number(process.env.RELIABILITY_SEED ?? 7001));

  beforeAll(() => run.start(), 60_000);
  afterAll(() => run.stop());

  it('executes exactly the crossed documents, each once, with the crossing price', async () => {
    const { verdict, drive } = await run.run();
    process.stdout.write(
      `chaos feed: seed ${run.seedValue}, ${drive.plateaus} plateaus in ${drive.durationMs} ms ` +
        `(longest ${drive.longestHoldMs} ms); spot ${JSON.stringify(run.sims!.spot.stats)}\n`,
    );
    expectClean(verdict);
    // The faults really happened: malformed frames were sent and the token endpoint failed.
    expect(run.sims!.spot.stats.badFramesSent + run.sims!.futures.stats.badFramesSent).toBeGreaterThan(0);
    expect(run.sims!.spot.stats.tokenFailuresServed).toBeGreaterThan(0);
    await expect(run.workers[0].executions('failed_permanent')).resolves.toBe(0);
  }, 240_000);
});
