import fc from 'fast-check';
import { SlicedApply } from './sliced-apply';

/** A yield the test releases by hand, so every interleaving is driven, not timed. */
function turns() {
  const waiting: (() => void)[] = [];
  return {
    yieldToOthers: () => new Promise<void>((resolve) => waiting.push(resolve)),
    get waiting(): number {
      return waiting.length;
    },
    async release(): Promise<void> {
      waiting.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
    async drain(): Promise<void> {
      await new Promise((resolve) => setImmediate(resolve));
      while (waiting.length > 0) await this.release();
    },
  };
}

function recorder(log: string[], name: string, size: number) {
  return {
    size,
    apply: (from: number, to: number) => log.push(`${name}[${from},${to})`),
    done: () => log.push(`${name} done`),
  };
}

describe('SlicedApply', () => {
  it('applies a batch of one slice or less at once, in the same turn', () => {
    const log: string[] = [];
    const sliced = new SlicedApply({ sliceSize: 3, yieldToOthers: turns().yieldToOthers, onFailure: fail });
    sliced.push(recorder(log, 'a', 3));
    expect(log).toEqual(['a[0,3)', 'a done']);
    expect(sliced.busy).toBe(false);
  });

  it('gives the loop back between the slices of a large batch, and is done only after the last', async () => {
    const log: string[] = [];
    const loop = turns();
    const sliced = new SlicedApply({ sliceSize: 3, yieldToOthers: loop.yieldToOthers, onFailure: fail });
    sliced.push(recorder(log, 'a', 7));
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a[0,3)']);
    await loop.release();
    expect(log).toEqual(['a[0,3)', 'a[3,6)']);
    await loop.release();
    expect(log).toEqual(['a[0,3)', 'a[3,6)', 'a[6,7)', 'a done']);
    await loop.drain();
    expect(sliced.busy).toBe(false);
  });

  it('ends a turn once its time budget is spent, in steps of 64, and goes on in the next turn', async () => {
    const log: string[] = [];
    const loop = turns();
    let time = 0;
    // Every apply call costs 10 ms of the clock: the 25 ms budget is spent after the third step.
    const costly = {
      ...recorder(log, 'a', 500),
      apply: (from: number, to: number) => ((time += 10), log.push(`a[${from},${to})`)),
    };
    const sliced = new SlicedApply({
      sliceSize: 1_000,
      budgetMs: 25,
      now: () => time,
      yieldToOthers: loop.yieldToOthers,
      onFailure: fail,
    });
    sliced.push(costly);
    expect(log).toEqual(['a[0,64)', 'a[64,128)', 'a[128,192)']);
    await new Promise((resolve) => setImmediate(resolve)); // the rest is queued behind a yield
    expect(log).toHaveLength(3);
    await loop.release();
    expect(log.slice(3)).toEqual(['a[192,256)', 'a[256,320)', 'a[320,384)']);
    await loop.drain();
    expect(log.slice(6)).toEqual(['a[384,448)', 'a[448,500)', 'a done']);
    expect(sliced.busy).toBe(false);
  });

  it('applies a small batch whole within the budget, in the same turn', () => {
    const log: string[] = [];
    const sliced = new SlicedApply({
      sliceSize: 1_000,
      budgetMs: 25,
      now: () => 0,
      yieldToOthers: turns().yieldToOthers,
      onFailure: fail,
    });
    sliced.push(recorder(log, 'a', 100));
    expect(log).toEqual(['a[0,64)', 'a[64,100)', 'a done']);
  });

  it('keeps a small batch behind a large one under way: arrival order is kept', async () => {
    const log: string[] = [];
    const loop = turns();
    const sliced = new SlicedApply({ sliceSize: 2, yieldToOthers: loop.yieldToOthers, onFailure: fail });
    sliced.push(recorder(log, 'first', 4));
    sliced.push(recorder(log, 'second', 1));
    await loop.drain();
    expect(log).toEqual(['first[0,2)', 'first[2,4)', 'first done', 'second[0,1)', 'second done']);
  });

  it('gives the loop back between queued batches too: a backlog is not drained in one turn', async () => {
    const log: string[] = [];
    const loop = turns();
    const sliced = new SlicedApply({ sliceSize: 2, yieldToOthers: loop.yieldToOthers, onFailure: fail });
    sliced.push(recorder(log, 'first', 4));
    sliced.push(recorder(log, 'second', 1));
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['first[0,2)']);
    await loop.release();
    expect(log).toEqual(['first[0,2)', 'first[2,4)', 'first done']);
    await loop.release();
    expect(log).toEqual(['first[0,2)', 'first[2,4)', 'first done', 'second[0,1)', 'second done']);
  });

  it('applies nothing more once cancelled, not even the rest of a batch', async () => {
    const log: string[] = [];
    const loop = turns();
    const sliced = new SlicedApply({ sliceSize: 2, yieldToOthers: loop.yieldToOthers, onFailure: fail });
    sliced.push(recorder(log, 'a', 6));
    await Promise.resolve();
    await Promise.resolve();
    sliced.cancel();
    await loop.drain();
    sliced.push(recorder(log, 'b', 1));
    expect(log).toEqual(['a[0,2)']);
  });

  it('reports a slice that threw and still applies the batches after it', async () => {
    const log: string[] = [];
    const failures: unknown[] = [];
    const loop = turns();
    const sliced = new SlicedApply({
      sliceSize: 2,
      yieldToOthers: loop.yieldToOthers,
      onFailure: (error) => failures.push(error),
    });
    sliced.push({
      size: 4,
      apply: () => {
        throw new Error('bad slice');
      },
      done: () => log.push('never'),
    });
    sliced.push(recorder(log, 'next', 3));
    await loop.drain();
    expect(failures).toHaveLength(1);
    expect(log).toEqual(['next[0,2)', 'next[2,3)', 'next done']);
  });

  it('applies every item exactly once and in order, whatever the batch sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 8 }),
        async (sliceSize, sizes) => {
          const applied: number[] = [];
          const loop = turns();
          const sliced = new SlicedApply({ sliceSize, yieldToOthers: loop.yieldToOthers, onFailure: fail });
          let next = 0;
          const expected: number[] = [];
          for (const size of sizes) {
            const base = next;
            next += size;
            for (let i = 0; i < size; i++) expected.push(base + i);
            sliced.push({
              size,
              apply: (from, to) => {
                for (let i = from; i < to; i++) applied.push(base + i);
              },
              done: () => undefined,
            });
          }
          await loop.drain();
          expect(applied).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function fail(error: unknown): never {
  throw error;
}
