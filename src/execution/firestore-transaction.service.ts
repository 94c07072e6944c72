import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type DocumentSnapshot, FieldValue, type Firestore } from 'firebase-admin/firestore';
import { instanceConfig } from '../config';
import type { PositionHit, Sighting, TriggerHit } from '../domain/crossing';
import {
  OPEN_POSITIONS,
  TRADE_TRIGGERS,
  executedTriggerPath,
  parseUserDocumentPath,
} from '../domain/document-paths';
import { FIRESTORE } from '../firestore/firestore.constants';
import { versionOf } from '../firestore/versions';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type ExecutionOutcome, type ExecutionRequest, executionKind } from './execution.types';
import { classifyError } from './store/error-classification';
import {
  type ReadDocument,
  type Skip,
  type Tape,
  decideClose,
  decideFire,
} from './store/transaction-decisions';

/**
 * The execution store: one Firestore transaction per execution, with domain-shaped methods. Every method
 * returns an outcome value and never throws. A transaction only reads and writes; logging, metrics and
 * cache bookkeeping happen after it, because Firestore may run the body more than once.
 */
@Injectable()
export class FirestoreTransactionService {
  private readonly instanceId: string;

  constructor(
    @Inject(FIRESTORE) private readonly db: Firestore,
    @Inject(instanceConfig.KEY) instance: ConfigType<typeof instanceConfig>,
    private readonly metrics: WorkerMetrics,
  ) {
    this.instanceId = instance.instanceId;
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
      const { decision, read } = await this.db.runTransaction(async (tx) => {
        const document = readDocument(await tx.get(ref));
        const decided = decideClose(hit, document, tape);
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
        : handled(decision);
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
        const decided = decideFire(hit, document, executed.exists, tape);
        if (decided.kind === 'write') {
          tx.create(executedRef, { ...decided.executed, executedAt: FieldValue.serverTimestamp() });
          tx.delete(triggerRef);
        }
        return { decision: decided, read: document };
      });
      return decision.kind === 'write'
        ? { kind: 'executed', reason: decision.condition, level: decision.level, seen: writtenOver(read) }
        : handled(decision);
    });
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

function handled(decision: Skip): ExecutionOutcome {
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

/** Paths come from the parsers, so this is a bug upstream; retrying cannot fix it. */
function invalidPath(): ExecutionOutcome {
  return { kind: 'failed_permanent', error: 'not a users/{uid}/... document path', code: 'INVALID_PATH' };
}
