import type { Observable } from 'rxjs';
import type { Tick } from '../domain/market';

/** Anything with a tick stream: both feed gateways. */
export interface TickSource {
  readonly ticks$: Observable<Tick>;
}
export const TICK_SOURCES = Symbol('TICK_SOURCES');

/** How often the queue and pending gauges are refreshed: ages change with time, not only with events. */
export const QUEUE_GAUGE_INTERVAL_MS = 1_000;

/**
 * After the grace period: how long transactions already on the wire may still take. The Firestore client
 * closes right after shutdown, and a transaction cut off mid-read surfaces inside firebase-admin as an
 * unhandled rejection; the total shutdown is therefore at most SHUTDOWN_GRACE_MS plus this.
 */
export const IN_FLIGHT_SETTLE_MS = 2_000;
