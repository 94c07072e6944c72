import { parentPort, workerData } from 'node:worker_threads';
import { cert, initializeApp } from 'firebase-admin/app';
import { type QuerySnapshot, getFirestore } from 'firebase-admin/firestore';
import { parsePosition } from '../../domain/position';
import { parseTrigger } from '../../domain/trade-trigger';
import type { DocumentChange } from '../document-change';
import { inNameRange, openPositionsQuery, tradeTriggersQuery } from '../queries';
import { versionOf } from '../versions';
import { PartitionedStart, listenRanges } from './listen-partitions';
import {
  CHANGES_PER_MESSAGE,
  MESSAGES_IN_FLIGHT,
  type NextMessage,
  type WatchThreadData,
  type WatchThreadMessage,
  encodeChanges,
} from './watch-protocol';

/**
 * The body of a watch thread: one Firestore listener, off the main thread. firebase-admin builds a
 * listener's snapshot in one synchronous step (a sort and a tree insert per document), which at half a
 * million documents held the main loop for tens of seconds; here it holds only this thread. Each
 * snapshot's changes are parsed here and posted in slices. The query may be split into partitions by
 * document name (listen-partitions), opened one after another; the listener is caught up only once every
 * partition's first snapshot is in.
 */
const data = workerData as WatchThreadData;
const port = parentPort;
if (port === null) throw new Error('watch-worker must run as a worker thread');

const app = initializeApp({
  projectId: data.projectId,
  ...(data.credentialsFile && !data.emulatorHost ? { credential: cert(data.credentialsFile) } : {}),
});
const db = getFirestore(app);

const query = data.group === 'openPositions' ? openPositionsQuery(db) : tradeTriggersQuery(db);

const parse = data.group === 'openPositions' ? parsePosition : parseTrigger;

/** Messages not sent yet, and how many more may be sent before the main thread takes one. */
const outbox: WatchThreadMessage[] = [];
let credit = MESSAGES_IN_FLIGHT;

function post(message: WatchThreadMessage): void {
  outbox.push(message);
  pump();
}

function pump(): void {
  for (; credit > 0 && outbox.length > 0; credit--)
    (port as NonNullable<typeof port>).postMessage(outbox.shift());
}

port.on('message', (message: NextMessage) => {
  if (message.kind !== 'next') return;
  credit++;
  pump();
});

const ranges = listenRanges(data.listenPartitions ?? 1);
const start = new PartitionedStart(ranges.length);

function listen(partition: number): void {
  inNameRange(query, ranges[partition]).onSnapshot(
    (snapshot) => onSnapshot(partition, snapshot),
    (error: Error & { code?: number | string }) =>
      post({ kind: 'error', message: error.message, code: error.code }),
  );
}

function onSnapshot(partition: number, snapshot: QuerySnapshot): void {
  const { whole, openNext } = start.onSnapshot(partition);
  postSnapshot(snapshot, whole);
  if (openNext !== undefined) listen(openNext);
}

/** Posts a snapshot's changes in slices; the last slice is `last` only if the listener is then whole. */
function postSnapshot(snapshot: QuerySnapshot, whole: boolean): void {
  const readVersion = versionOf(snapshot.readTime);
  const changes = snapshot.docChanges();
  let documentsRead = 0;
  for (const change of changes) if (change.type !== 'removed') documentsRead++;
  for (let from = 0; from === 0 || from < changes.length; from += CHANGES_PER_MESSAGE) {
    const slice: DocumentChange<unknown>[] = changes.slice(from, from + CHANGES_PER_MESSAGE).map((change) => {
      const path = change.doc.ref.path;
      if (change.type === 'removed') return { type: 'removed', path, version: readVersion };
      const version = versionOf(change.doc.updateTime);
      return { type: change.type, path, version, result: parse(path, change.doc.data()) };
    });
    const last = whole && from + CHANGES_PER_MESSAGE >= changes.length;
    const encoded = encodeChanges(slice);
    post({
      kind: 'changes',
      encoded,
      size: slice.length,
      documentsRead: from === 0 ? documentsRead : 0,
      last,
    });
  }
}

listen(0);
