import type { Hit, PendingCrossing, Sighting } from '../domain/crossing';

/** Metric label and log field: which transaction ran. */
export type ExecutionKind = 'close_position' | 'fire_trigger';

export function executionKind(hit: Hit): ExecutionKind {
  return hit.kind === 'position' ? 'close_position' : 'fire_trigger';
}

/** What a transaction is asked to write: a pending crossing, with its original tick's price and time. */
export type ExecutionRequest = PendingCrossing;

/** Why nothing was written: someone (another replica, the user, a Cloud Function) got there first. */
export type HandledReason =
  | 'missing'
  | 'not_open'
  | 'already_executed'
  /** The document changed since the cache saw it and its current levels are not crossed by this price. */
  | 'not_crossed'
  /** The document no longer parses; it is not ours to fix, and not safe to act on. */
  | 'invalid_document'
  /** A trigger whose id already exists in executedTriggers: the writer reused it. */
  | 'reused_id';

export type ExecutionOutcome =
  | {
      readonly kind: 'executed';
      readonly reason: string;
      /** The level written: the document's current level, which may differ from the cached one. */
      readonly level: number;
      /** The document as this write left it: no longer open. */
      readonly seen: Sighting;
      /** The write was an earlier attempt's, reported failed but landed: this attempt found it there. */
      readonly landedEarlier?: true;
    }
  | {
      readonly kind: 'already_handled';
      readonly reason: HandledReason;
      /** The document as the transaction read it: open with its current levels (not_crossed), or not open. */
      readonly seen: Sighting;
    }
  | { readonly kind: 'failed_retryable'; readonly error: string; readonly code: string }
  | { readonly kind: 'failed_permanent'; readonly error: string; readonly code: string };

export type OutcomeKind = ExecutionOutcome['kind'];

export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'executed',
  'already_handled',
  'failed_retryable',
  'failed_permanent',
];
