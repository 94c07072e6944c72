import { type MarketType, TRIGGER_PRICE_TYPES, type TriggerPriceType } from './market';
import { FieldError } from './parse-result';

/**
 * Typed readers for raw Firestore fields. Each throws FieldError, which the document parsers turn into a
 * typed rejection: nothing escapes a parser as an exception.
 */
export type RawDocument = Readonly<Record<string, unknown>>;

export function requiredNumber(doc: RawDocument, field: string): number {
  const value = doc[field];
  if (value === undefined || value === null) throw new FieldError(field, 'missing');
  if (typeof value !== 'number') throw new FieldError(field, 'not_a_number');
  if (!Number.isFinite(value)) throw new FieldError(field, 'not_finite');
  return value;
}

export function positiveNumber(doc: RawDocument, field: string): number {
  const value = requiredNumber(doc, field);
  if (value <= 0) throw new FieldError(field, 'not_positive');
  return value;
}

/** Absent and `null` both mean "not set"; anything else must be a positive finite number. */
export function optionalPositiveNumber(doc: RawDocument, field: string): number | null {
  const value = doc[field];
  if (value === undefined || value === null) return null;
  return positiveNumber(doc, field);
}

export function leverage(doc: RawDocument): number {
  const value = doc.leverage;
  if (value === undefined || value === null) return 1;
  const parsed = requiredNumber(doc, 'leverage');
  if (parsed < 1) throw new FieldError('leverage', 'below_minimum');
  return parsed;
}

export function oneOf<const T extends readonly string[]>(
  doc: RawDocument,
  field: string,
  values: T,
): T[number] {
  const value = doc[field];
  if (value === undefined || value === null) throw new FieldError(field, 'missing');
  if (typeof value !== 'string') throw new FieldError(field, 'not_a_string');
  const index = values.indexOf(value);
  if (index < 0) throw new FieldError(field, 'invalid_value');
  // The list's own string, not the document's: a read or a listener decodes a fresh copy per document,
  // and the books keep a position's side and a trigger's condition for as long as it stays open.
  return values[index];
}

/**
 * `triggerPriceType`: absent or null is `last`, the only price spot offers; futures may also watch the
 * contract's `mark` or `index` price. Any other value, or mark/index on spot, is a typed rejection.
 */
export function triggerPriceType(doc: RawDocument, marketType: MarketType): TriggerPriceType {
  if (doc.triggerPriceType === undefined || doc.triggerPriceType === null) return 'last';
  const value = oneOf(doc, 'triggerPriceType', TRIGGER_PRICE_TYPES);
  if (value !== 'last' && marketType !== 'futures') throw new FieldError('triggerPriceType', 'not_on_market');
  return value;
}

export function nonEmptyString(doc: RawDocument, field: string): string {
  const value = doc[field];
  if (value === undefined || value === null) throw new FieldError(field, 'missing');
  if (typeof value !== 'string') throw new FieldError(field, 'not_a_string');
  if (value.trim() === '') throw new FieldError(field, 'missing');
  return value;
}

/**
 * A Firestore Timestamp is recognised by shape (`toMillis()`), keeping this folder free of firebase-admin.
 * Timestamps are informational for the worker, so an absent one is accepted; a present one of the wrong
 * type is a contract violation and rejected.
 */
export function optionalTimestampMillis(doc: RawDocument, field: string): number | undefined {
  const value = doc[field];
  if (value === undefined || value === null) return undefined;
  const toMillis = (value as { toMillis?: unknown }).toMillis;
  if (typeof toMillis !== 'function') throw new FieldError(field, 'not_a_timestamp');
  const millis: unknown = toMillis.call(value);
  if (typeof millis !== 'number' || !Number.isFinite(millis)) throw new FieldError(field, 'not_a_timestamp');
  return millis;
}
