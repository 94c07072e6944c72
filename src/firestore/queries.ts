import type { Firestore, Query } from 'firebase-admin/firestore';
import { OPEN_POSITIONS, TRADE_TRIGGERS } from '../domain/document-paths';

/**
 * The two collection-group queries the worker reads and listens to, in one place for the repositories
 * and the watch threads. Production needs the collection-group index exemption in firestore.indexes.json
 * for the first; the emulator does not.
 */
export function openPositionsQuery(db: Firestore): Query {
  return db.collectionGroup(OPEN_POSITIONS).where('status', '==', 'open');
}

export function tradeTriggersQuery(db: Firestore): Query {
  return db.collectionGroup(TRADE_TRIGGERS);
}
