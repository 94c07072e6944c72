import { Injectable, Logger } from '@nestjs/common';
import { TRADE_TRIGGERS } from '../domain/document-paths';
import { reject } from '../domain/parse-result';
import type { DocumentReject } from '../firestore/document-change';
import { WorkerMetrics } from '../metrics/worker-metrics';

/**
 * Counts every rejected read by collection and reason, but logs a document once per reason: a bad
 * document is re-read by every collection, and 30-second repeats would drown the log.
 */
@Injectable()
export class RejectReporter {
  private readonly logger = new Logger(RejectReporter.name);
  private readonly logged = new Map<string, string>();

  constructor(private readonly metrics: WorkerMetrics) {}

  report(rejects: readonly DocumentReject[]): void {
    for (const { path, collection, rejection } of rejects) {
      this.metrics.documentsRejected.inc({ collection, reason: rejection.reason });
      if (this.logged.get(path) === rejection.reason) continue;
      this.logged.set(path, rejection.reason);
      this.logger.warn(`Ignoring ${path}: ${rejection.reason}`);
    }
  }

  /**
   * A trigger written with the id of one already in executedTriggers: the writer broke the contract, and the
   * trigger can never fire. Found by the transaction that tried to fire it; reported once, then refused.
   */
  reportReusedTriggerId(path: string): void {
    this.report([
      { path, collection: TRADE_TRIGGERS, rejection: reject('id', 'already_executed').rejection },
    ]);
  }

  /** After a full read: forget documents no longer rejected, so a document broken again is logged again. */
  retainOnly(rejects: readonly DocumentReject[]): void {
    const current = new Set(rejects.map((reject) => reject.path));
    for (const path of this.logged.keys()) if (!current.has(path)) this.logged.delete(path);
  }
}
