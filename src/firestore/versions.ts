import type { Timestamp } from 'firebase-admin/firestore';
import type { Version } from '../domain/crossing';

/**
 * A Firestore timestamp as a document version: microseconds since the epoch, the precision of update
 * times, exact as a double until the year 2255.
 */
export function versionOf(time: Timestamp): Version {
  return time.seconds * 1_000_000 + Math.floor(time.nanoseconds / 1_000);
}
