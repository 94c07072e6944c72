/**
 * gRPC status codes as firebase-admin reports them (numeric `code` on the error). Retrying a transaction
 * is always safe here: it re-reads the document and writes only if it is still open.
 */
const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

const KNOWN_NAMES = new Set(Object.values(GRPC_CODE_NAMES));

/**
 * Exactly the codes firebase-admin's own transaction runner retries (`isRetryableTransactionError` in
 * @google-cloud/firestore's transaction.js, after the firebase-js-sdk's transaction_runner.ts).
 * UNAUTHENTICATED is there because a credentials refresh hiccup heals on the next attempt.
 */
const RETRYABLE = new Set([
  'ABORTED',
  'CANCELLED',
  'UNKNOWN',
  'DEADLINE_EXCEEDED',
  'INTERNAL',
  'UNAVAILABLE',
  'UNAUTHENTICATED',
  'RESOURCE_EXHAUSTED',
]);

/** The backend reports an expired transaction id as INVALID_ARGUMENT; the SDK retries that one case. */
const EXPIRED_TRANSACTION = /transaction has expired/;

export interface ErrorClass {
  readonly retryable: boolean;
  /** The gRPC code name, or `UNCLASSIFIED` for an error without one: a small fixed set, safe in logs. */
  readonly code: string;
  readonly message: string;
}

/**
 * Retryable: the codes above, an expired transaction, and errors with no gRPC code at all (socket resets
 * and timeouts surface as `ECONNRESET`-style or code-less errors). Permanent: every other gRPC code
 * (PERMISSION_DENIED, FAILED_PRECONDITION, ...), which the next attempts are likely to meet again. Either
 * way the crossing stays pending: a permanent failure is only retried on the long backoff, and louder.
 */
export function classifyError(error: unknown): ErrorClass {
  const message = error instanceof Error ? error.message : String(error);
  const code = grpcCodeName(error);
  if (code === undefined) return { retryable: true, code: 'UNCLASSIFIED', message };
  const retryable = RETRYABLE.has(code) || (code === 'INVALID_ARGUMENT' && EXPIRED_TRANSACTION.test(message));
  return { retryable, code, message };
}

/** The gRPC status name of a Firestore error (numeric or firebase-admin's string form), if it has one. */
export function grpcCodeName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  const name =
    typeof code === 'number' ? GRPC_CODE_NAMES[code] : typeof code === 'string' ? normalizeName(code) : '';
  return name !== undefined && KNOWN_NAMES.has(name) ? name : undefined;
}

/** firebase-admin's own errors use `firestore/aborted`-style or lower-case names; gRPC uses UPPER_SNAKE. */
function normalizeName(code: string): string {
  const bare = code.includes('/') ? code.slice(code.lastIndexOf('/') + 1) : code;
  return bare.replace(/-/g, '_').toUpperCase();
}
