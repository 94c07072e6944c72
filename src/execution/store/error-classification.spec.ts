import { classifyError } from './error-classification';

function grpcError(code: number | string): Error {
  return Object.assign(new Error(`code ${code}`), { code });
}

describe('classifyError', () => {
  it.each([
    [10, 'ABORTED'],
    [14, 'UNAVAILABLE'],
    [4, 'DEADLINE_EXCEEDED'],
    [8, 'RESOURCE_EXHAUSTED'],
    [13, 'INTERNAL'],
    [1, 'CANCELLED'],
    [2, 'UNKNOWN'],
    [16, 'UNAUTHENTICATED'],
  ])('gRPC %p (%s) is retryable, as firebase-admin retries it', (code, name) => {
    expect(classifyError(grpcError(code))).toEqual({ retryable: true, code: name, message: `code ${code}` });
  });

  it.each([
    [3, 'INVALID_ARGUMENT'],
    [5, 'NOT_FOUND'],
    [6, 'ALREADY_EXISTS'],
    [7, 'PERMISSION_DENIED'],
    [9, 'FAILED_PRECONDITION'],
    [11, 'OUT_OF_RANGE'],
    [12, 'UNIMPLEMENTED'],
    [15, 'DATA_LOSS'],
  ])('gRPC %p (%s) is permanent', (code, name) => {
    expect(classifyError(grpcError(code))).toMatchObject({ retryable: false, code: name });
  });

  it('retries INVALID_ARGUMENT only when the transaction has expired, as firebase-admin does', () => {
    const expired = Object.assign(new Error('3 INVALID_ARGUMENT: transaction has expired'), { code: 3 });
    expect(classifyError(expired)).toMatchObject({ retryable: true, code: 'INVALID_ARGUMENT' });
    const other = Object.assign(new Error('3 INVALID_ARGUMENT: bad field path'), { code: 3 });
    expect(classifyError(other)).toMatchObject({ retryable: false, code: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['aborted', 'ABORTED', true],
    ['firestore/unavailable', 'UNAVAILABLE', true],
    ['permission-denied', 'PERMISSION_DENIED', false],
    ['FAILED_PRECONDITION', 'FAILED_PRECONDITION', false],
  ])('string code %p reads as %s', (code, name, retryable) => {
    expect(classifyError(grpcError(code))).toMatchObject({ retryable, code: name });
  });

  it.each([
    ['a socket reset', grpcError('ECONNRESET')],
    ['a code-less error', new Error('socket hang up')],
    ['an unknown numeric code', grpcError(99)],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('%s is retryable and unclassified: retrying a transaction is always safe', (_label, error) => {
    expect(classifyError(error)).toMatchObject({ retryable: true, code: 'UNCLASSIFIED' });
  });
});
