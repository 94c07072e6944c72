import { UserDocumentPath, parseUserDocumentPath } from './document-paths';
import type { RawDocument } from './fields';
import { FieldError, ParseResult, reject } from './parse-result';

/**
 * The boundary every document crosses: it must sit at `users/{uid}/{collection}/{id}` and hold an object;
 * `build` reads its fields with the throwing field readers, whose FieldError becomes a typed rejection.
 */
export function parseUserDocument<T>(
  path: string,
  collection: string,
  data: unknown,
  build: (doc: RawDocument, location: UserDocumentPath) => T,
): ParseResult<T> {
  const location = parseUserDocumentPath(path, collection);
  if (!location) return reject('path', 'invalid_format');
  if (typeof data !== 'object' || data === null) return reject('document', 'missing');
  try {
    return { ok: true, value: build(data as RawDocument, location) };
  } catch (error) {
    if (error instanceof FieldError) return reject(error.field, error.problem);
    throw error;
  }
}
