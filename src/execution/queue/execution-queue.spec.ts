import { type AttemptVerdict, ExecutionQueue, type QueueOptions } from './execution-queue';
import { ManualClock } from '../../../test/support/doubles/manual-clock';

interface Pending {
  readonly item: string;
  readonly attempt: number;
  resolve(verdict: AttemptVerdict): void;
  reject(error: Error): void;
}

const OPTIONS: QueueOptions = {
  concurrency: 3,
  maxAttempts: 4,
  retryBaseMs: 100,
  retryMaxMs: 250,
  pendingRetryBaseMs: 1_000,
  pendingRetryMaxMs: 3_000,
};

/** Lets promise callbacks (the queue's `.then`) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `startCostMs`: how long each attempt's start holds the turn (building and sending a request). */
function setup(options: QueueOptions = OPTIONS, { startCostMs = 0, startTurnBudgetMs = 10 } = {}) {
  const clock = new ManualClock();
  const running: Pending[] = [];
  const exhausted: [string, number][] = [];
  const dropped: string[] = [];
  const crashed: string[] = [];
  let maxConcurrent = 0;
  const queue = new ExecutionQueue<string>(
    options,
    {
      attempt: (item, attempt) =>
        new Promise<AttemptVerdict>((resolve, reject) => {
          running.push({ item, attempt, resolve, reject });
          maxConcurrent = Math.max(maxConcurrent, queue.stats().running);
          clock.time += startCostMs;
        }),
      exhausted: (item, attempts) => exhausted.push([item, attempts]),
      dropped: (item) => dropped.push(item),
      crashed: (item) => crashed.push(item),
    },
    { clock, random: () => 1, startTurnBudgetMs },
  );
  /** Resolves the oldest running attempt, then runs the next turn (the pump it scheduled). */
  const finish = async (verdict: AttemptVerdict): Promise<Pending> => {
    const next = running.shift() as Pending;
    next.resolve(verdict);
    await settle();
    clock.runDeferred();
    return next;
  };
  /** Moves time on (retries fall due), then runs the next turn. */
  const advance = (ms: number): void => {
    clock.advance(ms);
    clock.runDeferred();
  };
  return {
    clock,
    queue,
    running,
    exhausted,
    dropped,
    crashed,
    finish,
    advance,
    maxConcurrent: () => maxConcurrent,
  };
}

