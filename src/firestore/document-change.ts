import type { Version } from '../domain/crossing';
import type { ParseResult, Rejection } from '../domain/parse-result';

export interface DocumentReject {
  readonly path: string;
  readonly collection: string;
  readonly rejection: Rejection;
}

/**
 * Where a full read hands each document it parsed, as the document arrives: the collector reconciles it
 * with the books at once, so nothing of the read outlives its page.
 */
export type TakeParsed<T> = (value: T, version: Version) => void;

/**
 * A full read of one collection group, its documents handed out as they were parsed: typed rejects, how
 * many documents it cost, and the time it was read at (a document missing from it was not in the query then).
 */
export interface CollectionRead {
  readonly rejects: DocumentReject[];
  readonly documentsRead: number;
  readonly readVersion: Version;
}

/**
 * One listener change, parsed, with its version: the document's update time, or for a `removed` change
 * (which carries no value) the snapshot's read time.
 */
export type DocumentChange<T> =
  | {
      readonly type: 'added' | 'modified';
      readonly path: string;
      readonly version: Version;
      readonly result: ParseResult<T>;
    }
  | { readonly type: 'removed'; readonly path: string; readonly version: Version };

/**
 * One listener snapshot's changes. They are parsed slice by slice as the cache applies them: a first
 * snapshot of a million documents parsed at once would hold the event loop for seconds.
 */
export interface ChangeBatch<T> {
  readonly size: number;
  /** Documents billed for this snapshot: the changed ones (the first snapshot reads them all). */
  readonly documentsRead: number;
  /** One slice of a snapshot whose other slices follow: the listener has not caught up with it yet. */
  readonly partial?: boolean;
  /** The changes [from, to), parsed now. */
  slice(from: number, to: number): DocumentChange<T>[];
}

export interface WatchHandlers<T> {
  onChanges(batch: ChangeBatch<T>): void;
  onError(error: Error): void;
}

/** Stops a listener; calling it twice is harmless. */
export type Unsubscribe = () => void;
