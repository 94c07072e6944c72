/**
 * Paths of the documents the worker reads and writes. The collection-group queries match any collection
 * named `openPositions` / `tradeTriggers`, so a document elsewhere in the tree is rejected by its path.
 */
export const OPEN_POSITIONS = 'openPositions';
export const TRADE_TRIGGERS = 'tradeTriggers';
export const EXECUTED_TRIGGERS = 'executedTriggers';

export interface UserDocumentPath {
  readonly uid: string;
  readonly id: string;
}

export function parseUserDocumentPath(path: string, collection: string): UserDocumentPath | null {
  const parts = path.split('/');
  if (parts.length !== 4 || parts[0] !== 'users' || parts[2] !== collection) return null;
  const [, uid, , id] = parts;
  return uid && id ? { uid, id } : null;
}

export function positionPath(uid: string, id: string): string {
  return `users/${uid}/${OPEN_POSITIONS}/${id}`;
}

export function triggerPath(uid: string, id: string): string {
  return `users/${uid}/${TRADE_TRIGGERS}/${id}`;
}

/** The executed trigger keeps the trigger's id, so a second attempt to fire it finds it already there. */
export function executedTriggerPath(uid: string, id: string): string {
  return `users/${uid}/${EXECUTED_TRIGGERS}/${id}`;
}