describe('ExecutionQueue', () => {
  it('enqueue returns at once; attempts start on the deferred pump', () => {
    const { queue, clock, running } = setup();
    expect(queue.enqueue('a')).toBe(true);
    expect(running).toHaveLength(0);
    clock.runDeferred();
    expect(running.map((p) => p.item)).toEqual(['a']);
  });

  it('never runs more than `concurrency` attempts at once, and starts them in FIFO order', async () => {
    const t = setup();
    for (let i = 0; i < 10; i++) t.queue.enqueue(`h${i}`);
    t.clock.runDeferred();
    expect(t.running.map((p) => p.item)).toEqual(['h0', 'h1', 'h2']);
    expect(t.queue.stats()).toMatchObject({ length: 10, waiting: 7, running: 3, delayed: 0 });
    const started: string[] = [];
    while (t.running.length > 0) started.push((await t.finish('done')).item);
    expect(started).toEqual(Array.from({ length: 10 }, (_, i) => `h${i}`));
    expect(t.maxConcurrent()).toBe(3);
    expect(t.queue.stats()).toMatchObject({ length: 0, waiting: 0, running: 0 });
  });

  it('a wave of attempts finishing in one turn starts their successors on the next turn, not in it', async () => {
    const t = setup();
    for (let i = 0; i < 6; i++) t.queue.enqueue(`w${i}`);
    t.clock.runDeferred();
    // All three fail together, as calls do that share one deadline: their handling is one turn.
    for (const pending of t.running.splice(0)) pending.resolve('retry');
    await settle();
    expect(t.running).toEqual([]);
    expect(t.queue.stats()).toMatchObject({ running: 0, waiting: 3, delayed: 3 });
    t.clock.runDeferred();
    expect(t.running.map((p) => p.item)).toEqual(['w3', 'w4', 'w5']);
  });

  it('retries with exponential backoff, giving its slot back while it waits, then goes on slowly', async () => {
    const t = setup({ ...OPTIONS, concurrency: 1 });
    t.queue.enqueue('flaky');
    t.queue.enqueue('other');
    t.clock.runDeferred();
    await t.finish('retry');
    expect(t.clock.pendingTimers).toEqual([100]);
    expect(t.running.map((p) => p.item)).toEqual(['other']);
    await t.finish('done');
    const delays: number[] = [];
    for (let attempt = 2; attempt <= 4; attempt++) {
      const delay = t.clock.pendingTimers[0];
      delays.push(delay);
      t.advance(delay);
      expect(t.running).toEqual([expect.objectContaining({ item: 'flaky', attempt })]);
      await t.finish('retry');
    }
    expect(delays).toEqual([100, 200, 250]);
    expect(t.exhausted).toEqual([['flaky', 4]]);
    // Never given up: the long backoff takes over, reported once, until an attempt is done.
    const slow: number[] = [];
    for (let attempt = 5; attempt <= 7; attempt++) {
      const delay = t.clock.pendingTimers[0];
      slow.push(delay);
      t.advance(delay);
      expect(t.running).toEqual([expect.objectContaining({ item: 'flaky', attempt })]);
      await t.finish(attempt < 7 ? 'retry' : 'done');
    }
    expect(slow).toEqual([1_000, 2_000, 3_000]);
    expect(t.exhausted).toEqual([['flaky', 4]]);
    expect(t.clock.pendingTimers).toEqual([]);
    expect(t.queue.length).toBe(0);
  });

  it('drain gives an item on the long backoff one immediate last attempt, then drops it', async () => {
    const t = setup({ ...OPTIONS, maxAttempts: 1 });
    t.queue.enqueue('stuck');
    t.clock.runDeferred();
    await t.finish('retry');
    expect(t.clock.pendingTimers).toEqual([1_000]);
    const drained = t.queue.drain(10_000);
    expect(t.clock.pendingTimers).toEqual([10_000]); // only the drain's own timeout
    t.clock.runDeferred();
    expect(t.running).toEqual([expect.objectContaining({ item: 'stuck', attempt: 2 })]);
    await t.finish('retry');
    await expect(drained).resolves.toBe(true);
    expect(t.dropped).toEqual(['stuck']);
  });

  it('counts a rejected attempt as a crash and retries it', async () => {
    const t = setup();
    t.queue.enqueue('boom');
    t.clock.runDeferred();
    (t.running.shift() as Pending).reject(new Error('bug'));
    await settle();
    expect(t.crashed).toEqual(['boom']);
    t.advance(100);
    expect(t.running.map((p) => [p.item, p.attempt])).toEqual([['boom', 2]]);
  });

  it('reports the age of the oldest unfinished item, retries included', async () => {
    const t = setup({ ...OPTIONS, concurrency: 1 });
    t.queue.enqueue('first');
    t.clock.advance(40);
    t.queue.enqueue('second');
    t.clock.runDeferred();
    await t.finish('retry');
    t.clock.advance(50);
    expect(t.queue.oldestAgeMs()).toBe(90);
    await t.finish('done');
    expect(t.queue.oldestAgeMs()).toBe(90);
  });

  it('drain stops accepting and resolves true once accepted work (and its retries) finished', async () => {
    const t = setup();
    t.queue.enqueue('a');
    t.clock.runDeferred();
    const drained = t.queue.drain(1_000);
    expect(t.queue.enqueue('late')).toBe(false);
    await t.finish('retry');
    t.advance(100);
    await t.finish('done');
    await expect(drained).resolves.toBe(true);
    expect(t.clock.pendingTimers).toEqual([]);
  });

  it('drain resolves true at once when idle and false when time runs out', async () => {
    const t = setup();
    await expect(t.queue.drain(10)).resolves.toBe(true);
    const busy = setup();
    busy.queue.enqueue('stuck');
    busy.clock.runDeferred();
    const drained = busy.queue.drain(500);
    busy.clock.advance(500);
    await expect(drained).resolves.toBe(false);
  });

  it('abandon drops waiting and delayed items, and stops retrying running ones', async () => {
    const t = setup({ ...OPTIONS, concurrency: 2 });
    for (const item of ['retrying', 'running', 'waiting']) t.queue.enqueue(item);
    t.clock.runDeferred();
    await t.finish('retry');
    // 'waiting' took the slot 'retrying' gave back; 'queued' has none.
    t.queue.enqueue('queued');
    expect(t.queue.abandon()).toBe(2);
    expect(t.dropped).toEqual(['retrying', 'queued']);
    expect(t.clock.pendingTimers).toEqual([]);
    await t.finish('retry');
    await t.finish('done');
    expect(t.dropped).toEqual(['retrying', 'queued', 'running']);
    expect(t.exhausted).toEqual([]);
    expect(t.queue.length).toBe(0);
    expect(t.clock.pendingTimers).toEqual([]);
  });
});

