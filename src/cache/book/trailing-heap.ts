import { resized } from './typed-arrays';

/** No node: an empty heap, no child, no sibling. */
export const NONE = -1;

/**
 * Max pairing heaps whose nodes are a book's slots, all in typed-array columns (a node is in at most one
 * heap at a time). Chosen for the trailing book because a merge of two heaps is one link, O(1): when a new
 * best lifts several peak groups to one, their stops merge without being touched. Insert is a merge, O(1);
 * removing a node costs the pairing of its children, O(log n) amortized.
 *
 * `prev` is the left sibling, or the parent for a first child, or NONE for a root, so a node can leave its
 * heap without a search. `labels` is the owner's: which heap or group a node's heap belongs to. The same
 * columns also hold plain doubly linked lists (`prepend`, `unlink`), for nodes that need no order.
 */
export class PairingForest {
  private keys: Float64Array;
  private child: Int32Array;
  private next: Int32Array;
  private prev: Int32Array;
  private labels: Int32Array;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.child = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.labels = new Int32Array(capacity);
  }

  resize(capacity: number): void {
    this.keys = resized(this.keys, capacity);
    this.child = resized(this.child, capacity);
    this.next = resized(this.next, capacity);
    this.prev = resized(this.prev, capacity);
    this.labels = resized(this.labels, capacity);
  }

  keyOf(node: number): number {
    return this.keys[node];
  }

  labelOf(node: number): number {
    return this.labels[node];
  }

  setLabel(node: number, label: number): void {
    this.labels[node] = label;
  }

  /** Makes `node` a heap of its own: it must not be in a heap. */
  reset(node: number, key: number, label: number): void {
    this.keys[node] = key;
    this.labels[node] = label;
    this.child[node] = NONE;
    this.next[node] = NONE;
    this.prev[node] = NONE;
  }

  /** The root of the union of two heaps (either may be NONE). */
  meld(a: number, b: number): number {
    if (a === NONE) return b;
    if (b === NONE) return a;
    return this.link(a, b);
  }

  /** Takes `node` out of the heap rooted at `root`; returns the heap's root afterwards. */
  remove(root: number, node: number): number {
    const first = this.child[node];
    this.child[node] = NONE;
    const rest = first === NONE ? NONE : this.pairUp(first);
    if (node === root) return rest;
    // Its children's pairing takes its place: their best key is no larger than its, so order holds.
    const before = this.prev[node];
    const after = this.next[node];
    this.prev[node] = NONE;
    this.next[node] = NONE;
    let replacement = after;
    if (rest !== NONE) {
      this.prev[rest] = before;
      this.next[rest] = after;
      replacement = rest;
    }
    if (after !== NONE) this.prev[after] = rest === NONE ? before : rest;
    if (this.child[before] === node) this.child[before] = replacement;
    else this.next[before] = replacement;
    return root;
  }

  /**
   * The node's largest child, after pairing its children into one tree. A walk down the nodes a price
   * crosses thus follows one chain, and a second walk over the same nodes costs only their number.
   */
  settle(node: number): number {
    const first = this.child[node];
    if (first === NONE || this.next[first] === NONE) return first;
    const only = this.pairUp(first);
    this.child[node] = only;
    this.prev[only] = node;
    return only;
  }

  /** Lists share the columns (a node is in one heap or one list): adds `node` in front; returns the head. */
  prepend(head: number, node: number): number {
    this.next[node] = head;
    this.prev[node] = NONE;
    if (head !== NONE) this.prev[head] = node;
    return node;
  }

  /** Takes `node` out of the list starting at `head`; returns the head afterwards. */
  unlink(head: number, node: number): number {
    const before = this.prev[node];
    const after = this.next[node];
    if (after !== NONE) this.prev[after] = before;
    if (before !== NONE) this.next[before] = after;
    this.prev[node] = NONE;
    this.next[node] = NONE;
    return node === head ? after : head;
  }

  /** The node after `node` in its list. */
  nextOf(node: number): number {
    return this.next[node];
  }

  /** Sets the label of every node of the heap. */
  labelAll(root: number, label: number): void {
    if (root === NONE) return;
    const pending = [root];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      this.labels[node] = label;
      for (let kid = this.child[node]; kid !== NONE; kid = this.next[kid]) pending.push(kid);
    }
  }

  /** Two roots (no siblings) into one: the smaller key becomes the larger's first child. */
  private link(a: number, b: number): number {
    const swap = this.keys[b] > this.keys[a];
    const top = swap ? b : a;
    const below = swap ? a : b;
    const first = this.child[top];
    this.next[below] = first;
    if (first !== NONE) this.prev[first] = below;
    this.prev[below] = top;
    this.child[top] = below;
    return top;
  }

  /** The standard two passes over a sibling list: link pairs left to right, then fold right to left. */
  private pairUp(first: number): number {
    let pairs = NONE; // pass-one winners, chained through `next` in reverse order
    for (let a = first; a !== NONE;) {
      const b = this.next[a];
      const rest = b === NONE ? NONE : this.next[b];
      this.prev[a] = NONE;
      this.next[a] = NONE;
      let winner = a;
      if (b !== NONE) {
        this.prev[b] = NONE;
        this.next[b] = NONE;
        winner = this.link(a, b);
      }
      this.next[winner] = pairs;
      pairs = winner;
      a = rest;
    }
    let root = pairs;
    let rest = this.next[root];
    this.next[root] = NONE;
    while (rest !== NONE) {
      const node = rest;
      rest = this.next[node];
      this.next[node] = NONE;
      root = this.link(node, root);
    }
    return root;
  }
}
