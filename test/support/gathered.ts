import type { Version } from '../../src/domain/crossing';
import type { CollectionRead, TakeParsed } from '../../src/firestore/document-change';

/** A parsed document with its version (update time), as a spec gathers a full read's documents. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: Version;
}

/** A full read's documents gathered in the order they were handed over, beside what the read returned. */
export type Gathered<T> = CollectionRead & { readonly values: Versioned<T>[] };

/** Reads with `read`, gathering each document it hands over, in order, beside what it returned. */
export async function gather<T>(
  read: (take: TakeParsed<T>) => Promise<CollectionRead>,
): Promise<Gathered<T>> {
  const values: Versioned<T>[] = [];
  const done = await read((value, version) => void values.push({ value, version }));
  return { ...done, values };
}
