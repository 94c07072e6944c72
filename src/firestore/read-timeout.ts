/**
 * Bounds a Firestore call: through a cut connection a read does not fail, it waits while firebase-admin
 * retries for minutes. The call itself cannot be cancelled; only the wait for it ends.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the read did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