describe('ExecutionQueue with a throwing handler', () => {
  it('reports it as a crash and keeps pumping, with the item still retried', async () => {
    const clock = new ManualClock();
    const crashed: string[] = [];
    const started: string[] = [];
    const queue = new ExecutionQueue<string>(
      { ...OPTIONS, concurrency: 1, maxAttempts: 1, retryBaseMs: 1, retryMaxMs: 1 },
      {
        attempt: (item) => {
          started.push(item);
          return Promise.resolve<AttemptVerdict>('retry');
        },
        exhausted: () => {
          throw new Error('cache broke');
        },
        dropped: () => undefined,
        crashed: (item) => crashed.push(item),
      },
      { clock },
    );
    queue.enqueue('a');
    queue.enqueue('b');
    clock.runDeferred();
    await settle();
    clock.runDeferred();
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(crashed).toEqual(['a', 'b']);
    expect(queue.stats()).toMatchObject({ length: 2, delayed: 2 });
  });
});

describe('ExecutionQueue start budget', () => {
  /** Runs deferred turns until nothing waits; returns the items each turn started. */
  const startsPerTurn = (t: ReturnType<typeof setup>): string[][] => {
    const turns: string[][] = [];
    while (t.queue.stats().waiting > 0) {
      const before = t.running.length;
      t.clock.runDeferred();
      turns.push(t.running.slice(before).map((p) => p.item));
    }
    return turns;
  };

  it('starts attempts for at most its budget in one turn and the rest on the turns after', () => {
    const t = setup({ ...OPTIONS, concurrency: 10 }, { startCostMs: 4, startTurnBudgetMs: 10 });
    for (let i = 0; i < 8; i++) t.queue.enqueue(`s${i}`);
    // Starts at 0, 4 and 8 ms into a turn; at 12 ms the rest waits for the next turn.
    expect(startsPerTurn(t)).toEqual([
      ['s0', 's1', 's2'],
      ['s3', 's4', 's5'],
      ['s6', 's7'],
    ]);
    expect(t.queue.stats()).toMatchObject({ running: 8, waiting: 0 });
  });

  it('starts at least one attempt per turn, however slow a start is', () => {
    const t = setup({ ...OPTIONS, concurrency: 10 }, { startCostMs: 50, startTurnBudgetMs: 10 });
    t.queue.enqueue('a');
    t.queue.enqueue('b');
    expect(startsPerTurn(t)).toEqual([['a'], ['b']]);
  });
});
