import { ChaosRun } from './support/chaos-run';
import { expectClean } from './support/verdict';

const REPLICAS = ['replica-a', 'replica-b'];

describe('two replicas on one project through the chaos feed', () => {
  const run = new ChaosRun('two replicas', REPLICAS, Number(process.env.RELIABILITY_SEED ?? 7002));

  beforeAll(() => run.start(), 60_000);
  afterAll(() => run.stop());

  it('executes every crossing exactly once across both replicas, each write signed by its replica', async () => {
    const { verdict, state, drive } = await run.run();
    process.stdout.write(
      `two replicas: seed ${run.seedValue}, ${drive.plateaus} plateaus in ${drive.durationMs} ms\n`,
    );
    expectClean(verdict);
    // Each replica's `executed` count equals the documents carrying its id: no write was made twice.
    const positions = [...state.positions.values()];
    const executed = [...state.executed.values()];
    for (const [index, id] of REPLICAS.entries()) {
      const signed =
        positions.filter((doc) => doc.closedBy === id).length +
        executed.filter((doc) => doc.executedBy === id).length;
      await expect(run.workers[index].executions('executed')).resolves.toBe(signed);
    }
    const unsigned =
      positions.filter((doc) => doc.status !== 'open' && !REPLICAS.includes(doc.closedBy as string)).length +
      executed.filter((doc) => !REPLICAS.includes(doc.executedBy as string)).length;
    expect(unsigned).toBe(0);
    for (const worker of run.workers) await expect(worker.executions('failed_permanent')).resolves.toBe(0);
  }, 240_000);
});
