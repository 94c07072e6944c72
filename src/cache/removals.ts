import type { EntryKind, Sighting, Version } from '../domain/crossing';
import { type ReadTimes, readTimeOf } from './reconciliation';

/**
 * Documents seen leaving the books since their last full read, with the version they left at: the listener may
 * still deliver an older change of one (it lags behind a transaction's own read), which must not bring it
 * back. A removal the next full read reflects is covered by its read time from then on.
 */
export class Removals {
  private readonly removed: Record<EntryKind, Map<string, Version>> = {
    position: new Map(),
    trigger: new Map(),
  };

  /** Whether a sighting is older than the document's known removal. */
  isStale(kind: EntryKind, path: string, seen: Sighting): boolean {
    return seen.version < (this.removed[kind].get(path) ?? -Infinity);
  }

  /**
   * A sighting the live books took. One that left the document out of them is remembered as a removal: a
   * closed or deleted document, and also one still open with nothing to watch (its levels cleared), whose
   * older levels a late listener change must not bring back. One the books now hold forgets it.
   */
  note(kind: EntryKind, path: string, seen: Sighting, held: boolean): void {
    if (held) this.removed[kind].delete(path);
    else this.removed[kind].set(path, seen.version);
  }

  forgetBefore(readTimes: ReadTimes): void {
    for (const kind of ['position', 'trigger'] as const) {
      const readAt = readTimeOf(readTimes, kind);
      for (const [path, version] of this.removed[kind])
        if (version <= readAt) this.removed[kind].delete(path);
    }
  }
}
