import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { PositionHit, TriggerHit } from '../cache/book/book.types';
import { instanceConfig } from '../config';
import {
  OPEN_POSITIONS,
  TRADE_TRIGGERS,
  executedTriggerPath,
  parseUserDocumentPath,
} from '../domain/document-paths';
import { FIRESTORE } from '../firestore/firestore.constants';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type ExecutionOutcome, type ExecutionRequest, executionKind } from './execution.types';
import { classifyError } from './store/error-classification';
import { type Skip, type Tape, decideClose, decideFire } from './store/transaction-decisions';

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
      const decision = await this.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        const decided = decideClose(hit, snapshot.data(), tape);
        if (decided.kind === 'write') {
          tx.update(ref, { ...decided.fields, closeRequestedAt: FieldValue.serverTimestamp() });
        }
        return decided;
      });
      return decision.kind === 'write'
        ? { kind: 'executed', reason: decision.fields.closeReason, level: decision.fields.closeTriggerPrice }
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
      const decision = await this.db.runTransaction(async (tx) => {
        const [trigger, executed] = await tx.getAll(triggerRef, executedRef);
        const decided = decideFire(hit, trigger.data(), executed.exists, tape);
        if (decided.kind === 'write') {
          tx.create(executedRef, { ...decided.executed, executedAt: FieldValue.serverTimestamp() });
          tx.delete(triggerRef);
        }
        return decided;
      });
      return decision.kind === 'write'
        ? { kind: 'executed', reason: decision.condition, level: decision.level }
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
  return decision.current === undefined
    ? { kind: 'already_handled', reason: decision.reason }
    : { kind: 'already_handled', reason: decision.reason, current: decision.current };
}

/** Paths come from the parsers, so this is a bug upstream; retrying cannot fix it. */
function invalidPath(): ExecutionOutcome {
  return { kind: 'failed_permanent', error: 'not a users/{uid}/... document path', code: 'INVALID_PATH' };
}
