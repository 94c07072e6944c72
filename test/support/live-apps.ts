/**
 * What a spec file started and has not closed yet: Nest apps, simulators. A spec that fails or times out
 * half-way (a test's timeout while a worker is still starting) can leave one running; its sockets and
 * timers would keep Jest's process alive after the run, so the run would never end.
 * `closing-environment.ts` closes whatever is left when the file ends and fails the file, naming them.
 */
export const LIVE_APPS_KEY = '__realtimeWorkerLiveApps';

type Close = () => Promise<void>;

let next = 0;

function liveApps(): Map<string, Close> {
  const scope = globalThis as unknown as Record<string, Map<string, Close> | undefined>;
  return (scope[LIVE_APPS_KEY] ??= new Map<string, Close>());
}

/**
 * Registers `close` under `name` until it is called; returns a close that runs once (a second call
 * waits for the first) and deregisters.
 */
export function closeOnce(name: string, close: Close): Close {
  const key = `${name}#${++next}`;
  let closing: Promise<void> | undefined;
  const once: Close = () => {
    liveApps().delete(key);
    return (closing ??= close());
  };
  liveApps().set(key, once);
  return once;
}
