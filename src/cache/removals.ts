import type { EntryKind, Sighting, Version } from '../domain/crossing';
import { type ReadTimes, readTimeOf } from './build-journal';

/**
 * Documents seen leaving since the books' last full read, with the version they left at: the listener may
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

  /** A sighting the live books took: a removal is remembered, a (re)opening forgets it. */
  note(kind: EntryKind, path: string, seen: Sighting): void {
    if (seen.item === null) this.removed[kind].set(path, seen.version);
    else this.removed[kind].delete(path);
  }

  forgetBefore(readTimes: ReadTimes): void {
    for (const kind of ['position', 'trigger'] as const) {
      const readAt = readTimeOf(readTimes, kind);
      for (const [path, version] of this.removed[kind])
        if (version <= readAt) this.removed[kind].delete(path);
    }
  }
}
