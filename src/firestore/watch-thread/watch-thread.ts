import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { systemClock } from '../../timing/clock';
import type { DocumentChange, Unsubscribe, WatchHandlers } from '../document-change';
import {
  type NextMessage,
  type WatchThreadData,
  type WatchThreadMessage,
  decodeChanges,
} from './watch-protocol';

/**
 * Runs one Firestore listener in a worker thread of its own and hands its changes to `handlers` on this
 * thread, slice by slice (see watch-worker). A snapshot's slices but the last arrive as `partial`
 * batches, so a listener counts as caught up only once a whole snapshot is in. A thread that fails or
 * exits is reported as a listener error; unsubscribing ends the thread.
 */
export function watchInThread<T>(data: WatchThreadData, handlers: WatchHandlers<T>): Unsubscribe {
  return followThread(startWorker(data), data.group, handlers, (fn) => systemClock.defer(fn));
}

/** The few parts of a Worker the main side uses (a test drives them without a thread). */
export interface WatchThreadPort {
  on(event: 'message', listener: (message: WatchThreadMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  postMessage(message: NextMessage): void;
  terminate(): Promise<number>;
}

/**
 * The main side of a watch thread. The thread's credit (`next`) for each message is sent once this turn
 * of the event loop is over (`afterTurn`), not from the message's handler: a MessagePort delivers every
 * message queued when it is drained, up to 1,000 in one callback, and a credit sent at once lets the
 * thread queue the next message before the drain ends, so a whole snapshot's messages could be handled
 * in one turn (bench 7 at 500,000 positions: 0.8-1.7 s stalls at start-up). Deferred, a turn takes at
 * most the messages in flight.
 */
export function followThread<T>(
  worker: WatchThreadPort,
  group: string,
  handlers: WatchHandlers<T>,
  afterTurn: (fn: () => void) => void,
): Unsubscribe {
  let stopped = false;
  const fail = (error: Error): void => {
    if (stopped) return;
    stopped = true;
    void worker.terminate();
    handlers.onError(error);
  };
  worker.on('message', (message: WatchThreadMessage) => {
    if (stopped) return;
    if (message.kind === 'error')
      return fail(Object.assign(new Error(message.message), { code: message.code }));
    const { encoded, size, documentsRead, last } = message;
    afterTurn(() => {
      if (!stopped) worker.postMessage({ kind: 'next' } satisfies NextMessage);
    });
    // The thread parsed them with this listener's parser: its changes are of this listener's type.
    let changes: DocumentChange<T>[] | undefined;
    handlers.onChanges({
      size,
      documentsRead,
      partial: !last,
      slice: (from, to) => (changes ??= decodeChanges<T>(encoded)).slice(from, to),
    });
  });
  worker.on('error', (error: Error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`the ${group} watch thread exited (${code})`)));
  return () => {
    stopped = true;
    void worker.terminate();
  };
}

function startWorker(data: WatchThreadData): Worker {
  // The emulator switch is read from the environment by firebase-admin: give the thread the service's.
  const env = {
    ...process.env,
    ...(data.emulatorHost ? { FIRESTORE_EMULATOR_HOST: data.emulatorHost } : {}),
  };
  // The listener keeps every matched document in this thread's heap: give it the main thread's limit
  // (--max-old-space-size), so one setting sizes every isolate and a large snapshot is not cut short.
  const maxOldGenerationSizeMb = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  const options = { workerData: data, env, resourceLimits: { maxOldGenerationSizeMb } };
  const built = join(__dirname, 'watch-worker.js');
  if (existsSync(built)) return new Worker(built, options);
  // Running from the TypeScript sources (the tests, the demo): the thread compiles them as they are.
  const register = join(__dirname, '../../../tools/swc-register.js');
  const source = join(__dirname, 'watch-worker.ts');
  const code = `require(${JSON.stringify(register)}); require(${JSON.stringify(source)});`;
  return new Worker(code, { ...options, eval: true });
}
