import { FieldPath, type Firestore, type Query } from 'firebase-admin/firestore';
import { OPEN_POSITIONS, TRADE_TRIGGERS } from '../domain/document-paths';
import type { NameRange } from './watch-thread/listen-partitions';

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

/**
 * `query` narrowed to the documents whose names are in `range`: a listener's partition. A range on the
 * document name needs no index beyond the query's own (every index is ordered by name last), the same as
 * the full read's pages, whose cursors are names too.
 */
export function inNameRange(query: Query, range: NameRange): Query {
  let narrowed = query;
  if (range.from !== undefined) narrowed = narrowed.where(FieldPath.documentId(), '>=', range.from);
  if (range.to !== undefined) narrowed = narrowed.where(FieldPath.documentId(), '<', range.to);
  return narrowed;
}
