import type { Hit } from '../domain/crossing';

/**
 * In a flash crash every replica finds the same thousands of hits on the same tick. Taken in the same
 * order, the replicas reach every document at the same moment: one writes, the other's write fails and it
 * reads to find the document done, so two replicas drain the crash no faster than one. Each replica
 * instead takes a tick's hits in an order of its own, a fixed pseudo-random permutation seeded by its
 * instance id: a document one replica closes is reached by the other much later on average, by when the
 * listener has told it (the crossing is no longer pending and is skipped). Which replica closes a document
 * never changes its fill: the crossing tick's price either way. Pure.
 */

/** A 32-bit seed from the instance id (FNV-1a). */
export function replicaSeed(instanceId: string): number {
  return fnv1a(instanceId, 0x811c9dc5);
}

/** Where a document's hit goes in this replica's order. */
export function replicaRank(path: string, seed: number): number {
  return fnv1a(path, seed);
}

/** Reorders `hits[from..]` in place into this replica's order (only when a tick crossed more than one). */
export function orderForReplica(hits: Hit[], from: number, seed: number): void {
  if (hits.length - from < 2) return;
  const ranked = hits.slice(from).map((hit) => ({ hit, rank: replicaRank(hit.entry.path, seed) }));
  ranked.sort((x, y) => x.rank - y.rank);
  for (let i = 0; i < ranked.length; i++) hits[from + i] = ranked[i].hit;
}

function fnv1a(text: string, basis: number): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
