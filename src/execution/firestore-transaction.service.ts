import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  type DocumentReference,
  type DocumentSnapshot,
  FieldValue,
  type Firestore,
} from 'firebase-admin/firestore';
import { type ExecutionStoreConfig, executionStoreConfig, instanceConfig } from '../config';
import { LiquidationPolicy } from '../cache/liquidation-policy';
import type { PositionHit, Sighting, TriggerHit, Version } from '../domain/crossing';
import {
  OPEN_POSITIONS,
  TRADE_TRIGGERS,
  executedTriggerPath,
  parseUserDocumentPath,
} from '../domain/document-paths';
import { FIRESTORE } from '../firestore/firestore.constants';
import { timestampOfVersion, versionOf } from '../firestore/versions';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type ExecutionOutcome, type ExecutionRequest, executionKind } from './execution.types';
import { ConditionalWrites } from './store/conditional-writes';
import { classifyError, grpcCodeName } from './store/error-classification';
import {
  type Landed,
  type ReadDocument,
  type Skip,
  type Tape,
  closeOfKnownVersion,
  decideClose,
  decideFire,
} from './store/transaction-decisions';

/**
 * The execution store: one Firestore write per execution, with domain-shaped methods. Every method returns
 * an outcome value and never throws. A close whose document version the cache knows is one write
 * conditioned on that version (no read: in a flash crash a read round trip per stop is the bottleneck),
 * sent with the other closes of its turn (ConditionalWrites); if the document changed since, one read
 * settles what needs no write. Everything else is a transaction
 * that reads and decides. A transaction only reads and writes; logging, metrics and cache bookkeeping
 * happen after it, because Firestore may run the body more than once.
 */
@Injectable()
export class FirestoreTransactionService implements OnApplicationShutdown {
  private readonly instanceId: string;
  /** Set where closes go first as writes conditioned on the cached version (see closeIfUnchanged). */
  private readonly conditional: ConditionalWrites | undefined;

  constructor(
    @Inject(FIRESTORE) private readonly db: Firestore,
    @Inject(instanceConfig.KEY) instance: ConfigType<typeof instanceConfig>,
    private readonly metrics: WorkerMetrics,
    @Inject(executionStoreConfig.KEY) store: ExecutionStoreConfig = { writePath: 'transaction' },
    @Optional() private readonly liquidation?: LiquidationPolicy,
  ) {
    this.instanceId = instance.instanceId;
    this.conditional = store.writePath === 'conditional' ? new ConditionalWrites(db) : undefined;
  }

  /** After the queue has drained (beforeApplicationShutdown) and before the client is terminated. */
  async onApplicationShutdown(): Promise<void> {
    await this.conditional?.close();
  }

  execute(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const { hit } = request;
    return hit.kind === 'position' ? this.closePosition(hit, request) : this.fireTrigger(hit, request);
  }

  /** open -> closing with the crossing's reason, level and tick price; anything but `open` is left alone. */
  closePosition(hit: PositionHit, request: ExecutionRequest): Promise<ExecutionOutcome> {
    return this.measured(request, async () => {
      if (!parseUserDocumentPath(hit.entry.path, OPEN_POSITIONS)) return invalidPath();
      const ref = this.db.doc(hit.entry.path);
      const tape = this.tape(request);
      if (this.conditional && request.version !== undefined && request.version > 0) {
        const settled = await this.closeIfUnchanged(this.conditional, ref, hit, request.version, tape);
        if (settled !== undefined) return settled;
      }
      const { decision, read } = await this.db.runTransaction(async (tx) => {
        const document = readDocument(await tx.get(ref));
        const decided = decideClose(hit, document, tape, this.liquidation?.levelOf, request.version);
        if (decided.kind === 'write') {
          tx.update(ref, { ...decided.fields, closeRequestedAt: FieldValue.serverTimestamp() });
        }
        return { decision: decided, read: document };
      });
      return decision.kind === 'write'
        ? {
            kind: 'executed',
            reason: decision.fields.closeReason,
            level: decision.fields.closeTriggerPrice,
            seen: writtenOver(read),
          }
        : settled(decision);
    });
  }

