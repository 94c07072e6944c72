import { ManualClock } from '../../test/support/doubles/manual-clock';
import { PageGate } from './page-gate';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

function setUp(stopping = false) {
  const clock = new ManualClock();
  const state = { stopping };
  const gate = new PageGate({
    pageSize: 10,
    pageTimeoutMs: 1_000,
    clock,
    stopping: () => state.stopping,
    turnBudgetMs: 10,
  });
  return { clock, state, gate };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PageGate', () => {
  it('hands a page through, and is settled once it answered', async () => {
    const { gate } = setUp();
    await expect(gate.fetch(() => Promise.resolve('page'))).resolves.toBe('page');
    await expect(gate.settled()).resolves.toBeUndefined();
  });

  it('fails a page that has not answered within the page timeout, and asks for no further page', async () => {
    const { clock, gate } = setUp();
    const hanging = deferred<string>();
    const failed = gate.fetch(() => hanging.promise);
    clock.advance(999);
    let timedOut = false;
    failed.catch(() => (timedOut = true));
    await flush();
    expect(timedOut).toBe(false);
    clock.advance(1);
    await expect(failed).rejects.toThrow('1000 ms');

    const asked = jest.fn(() => Promise.resolve('next'));
    await expect(gate.fetch(asked)).rejects.toThrow('another page of this read failed');
    expect(asked).not.toHaveBeenCalled();
  });

  it('is settled only once a page it gave up on has answered', async () => {
    const { clock, gate } = setUp();
    const hanging = deferred<string>();
    const failed = gate.fetch(() => hanging.promise);
    clock.advance(1_000);
    await expect(failed).rejects.toThrow();
    let settled = false;
    void gate.settled().then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    hanging.resolve('late');
    await flush();
    expect(settled).toBe(true);
  });

  it('asks for nothing once the service is stopping', async () => {
    const { state, gate } = setUp();
    await gate.fetch(() => Promise.resolve(1));
    state.stopping = true;
    const asked = jest.fn(() => Promise.resolve(2));
    await expect(gate.fetch(asked)).rejects.toThrow('stopping');
    expect(asked).not.toHaveBeenCalled();
  });

  it('a page that failed by itself stops the other collection too', async () => {
    const { gate } = setUp();
    await expect(gate.fetch(() => Promise.reject(new Error('unavailable')))).rejects.toThrow('unavailable');
    await expect(gate.fetch(() => Promise.resolve('triggers'))).rejects.toThrow('another page');
  });
  it('lets a turn parse for its budget, then gives the loop a turn before the next', async () => {
    const { clock, gate } = setUp();
    expect(gate.pace()).toBeUndefined(); // the turn's first look starts its clock
    clock.advance(9);
    expect(gate.pace()).toBeUndefined();
    clock.advance(1);
    const paused = gate.pace();
    expect(paused).toBeInstanceOf(Promise);
    let resumed = false;
    void paused!.then(() => (resumed = true));
    await flush();
    expect(resumed).toBe(false); // not before the loop has had its turn
    clock.runDeferred();
    await paused;
    expect(gate.pace()).toBeUndefined(); // a new turn, with a budget of its own
  });
});
