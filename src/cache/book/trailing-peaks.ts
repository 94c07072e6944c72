import type { Side } from '../../domain/position';
import type { TrailingDistance } from '../../domain/trailing-stop';
import { NONE, type PairingForest } from './trailing-heap';
import { grow, resized } from './typed-arrays';

/**
 * The heap key of an activated stop: the larger fires first at any best (levels are monotone in it).
 * Long rate 1 − r, short rate −(1 + r), amount −a: `levelAt` gets the level back from the key alone with
 * trailingLevel's arithmetic (x − a is x + (−a) exactly), so a walk reads no other column.
 */
export function activeKey(side: Side, distance: TrailingDistance): number {
  if (distance.kind === 'amount') return -distance.amount;
  return side === 'long' ? 1 - distance.rate : -(1 + distance.rate);
}

function levelAt(sign: 1 | -1, rate: boolean, key: number, best: number): number {
  if (rate) return sign === 1 ? best * key : best * -key;
  return sign === 1 ? best + key : best - key;
}

/** Fires collected by a walk, reused from tick to tick so a walk allocates nothing. */
export interface FiredBuffer {
  nodes: Int32Array;
  levels: Float64Array;
  count: number;
}

/** Dead group ids are relabelled away once they outnumber the members (and are at least this many). */
const RELABEL_MIN = 64;
const INITIAL_GROUPS = 8;

/**
 * One side's activated trailing stops in peak groups: every stop of a group has the same best price.
 * Prices are signed (long +p, short −p) so that both sides read alike: a price improves a best when its
 * signed value is higher, and crosses a level when the signed level is >= the signed price.
 *
 * The groups form a stack ordered by signed best, strictly falling from bottom to top (a stop activated
 * earlier has seen more prices, so its best is at least as good; a recovered state goes where its best
 * says). A new price lifts exactly the groups at the top whose best it improves, and they merge into one
 * (their heaps melded, O(1) per group; bests stay distinct). Within a group, a rate heap and an amount
 * heap are keyed so the stop that fires first is at the root.
 *
 * `tops[i]` is the highest signed level in groups 0..i, so a price that fires nothing is seen in O(1),
 * and a walk from the top stops at the first group below which nothing fires: O(groups visited + fires).
 *
 * A node's group is found by union-find over group ids (a merge only links the ids); once dead ids
 * outnumber the members, every node is relabelled with its group's live id and the dead ids are reused.
 */
export class PeakStack {
  private bests = new Float64Array(INITIAL_GROUPS);
  private rateRoots = new Int32Array(INITIAL_GROUPS);
  private amountRoots = new Int32Array(INITIAL_GROUPS);
  private parents = new Int32Array(INITIAL_GROUPS);
  private nextId = 0;
  private readonly free: number[] = [];
  private readonly dead: number[] = [];
  /** Group ids, bottom (best peak) to top; tops[i]: the highest signed level in ids[0..i]. */
  private ids = new Int32Array(INITIAL_GROUPS);
  private tops = new Float64Array(INITIAL_GROUPS);
  private length = 0;
  /** tops[dirtyFrom..] are stale. */
  private dirtyFrom = 0;
  private members = 0;

  constructor(
    private readonly sign: 1 | -1,
    private readonly forest: PairingForest,
    /** A test seam: relabel that early, so short test streams reach it. */
    private readonly relabelMin = RELABEL_MIN,
  ) {}

  /** Adds an activated node (its key set for its heap) to the group of `best`, made if there is none. */
  place(node: number, best: number, rate: boolean): void {
    const signed = this.sign * best;
    const at = this.positionOf(signed);
    let group = this.ids[at];
    if (at === this.length || this.signedBest(group) !== signed) {
      group = this.newGroup(best);
      this.ids.copyWithin(at + 1, at, this.length);
      this.ids[at] = group;
      this.length++;
    }
    this.forest.setLabel(node, group);
    if (rate) this.rateRoots[group] = this.forest.meld(this.rateRoots[group], node);
    else this.amountRoots[group] = this.forest.meld(this.amountRoots[group], node);
    this.members++;
    this.markDirty(at);
  }

  /** Takes a node out of its group; a group left empty leaves the stack. */
  detach(node: number, rate: boolean): void {
    const group = this.find(this.forest.labelOf(node));
    const root = rate ? this.rateRoots[group] : this.amountRoots[group];
    const after = this.forest.remove(root, node);
    this.members--;
    // Below the root, the group's first-firing stop (its top level) is unchanged.
    if (after === root) return;
    if (rate) this.rateRoots[group] = after;
    else this.amountRoots[group] = after;
    const at = this.positionOf(this.signedBest(group));
    this.markDirty(at);
    if (this.rateRoots[group] !== NONE || this.amountRoots[group] !== NONE) return;
    this.ids.copyWithin(at, at + 1, this.length);
    this.length--;
    this.free.push(group);
  }

  bestOf(node: number): number {
    return this.bests[this.find(this.forest.labelOf(node))];
  }

