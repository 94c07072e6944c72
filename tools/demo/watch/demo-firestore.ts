import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, type QuerySnapshot, getFirestore } from 'firebase-admin/firestore';
import { EXECUTED_TRIGGERS, OPEN_POSITIONS, TRADE_TRIGGERS } from '../../../src/domain/document-paths';
import { versionOf } from '../../../src/firestore/versions';
import type { ExecutionEvent } from '../display/display.types';
import type { SeedPlan } from '../seed-plan';
import { closedPositionEvent, executedTriggerEvent } from './execution-events';

export interface WatchCallbacks {
  onExecution(event: ExecutionEvent): void;
  onError(message: string): void;
}

/**
 * The demo's own Firestore client, standing in for the web app: it writes the seed and then only watches.
 * What the display shows as an execution is what the worker actually wrote, read back through listeners.
 */
export class DemoFirestore {
  openPositions = 0;
  pendingTriggers = 0;
  private readonly app: App;
  private readonly db: Firestore;
  private readonly reported = new Set<string>();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(projectId: string) {
    this.app = initializeApp({ projectId }, `demo-client-${process.pid}`);
    this.db = getFirestore(this.app);
  }

  /**
   * Writes the plan in one batch; returns its update time as the worker's books count it (exchange ms, the
   * microseconds as a fraction: a document version / 1000), from which a recovered price applies to a
   * trailing stop.
   */
  async seed(plan: SeedPlan): Promise<number | undefined> {
    const batch = this.db.batch();
    for (const doc of [...plan.positions, ...plan.triggers]) batch.set(this.db.doc(doc.path), doc.data);
    const [first] = await batch.commit();
    return first === undefined ? undefined : versionOf(first.writeTime) / 1_000;
  }

  /** Resolves once every listener has delivered its first snapshot, so the counts start out right. */
  async watch(callbacks: WatchCallbacks): Promise<void> {
    const listen = (collection: string, onSnapshot: (snapshot: QuerySnapshot) => void): Promise<void> =>
      new Promise((resolve) => {
        const unsubscribe = this.db.collectionGroup(collection).onSnapshot(
          (snapshot) => {
            onSnapshot(snapshot);
            resolve();
          },
          (error) => {
            callbacks.onError(`${collection} listener failed: ${error.message}`);
            resolve();
          },
        );
        this.unsubscribes.push(unsubscribe);
      });
    await Promise.all([
      listen(OPEN_POSITIONS, (snapshot) => {
        this.openPositions = snapshot.docs.filter((doc) => doc.get('status') === 'open').length;
        this.reportChanges(snapshot, closedPositionEvent, callbacks);
      }),
      listen(TRADE_TRIGGERS, (snapshot) => {
        this.pendingTriggers = snapshot.size;
      }),
      listen(EXECUTED_TRIGGERS, (snapshot) => this.reportChanges(snapshot, executedTriggerEvent, callbacks)),
    ]);
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await this.db.terminate();
    await deleteApp(this.app);
  }

  /**
   * Once per document. A local write shows its server timestamp as null first; the worker writes from its
   * own client, so this listener normally sees the resolved value.
   */
  private reportChanges(
    snapshot: QuerySnapshot,
    toEvent: (path: string, data: Record<string, unknown>) => ExecutionEvent | undefined,
    callbacks: WatchCallbacks,
  ): void {
    for (const change of snapshot.docChanges()) {
      const path = change.doc.ref.path;
      if (change.type === 'removed' || this.reported.has(path)) continue;
      const event = toEvent(path, change.doc.data());
      if (event === undefined) continue;
      this.reported.add(path);
      callbacks.onExecution(event);
    }
  }
}
