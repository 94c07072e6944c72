import { Timestamp } from 'firebase-admin/firestore';
import type { Version } from '../domain/crossing';

/**
 * A Firestore timestamp as a document version: microseconds since the epoch, the precision of update
 * times, exact as a double until the year 2255.
 */
export function versionOf(time: Timestamp): Version {
  return time.seconds * 1_000_000 + Math.floor(time.nanoseconds / 1_000);
}

/** The update time a version was taken from: what a `lastUpdateTime` precondition compares with. */
export function timestampOfVersion(version: Version): Timestamp {
  const seconds = Math.floor(version / 1_000_000);
  return new Timestamp(seconds, (version - seconds * 1_000_000) * 1_000);
}
