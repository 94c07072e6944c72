import type { Version } from '../../src/domain/crossing';
import type { CollectionRead, TakeParsed } from '../../src/firestore/document-change';

/** A parsed document with its version (update time), as a spec gathers a full read's documents. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: Version;
}

/** A full read's documents gathered in the order they were handed over, beside what the read returned. */
export type Gathered<T> = CollectionRead & { readonly values: Versioned<T>[] };

/** A `take` for a full read that gathers each document, and `done` to join them to the read's result. */
export function gathering<T>(): { take: TakeParsed<T>; done: (read: CollectionRead) => Gathered<T> } {
  const values: Versioned<T>[] = [];
  return {
    take: (value, version) => void values.push({ value, version }),
    done: (read) => ({ ...read, values }),
  };
}

/** Reads with `read`, gathering what it hands over. */
export async function gather<T>(
  read: (take: TakeParsed<T>) => Promise<CollectionRead>,
): Promise<Gathered<T>> {
  const { take, done } = gathering<T>();
  return done(await read(take));
}
