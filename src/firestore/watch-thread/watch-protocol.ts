import type { DocumentChange } from '../document-change';

/** The collection groups a watch thread can listen to: the same queries as the repositories. */
export type WatchedGroup = 'openPositions' | 'tradeTriggers';

/** What the main thread gives a watch thread: which Firestore and which query. */
export interface WatchThreadData {
  readonly group: WatchedGroup;
  readonly projectId: string;
  readonly emulatorHost?: string;
  readonly credentialsFile?: string;
}

/**
 * From the watch thread: one slice of a snapshot's changes, already parsed (structured-clone safe: plain
 * values only). `last` marks the snapshot's final slice; `documentsRead` is on the first.
 */
export interface ChangesMessage {
  readonly kind: 'changes';
  readonly changes: DocumentChange<unknown>[];
  readonly documentsRead: number;
  readonly last: boolean;
}

export interface ErrorMessage {
  readonly kind: 'error';
  readonly message: string;
  readonly code?: number | string;
}

export type WatchThreadMessage = ChangesMessage | ErrorMessage;

/**
 * Changes per message: the main thread deserializes up to MESSAGES_IN_FLIGHT of them in one turn. At
 * 2,000, bench 7's profile at 200,000 positions showed 1.9 s of native work and GC at start-up as the
 * first snapshot's messages arrived; at 500 the start-up stayed under the reconciliation's 645 ms.
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
