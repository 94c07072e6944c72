import type { ParseResult, Rejection } from '../domain/parse-result';

export interface DocumentReject {
  readonly path: string;
  readonly collection: string;
  readonly rejection: Rejection;
}

/** A full read of one collection group: parsed values, typed rejects, and how many documents it cost. */
export interface CollectionRead<T> {
  readonly values: T[];
  readonly rejects: DocumentReject[];
  readonly documentsRead: number;
}

/** One listener change, parsed. A `removed` change carries no value: only its path matters. */
export type DocumentChange<T> =
  | { readonly type: 'added' | 'modified'; readonly path: string; readonly result: ParseResult<T> }
  | { readonly type: 'removed'; readonly path: string };

export interface ChangeBatch<T> {
  readonly changes: DocumentChange<T>[];
  /** Documents billed for this snapshot: the changed ones (the first snapshot reads them all). */
  readonly documentsRead: number;
}

export interface WatchHandlers<T> {
  onChanges(batch: ChangeBatch<T>): void;
  onError(error: Error): void;
}

/** Stops a listener; calling it twice is harmless. */
export type Unsubscribe = () => void;