  /**
   * Moves the trigger to executedTriggers under the same id and deletes it, atomically. The same id is what
   * makes a second attempt (a retry, or another replica) find it already there and do nothing.
   */
  fireTrigger(hit: TriggerHit, request: ExecutionRequest): Promise<ExecutionOutcome> {
    return this.measured(request, async () => {
      const location = parseUserDocumentPath(hit.entry.path, TRADE_TRIGGERS);
      if (!location) return invalidPath();
      const triggerRef = this.db.doc(hit.entry.path);
      const executedRef = this.db.doc(executedTriggerPath(location.uid, location.id));
      const tape = this.tape(request);
      const { decision, read } = await this.db.runTransaction(async (tx) => {
        const [trigger, executed] = await tx.getAll(triggerRef, executedRef);
        const document = readDocument(trigger);
        const decided = decideFire(hit, document, executed.data(), tape);
        if (decided.kind === 'write') {
          tx.create(executedRef, { ...decided.executed, executedAt: FieldValue.serverTimestamp() });
          tx.delete(triggerRef);
        }
        return { decision: decided, read: document };
      });
      return decision.kind === 'write'
        ? { kind: 'executed', reason: decision.condition, level: decision.level, seen: writtenOver(read) }
        : settled(decision);
    });
  }

  /**
   * The close written only if the document is still at `version` (Firestore's `lastUpdateTime`
   * precondition): then it is exactly the open position the cache parsed, and the decision needs no read.
   * If it changed or is gone, one plain read decides what needs no write (closed by someone else, gone,
   * levels no longer crossed: deciding not to write needs no transaction); undefined if the document is
   * still open and crossed at a newer version (the transaction then reads and writes). Other errors throw.
   */
  private async closeIfUnchanged(
    writes: ConditionalWrites,
    ref: DocumentReference,
    hit: PositionHit,
    version: Version,
    tape: Tape,
  ): Promise<ExecutionOutcome | undefined> {
    const fields = closeOfKnownVersion(hit, tape);
    if (fields === undefined) return undefined;
    const kind = 'close_position';
    try {
      const result = await writes.update(
        ref,
        { ...fields, closeRequestedAt: FieldValue.serverTimestamp() },
        { lastUpdateTime: timestampOfVersion(version) },
      );
      this.metrics.conditionalWrites.inc({ kind, result: 'written' });
      const seen = { version: versionOf(result.writeTime), item: null };
      return { kind: 'executed', reason: fields.closeReason, level: fields.closeTriggerPrice, seen };
    } catch (error) {
      if (!isChangedOrGone(error)) throw error;
      this.metrics.conditionalWrites.inc({ kind, result: 'changed' });
      const read = readDocument(await writes.read(ref));
      const decided = decideClose(hit, read, tape, this.liquidation?.levelOf, version);
      return decided.kind === 'write' ? undefined : settled(decided);
    }
  }

  private tape(request: ExecutionRequest): Tape {
    return { price: request.price, tickTime: request.tickTime, instanceId: this.instanceId };
  }

  /** Times the attempt, counts its outcome, and turns any thrown error into a classified failure. */
  private async measured(
    request: ExecutionRequest,
    attempt: () => Promise<ExecutionOutcome>,
  ): Promise<ExecutionOutcome> {
    const kind = executionKind(request.hit);
    const stop = this.metrics.transactionSeconds.startTimer({ kind });
    let outcome: ExecutionOutcome;
    try {
      outcome = await attempt();
    } catch (error) {
      const failure = classifyError(error);
      outcome = {
        kind: failure.retryable ? 'failed_retryable' : 'failed_permanent',
        error: failure.message,
        code: failure.code,
      };
    }
    stop();
    this.metrics.executions.inc({ kind, outcome: outcome.kind });
    return outcome;
  }
}

/** Nothing to write: handled by someone else, or this replica's own earlier commit had landed. */
function settled(decision: Skip | Landed): ExecutionOutcome {
  if (decision.kind === 'landed') {
    const { reason, level, seen } = decision;
    return { kind: 'executed', reason, level, seen, landedEarlier: true };
  }
  return { kind: 'already_handled', reason: decision.reason, seen: decision.seen };
}

/** Its update time if it exists, else the time it was read at (missing then). */
function readDocument(snapshot: DocumentSnapshot): ReadDocument {
  const time = snapshot.updateTime ?? snapshot.readTime;
  return { data: snapshot.data(), version: versionOf(time) };
}

/**
 * The document after this transaction's write: no longer open. The commit's own time is not returned by
 * runTransaction, but it is later than the version read (the document cannot change in between), and every
 * open version of the document other sources report is at most that version.
 */
function writtenOver(read: ReadDocument): Sighting {
  return { version: read.version + 1, item: null };
}

/** FAILED_PRECONDITION (the update time differs) or NOT_FOUND (the document is gone). */
function isChangedOrGone(error: unknown): boolean {
  const code = grpcCodeName(error);
  return code === 'FAILED_PRECONDITION' || code === 'NOT_FOUND';
}

/** Paths come from the parsers, so this is a bug upstream; retrying cannot fix it. */
function invalidPath(): ExecutionOutcome {
  return { kind: 'failed_permanent', error: 'not a users/{uid}/... document path', code: 'INVALID_PATH' };
}
