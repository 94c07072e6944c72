import type { Query, QuerySnapshot } from 'firebase-admin/firestore';
import type { ParseResult } from '../domain/parse-result';
import {
  ChangeBatch,
  CollectionRead,
  DocumentChange,
  DocumentReject,
  Unsubscribe,
  Versioned,
  WatchHandlers,
} from './document-change';
import { versionOf } from './versions';

type Parser<T> = (path: string, data: unknown) => ParseResult<T>;

/** Reads every document of a collection-group query and parses each one; a bad document becomes a reject. */
export async function readAll<T>(
  query: Query,
  collection: string,
  parse: Parser<T>,
): Promise<CollectionRead<T>> {
  const snapshot = await query.get();
  const values: Versioned<T>[] = [];
  const rejects: DocumentReject[] = [];
  for (const doc of snapshot.docs) {
    const result = parse(doc.ref.path, doc.data());
    if (result.ok) values.push({ value: result.value, version: versionOf(doc.updateTime) });
    else rejects.push({ path: doc.ref.path, collection, rejection: result.rejection });
  }
  return { values, rejects, documentsRead: snapshot.size, readVersion: versionOf(snapshot.readTime) };
}

/** Listens to a collection-group query and hands over each snapshot's changes, parsed. */
export function watch<T>(query: Query, parse: Parser<T>, handlers: WatchHandlers<T>): Unsubscribe {
  return query.onSnapshot(
    (snapshot: QuerySnapshot) => handlers.onChanges(toBatch(snapshot, parse)),
    (error: Error) => handlers.onError(error),
  );
}

function toBatch<T>(snapshot: QuerySnapshot, parse: Parser<T>): ChangeBatch<T> {
  const readVersion = versionOf(snapshot.readTime);
  const changes: DocumentChange<T>[] = snapshot.docChanges().map((change) => {
    const path = change.doc.ref.path;
    if (change.type === 'removed') return { type: 'removed', path, version: readVersion };
    const version = versionOf(change.doc.updateTime);
    return { type: change.type, path, version, result: parse(path, change.doc.data()) };
  });
  const documentsRead = changes.filter((change) => change.type !== 'removed').length;
  return { changes, documentsRead };
}
