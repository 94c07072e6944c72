/** Opaque: Node returns a Timeout object, browsers and the manual clock a number. */
export type TimerHandle = object | number;

/**
 * Time and timers behind one seam, so every component's timeouts, backoffs and heartbeats can be driven by
 * a test. Provided to Nest providers under `CLOCK`; plain classes take it in their options.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Runs `fn` soon, after the current synchronous work (a tick handler) has returned. */
  defer(fn: () => void): void;
}

/**
 * The real clock. It resolves the global functions at call time (not import time), so Jest fake timers
 * installed later are honoured.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
  defer: (fn) => void setImmediate(fn),
};

/** Lets a timer not keep the process alive (a no-op for clocks whose handles are not Node timers). */
export function unrefTimer(handle: TimerHandle): void {
  if (typeof handle === 'object') (handle as Partial<NodeJS.Timeout>).unref?.();
}