  /** Appends every node `price` fires, with its level, judged on the bests before the price. */
  collectFired(price: number, out: FiredBuffer): void {
    if (this.length === 0) return;
    this.settleTops();
    const signed = this.sign * price;
    for (let i = this.length - 1; i >= 0 && this.tops[i] >= signed; i--) {
      const group = this.ids[i];
      this.collectChain(this.rateRoots[group], true, this.bests[group], signed, out);
      this.collectChain(this.amountRoots[group], false, this.bests[group], signed, out);
    }
  }

  /** Every group whose best `price` improves becomes one group with best `price`. */
  improve(price: number): void {
    const signed = this.sign * price;
    let merged = NONE;
    while (this.length > 0 && this.signedBest(this.ids[this.length - 1]) < signed) {
      const group = this.ids[--this.length];
      // The deeper group (older, usually larger) keeps its id, so most labels stay direct.
      merged = merged === NONE ? group : this.union(merged, group);
    }
    if (merged === NONE) return;
    // Bests stay distinct: a group already at `price` takes the lifted ones in.
    if (this.length > 0 && this.signedBest(this.ids[this.length - 1]) === signed)
      this.union(merged, this.ids[this.length - 1]);
    else {
      this.bests[merged] = price;
      this.ids[this.length++] = merged;
    }
    this.markDirty(this.length - 1);
    if (this.dead.length > this.relabelMin && this.dead.length > this.members) this.relabel();
  }

  private collectChain(root: number, rate: boolean, best: number, signed: number, out: FiredBuffer): void {
    for (let node = root; node !== NONE; node = this.forest.settle(node)) {
      const level = levelAt(this.sign, rate, this.forest.keyOf(node), best);
      if (this.sign * level < signed) return;
      if (out.count === out.nodes.length) {
        out.nodes = grow(out.nodes, out.count + 1);
        const levels = new Float64Array(out.nodes.length);
        levels.set(out.levels);
        out.levels = levels;
      }
      out.nodes[out.count] = node;
      out.levels[out.count++] = level;
    }
  }

  private signedBest(group: number): number {
    return this.sign * this.bests[group];
  }

  /** The first stack index whose signed best is <= `signed` (the stack falls from bottom to top). */
  private positionOf(signed: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.signedBest(this.ids[mid]) > signed) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private markDirty(at: number): void {
    if (at < this.dirtyFrom) this.dirtyFrom = at;
  }

  private settleTops(): void {
    for (let i = this.dirtyFrom; i < this.length; i++) {
      const below = i === 0 ? -Infinity : this.tops[i - 1];
      this.tops[i] = Math.max(below, this.topOf(this.ids[i]));
    }
    this.dirtyFrom = this.length;
  }

  /** The group's highest signed level: its heaps' roots fire first. */
  private topOf(group: number): number {
    const best = this.bests[group];
    const rate = this.rateRoots[group];
    const amount = this.amountRoots[group];
    const rateTop =
      rate === NONE ? -Infinity : this.sign * levelAt(this.sign, true, this.forest.keyOf(rate), best);
    const amountTop =
      amount === NONE ? -Infinity : this.sign * levelAt(this.sign, false, this.forest.keyOf(amount), best);
    return Math.max(rateTop, amountTop);
  }

  private newGroup(best: number): number {
    const group = this.free.pop() ?? this.nextId++;
    if (group >= this.bests.length) this.growGroups(group + 1);
    this.bests[group] = best;
    this.rateRoots[group] = NONE;
    this.amountRoots[group] = NONE;
    this.parents[group] = group;
    return group;
  }

  /** `from` joins `into`; `from` stays behind as a dead id pointing at `into`. */
  private union(from: number, into: number): number {
    this.rateRoots[into] = this.forest.meld(this.rateRoots[into], this.rateRoots[from]);
    this.amountRoots[into] = this.forest.meld(this.amountRoots[into], this.amountRoots[from]);
    this.parents[from] = into;
    this.dead.push(from);
    return into;
  }

  /** The live group of a label, halving the path on the way. */
  private find(label: number): number {
    let group = label;
    while (this.parents[group] !== group) {
      this.parents[group] = this.parents[this.parents[group]];
      group = this.parents[group];
    }
    return group;
  }

  /** Points every member at its live group, so the dead ids are referenced by nothing and can be reused. */
  private relabel(): void {
    for (let i = 0; i < this.length; i++) {
      const group = this.ids[i];
      this.forest.labelAll(this.rateRoots[group], group);
      this.forest.labelAll(this.amountRoots[group], group);
    }
    for (const group of this.dead) this.free.push(group);
    this.dead.length = 0;
  }

  private growGroups(needed: number): void {
    const capacity = Math.max(needed, this.bests.length * 2);
    this.bests = resized(this.bests, capacity);
    this.rateRoots = resized(this.rateRoots, capacity);
    this.amountRoots = resized(this.amountRoots, capacity);
    this.parents = resized(this.parents, capacity);
    this.ids = resized(this.ids, capacity);
    this.tops = resized(this.tops, capacity);
  }
}
