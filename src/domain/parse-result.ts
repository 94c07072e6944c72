/** What is wrong with a field; together with the field name it is the rejection's reason code. */
export type FieldProblem =
  | 'missing'
  | 'not_a_number'
  | 'not_finite'
  | 'not_positive'
  | 'below_minimum'
  | 'not_a_string'
  | 'invalid_value'
  | 'invalid_format'
  | 'not_a_timestamp'
  /** A valid value this market does not offer (a mark-price stop on spot). */
  | 'not_on_market'
  /** A trigger id that already exists in executedTriggers. */
  | 'already_executed';

export interface Rejection {
  readonly field: string;
  readonly problem: FieldProblem;
  /** `field.problem`, a small fixed set suitable as a metric label. */
  readonly reason: string;
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Rejection };

export function reject(field: string, problem: FieldProblem): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: { field, problem, reason: `${field}.${problem}` } };
}

/** Thrown only inside the field readers and caught by the parsers, so each reader stays a one-liner. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: FieldProblem,
  ) {
    super(`${field}.${problem}`);
  }
}
