/**
 * What a spec file started and may not have closed: Nest apps, simulators, feed connections. A spec that
 * fails or times out half-way (an expectation failing before the test's own stop, a timeout while a
 * worker is still starting) can leave one running; its sockets and timers would keep Jest's process
 * alive after the run, so the run would never end. `closing-environment.ts` closes whatever is still
 * open when the file ends and fails the file, naming them.
 */
export const LIVE_APPS_KEY = '__realtimeWorkerLiveApps';

type Close = () => Promise<void> | void;

/** A started thing, as the environment sees it at the end of a spec file. */
export interface Live {
  readonly stillOpen: () => boolean;
  readonly close: Close;
}

let next = 0;

function liveApps(): Map<string, Live> {
  const scope = globalThis as unknown as Record<string, Map<string, Live> | undefined>;
  return (scope[LIVE_APPS_KEY] ??= new Map<string, Live>());
}

/** Watches something a spec stops through its own methods: left open at the end of the file, it is closed. */
export function watchOpen(name: string, live: Live): void {
  liveApps().set(`${name}#${++next}`, live);
}

/**
 * Registers `close` under `name` until it is called; returns a close that runs once (a second call
 * waits for the first).
 */
export function closeOnce(name: string, close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const once = (): Promise<void> => (closing ??= close());
  watchOpen(name, { stillOpen: () => closing === undefined, close: once });
  return once;
}
