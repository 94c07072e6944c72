import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { ChangeBatch, Unsubscribe } from '../document-change';
import { type NextMessage, type WatchThreadMessage, encodeChanges } from './watch-protocol';
import { type WatchThreadPort, followThread, watchInThread } from './watch-thread';

/**
 * The failure paths of a watch thread, with real threads and no Firestore: a thread that cannot start its
 * listener (a credentials file that does not exist makes `cert()` throw as the thread loads). Its
 * snapshots are the listener specs' business (e2e, on the emulator).
 */
describe('watchInThread', () => {
  const missingCredentials = join(__dirname, 'no-such-credentials.json');
  let unsubscribe: Unsubscribe | undefined;

  afterEach(() => unsubscribe?.());

  function watch(onError: (error: Error) => void, onChanges: (batch: ChangeBatch<unknown>) => void) {
    unsubscribe = watchInThread<unknown>(
      { group: 'openPositions', projectId: 'watch-thread-spec', credentialsFile: missingCredentials },
      { onChanges, onError },
    );
  }

  it('reports a thread that fails as one listener error (its exit after the error adds none)', async () => {
    const errors: Error[] = [];
    const changes = jest.fn();
    await new Promise<void>((resolve) => {
      watch((error) => {
        errors.push(error);
        resolve();
      }, changes);
    });
    // The thread's exit follows its error: give it time to arrive, and to be ignored.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/no-such-credentials\.json/);
    expect(changes).not.toHaveBeenCalled();
  });

  it('reports nothing once unsubscribed, though the thread then fails and exits', async () => {
    const onError = jest.fn();
    watch(onError, jest.fn());
    unsubscribe?.();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(onError).not.toHaveBeenCalled();
  });
});

describe('followThread', () => {
  /** A thread's port without a thread: messages are emitted by the test, credits recorded. */
  function fakePort(): WatchThreadPort & { credits: NextMessage[]; send(message: WatchThreadMessage): void } {
    const events = new EventEmitter();
    const credits: NextMessage[] = [];
    return Object.assign(events, {
      credits,
      postMessage: (message: NextMessage) => void credits.push(message),
      terminate: () => Promise.resolve(0),
      send: (message: WatchThreadMessage) => void events.emit('message', message),
    });
  }
  const changes = (last: boolean): WatchThreadMessage => ({
    kind: 'changes',
    encoded: encodeChanges([{ type: 'removed', path: 'users/u/openPositions/p', version: 1 }]),
    size: 1,
    documentsRead: 0,
    last,
  });

  it('credits the thread only once the turn that handled its messages is over', () => {
    const port = fakePort();
    const endOfTurn: Array<() => void> = [];
    const batches: ChangeBatch<unknown>[] = [];
    followThread(port, 'openPositions', { onChanges: (b) => batches.push(b), onError: jest.fn() }, (fn) =>
      endOfTurn.push(fn),
    );
    // One drain of the port: both messages in flight are handled, and no credit has gone out meanwhile,
    // so the thread cannot queue a third into the same drain.
    port.send(changes(false));
    port.send(changes(true));
    expect(batches.map((b) => b.partial)).toEqual([true, false]);
    expect(port.credits).toEqual([]);
    for (const fn of endOfTurn.splice(0)) fn();
    expect(port.credits).toEqual([{ kind: 'next' }, { kind: 'next' }]);
  });

  it('sends no credit still pending once unsubscribed', () => {
    const port = fakePort();
    const endOfTurn: Array<() => void> = [];
    const stop = followThread(port, 'openPositions', { onChanges: jest.fn(), onError: jest.fn() }, (fn) =>
      endOfTurn.push(fn),
    );
    port.send(changes(true));
    stop();
    for (const fn of endOfTurn.splice(0)) fn();
    expect(port.credits).toEqual([]);
  });
});
