import type { Hit, PositionEntry, TriggerEntry } from '../cache/book/book.types';
import type { Located } from '../cache/book-set';
import type { Tick } from '../domain/market';

/** A hit together with the tick that crossed it: everything a transaction needs besides the document. */
export interface ExecutionRequest {
  readonly hit: Hit;
  /** The tick's last trade price: what the position closes at or the trigger fires at, never the level. */
  readonly price: number;
  /** Exchange time of that tick, in milliseconds. */
  readonly tickTime: number;
}

export function toRequest(hit: Hit, tick: Tick): ExecutionRequest {
  return { hit, price: tick.price, tickTime: tick.exchangeTime };
}

/** Metric label and log field: which transaction ran. */
export type ExecutionKind = 'close_position' | 'fire_trigger';

export function executionKind(hit: Hit): ExecutionKind {
  return hit.kind === 'position' ? 'close_position' : 'fire_trigger';
}

/** Why nothing was written: someone (another replica, the user, a Cloud Function) got there first. */
export type HandledReason =
  | 'missing'
  | 'not_open'
  | 'already_executed'
  /** The document changed since the cache saw it and its current levels are not crossed by this price. */
  | 'not_crossed'
  /** The document no longer parses; it is not ours to fix, and not safe to act on. */
  | 'invalid_document';

/** A document as the transaction read it, in the cache's terms. */
export type CurrentEntry = Located<PositionEntry> | Located<TriggerEntry>;

export type ExecutionOutcome =
  | {
      readonly kind: 'executed';
      readonly reason: string;
      /** The level written: the document's current level, which may differ from the cached one. */
      readonly level: number;
    }
  | { readonly kind: 'already_handled'; readonly reason: HandledReason; readonly current?: CurrentEntry }
  | { readonly kind: 'failed_retryable'; readonly error: string; readonly code: string }
  | { readonly kind: 'failed_permanent'; readonly error: string; readonly code: string };

export type OutcomeKind = ExecutionOutcome['kind'];

export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'executed',
  'already_handled',
  'failed_retryable',
  'failed_permanent',
];
