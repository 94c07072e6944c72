import type { DocumentReference, DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import { type Clock, systemClock } from '../../timing/clock';

/** Documents per BatchGetDocuments call: one BatchWrite's failures fit in one, with room to spare. */
const READS_PER_CALL = 100;

interface Waiting {
  readonly ref: DocumentReference;
  readonly waiters: { resolve(snapshot: DocumentSnapshot): void; reject(error: unknown): void }[];
}

/**
 * The plain reads of one turn, in one BatchGetDocuments call (`getAll`) at its end. The conditional closes
 * whose documents changed fail together (one BatchWrite's results), and each needs one read to settle it:
 * in a flash crash that is a call per hundred reads rather than one each. A failed call fails each of its
 * reads, which the execution queue retries as it would a read of its own.
 */
export class TurnReads {
  private waiting = new Map<string, Waiting>();

  constructor(
    private readonly db: Firestore,
    private readonly clock: Pick<Clock, 'defer'> = systemClock,
  ) {}

  get(ref: DocumentReference): Promise<DocumentSnapshot> {
    return new Promise((resolve, reject) => {
      let waiting = this.waiting.get(ref.path);
      if (waiting === undefined) {
        if (this.waiting.size === 0) this.clock.defer(() => this.send());
        waiting = { ref, waiters: [] };
        this.waiting.set(ref.path, waiting);
      }
      waiting.waiters.push({ resolve, reject });
    });
  }

  private send(): void {
    const reads = [...this.waiting.values()];
    this.waiting = new Map();
    for (let from = 0; from < reads.length; from += READS_PER_CALL)
      void this.readTogether(reads.slice(from, from + READS_PER_CALL));
  }

  /** Async, so that a client refusing the call at once (terminated, say) fails the reads, not the turn. */
  private async readTogether(call: Waiting[]): Promise<void> {
    try {
      // getAll answers in the order of the references it was given.
      const snapshots = await this.db.getAll(...call.map((read) => read.ref));
      call.forEach((read, i) => read.waiters.forEach((waiter) => waiter.resolve(snapshots[i])));
    } catch (error) {
      call.forEach((read) => read.waiters.forEach((waiter) => waiter.reject(error)));
    }
  }
}
