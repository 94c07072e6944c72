/**
 * A listener split by document name into partitions, each its own Firestore listener, opened one after
 * another. Why: a backend builds a listen target's first result before it sends any of it, and
 * firebase-admin resets a listen stream that has received nothing for 120 s (WATCH_IDLE_TIMEOUT_MS), so a
 * target too large to answer within that is asked again from scratch, forever: the emulator never
 * delivered a million-document listener's first snapshot. Partitions keep each first result small;
 * opened together they would compete and time out the same way (16 partitions of 1M opened at once: the
 * ones still waiting after 120 s were reset and went to the back of the queue), so each opens once the
 * one before it has delivered its first snapshot.
 */

/** Document names from `from` (inclusive) to `to` (exclusive); an end left out is open. */
export interface NameRange {
  readonly from?: string;
  readonly to?: string;
}

/**
 * The characters Firebase Auth uids and Firestore auto-ids are drawn from, in the order Firestore sorts
 * strings (by their UTF-8 bytes). Bounds on a uid's first character split such users evenly.
 */
const UID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Each partition is a listen stream of its own, and the partitions open one after another: a few suffice to
 * keep each first result small (four for a million positions on the emulator).
 */
export const MAX_LISTEN_PARTITIONS = 32;

/**
 * `partitions` ranges of document names that tile the whole key space, cut at `users/<c>` for evenly
 * spaced characters c of the uid alphabet. The first and last are open-ended, so a document anywhere
 * (a uid of other characters, a collection outside `users`) is in exactly one of them.
 */
export function listenRanges(partitions: number): NameRange[] {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_LISTEN_PARTITIONS)
    throw new RangeError(`partitions must be an integer from 1 to ${MAX_LISTEN_PARTITIONS}`);
  const bounds = Array.from({ length: partitions - 1 }, (_, i) => {
    const at = Math.round(((i + 1) * UID_ALPHABET.length) / partitions);
    return `users/${UID_ALPHABET[at]}`;
  });
  return Array.from({ length: partitions }, (_, i) => ({ from: bounds[i - 1], to: bounds[i] }));
}

/** What a partition's snapshot means for the listener as a whole. */
export interface PartitionStep {
  /** Every partition's first snapshot is in (with this one): the snapshot leaves the listener caught up. */
  readonly whole: boolean;
  /** The partition to open now, once this partition's first snapshot is in. */
  readonly openNext?: number;
}

/**
 * Tracks a partitioned listener's start: partition 0 is opened first, each next one after the first
 * snapshot of the one before. Until every partition's first snapshot is in, no snapshot leaves the
 * listener caught up (the main side counts a listener live only once a whole snapshot is in).
 */
export class PartitionedStart {
  private readonly delivered = new Set<number>();

  constructor(private readonly partitions: number) {}

  onSnapshot(partition: number): PartitionStep {
    if (partition < 0 || partition >= this.partitions || partition > this.delivered.size)
      throw new RangeError(`partition ${partition} was not opened`);
    const first = !this.delivered.has(partition);
    this.delivered.add(partition);
    const whole = this.delivered.size === this.partitions;
    const next = partition + 1;
    return first && next < this.partitions ? { whole, openNext: next } : { whole };
  }
}
