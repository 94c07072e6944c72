import type { Logger } from '@nestjs/common';
import type { ExecutionOutcome, ExecutionRequest } from './execution.types';

/**
 * One structured log line per execution outcome. Only document paths (user and document ids), levels,
 * prices and error codes: never document contents, tokens or credentials.
 */
export class ExecutionReporter {
  constructor(private readonly logger: Logger) {}

  outcome(request: ExecutionRequest, outcome: ExecutionOutcome, attempt: number): void {
    const base = describe(request, attempt);
    switch (outcome.kind) {
      case 'executed':
        this.logger.log({
          msg: request.hit.kind === 'position' ? 'position closing' : 'trigger executed',
          ...base,
          reason: outcome.reason,
          level: outcome.level,
          ...(outcome.landedEarlier ? { landedEarlier: true } : {}),
        });
        return;
      case 'already_handled':
        this.logger.log({ msg: 'already handled', ...base, handled: outcome.reason });
        return;
      case 'failed_retryable':
        this.logger.warn({
          msg: 'execution failed, will retry',
          ...base,
          code: outcome.code,
          error: outcome.error,
        });
        return;
      case 'failed_permanent':
        this.logger.error({
          msg: 'execution failed with a non-transient error; the crossing stays pending',
          ...base,
          code: outcome.code,
          error: outcome.error,
        });
        return;
    }
  }

  deferred(request: ExecutionRequest, attempts: number): void {
    this.logger.error({
      msg: 'execution still failing; the crossing stays pending and is retried on the long backoff',
      ...describe(request, attempts),
    });
  }

  crashed(request: ExecutionRequest, error: unknown): void {
    this.logger.error({
      msg: 'execution attempt threw',
      path: request.hit.entry.path,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

function describe(request: ExecutionRequest, attempt: number): Record<string, unknown> {
  const { hit } = request;
  return {
    path: hit.entry.path,
    market: hit.marketType,
    symbol: hit.symbol,
    cachedReason: hit.kind === 'position' ? hit.reason : hit.entry.condition,
    cachedLevel: hit.level,
    price: request.price,
    tickTime: request.tickTime,
    attempt,
  };
}
