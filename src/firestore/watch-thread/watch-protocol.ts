import type { DocumentChange } from '../document-change';

/** The collection groups a watch thread can listen to: the same queries as the repositories. */
export type WatchedGroup = 'openPositions' | 'tradeTriggers';

/** What the main thread gives a watch thread: which Firestore and which query. */
export interface WatchThreadData {
  readonly group: WatchedGroup;
  readonly projectId: string;
  readonly emulatorHost?: string;
  readonly credentialsFile?: string;
  /** Listeners the query is split into by document name (see listen-partitions); 1 when absent. */
  readonly listenPartitions?: number;
}

/**
 * From the watch thread: one slice of a snapshot's changes, already parsed, as the JSON text of their
 * array (`encodeChanges`). A string crosses threads as one copy, where a structured clone of hundreds of
 * objects is rebuilt object by object on the main thread in one native step (bench 7's profile put most
 * of a 1.2 s start-up stall there); the main thread parses the text when the cache takes its first slice,
 * inside its time-bounded turns. `last` marks the snapshot's final slice once every partition's first
 * snapshot is in (until then no slice is: the listener has not caught up); `documentsRead` is on the first.
 */
export interface ChangesMessage {
  readonly kind: 'changes';
  readonly encoded: string;
  readonly size: number;
  readonly documentsRead: number;
  readonly last: boolean;
}

/** Parsed changes hold plain values only (numbers, strings, null, plain objects): JSON keeps them whole. */
export function encodeChanges(changes: readonly DocumentChange<unknown>[]): string {
  return JSON.stringify(changes);
}

export function decodeChanges<T>(encoded: string): DocumentChange<T>[] {
  return JSON.parse(encoded) as DocumentChange<T>[];
}

export interface ErrorMessage {
  readonly kind: 'error';
  readonly message: string;
  readonly code?: number | string;
}

export type WatchThreadMessage = ChangesMessage | ErrorMessage;

/**
 * Changes per message: the text the main thread parses at a message's first slice. When messages were
 * structured clones of the changes, 2,000 a message cost bench 7 at 200,000 positions 1.9 s of native
 * work and GC at start-up, and 500 still up to 1.8 s under a tight heap (see ChangesMessage).
 */
export const CHANGES_PER_MESSAGE = 500;

/**
 * To the watch thread: the main thread took a message, send the next. A port delivers every message
 * waiting in one turn, so a thread that posted a whole snapshot at once would have the main thread
 * deserialize all of it in one go (seconds at 200,000 documents): the thread keeps at most
 * MESSAGES_IN_FLIGHT unacknowledged.
 */
export interface NextMessage {
  readonly kind: 'next';
}

export const MESSAGES_IN_FLIGHT = 2;
