import { type Version, isActionablePrice } from '../../domain/crossing';
import type { CandleRange } from '../../domain/market';
import { NOT_ACTIVATED, type TrailingSpec, type TrailingState } from '../../domain/trailing-stop';
import { SlotTable } from './slot-table';
import { NONE, PairingForest } from './trailing-heap';
import { type FiredBuffer, PeakStack, activeKey } from './trailing-peaks';
import { WaitingHeap } from './trailing-waiting';
import { resized } from './typed-arrays';

/** What the trailing book holds of a position: its path, side and trailing stop. */
export interface TrailingEntry extends TrailingSpec {
  /** `users/{uid}/openPositions/{id}`. */
  readonly path: string;
}

const LONG = 0;
const SHORT = 1;
const RATE = 0;
const AMOUNT = 1;
/** The label of a node waiting for its activation price (an activated node's label is its group). */
const WAITING = -2;
/** The label of a node without an activation price, not activated yet: any next price activates it. */
const UNARMED = -3;
/** The label of a node whose document was updated after the prices seen so far: no price applies to it yet. */
const DORMANT = -4;

/**
 * Every trailing stop of one symbol's price stream, both sides, so a price costs what it changes, not
 * one visit per stop (the semantics are trailing-stop.ts's; the model the specs check against).
 *
 * - Waiting stops sit in one binary heap per side keyed by activation price (long: lowest first, short:
 *   highest first), so a price pops exactly the ones it activates: O(1 + a log n). Stops without an
 *   activation price wait in one list, and the next price activates them all: O(1) each.
 * - Activated stops sit in each side's PeakStack (see trailing-peaks.ts): groups sharing a best price,
 *   merged in O(1) each when a new best lifts them, with the first-firing stop of each group at a root.
 *
 * `advance(price)` first collects the fires, judged on the state before the price; then applies the price
 * (new bests, then activations); then visits the fires, so a visitor may remove or add entries. A price
 * that fires and activates nothing costs O(1) per side plus the groups it lifts, and allocates nothing.
 * A stop that fired stays in the book (its state still follows the prices) until the caller removes it.
 */
export class TrailingBook extends SlotTable {
  private entriesBySlot: (TrailingEntry | undefined)[];
  private versions: Float64Array;
  private sides: Uint8Array;
  private kinds: Uint8Array;
  /** The heap key once activated (see activeKey); the forest's key is the activation key while waiting. */
  private activeKeys: Float64Array;
  private readonly forest: PairingForest;
  private readonly peaks: readonly [PeakStack, PeakStack];
  /** Stops waiting for their activation price, by side; the root is the first the prices reach. */
  private readonly waiting: readonly [WaitingHeap, WaitingHeap];
  /** Head of the list of stops without an activation price, both sides: no order needed, O(1) each. */
  private unarmed = NONE;
  /** Stops that only prices from a later exchange time apply to (key: -startsAt), see add. */
  private readonly dormant: WaitingHeap;
  private readonly fired: FiredBuffer = { nodes: new Int32Array(16), levels: new Float64Array(16), count: 0 };

  constructor(capacity = 4) {
    super(capacity);
    this.entriesBySlot = new Array<TrailingEntry | undefined>(this.capacity);
    this.versions = new Float64Array(this.capacity);
    this.sides = new Uint8Array(this.capacity);
    this.kinds = new Uint8Array(this.capacity);
    this.activeKeys = new Float64Array(this.capacity);
    this.forest = new PairingForest(this.capacity);
    this.peaks = [new PeakStack(1, this.forest), new PeakStack(-1, this.forest)];
    this.waiting = [new WaitingHeap(this.capacity), new WaitingHeap(this.capacity)];
    this.dormant = new WaitingHeap(this.capacity);
  }

  /**
   * Adds the entry, replacing any with the same path, in `state` (by default not activated: pass the
   * previous `stateOf` to keep a peak across a replacement). A best that is not a usable price counts
   * as not activated. With `startsAt` (exchange ms) a stop not activated is dormant: only prices from
   * that time on apply to it (a document's levels hold from its update), see wake.
   */
  add(
    entry: TrailingEntry,
    version: Version = 0,
    state: TrailingState = NOT_ACTIVATED,
    startsAt?: number,
  ): void {
    const existing = this.slotOf(entry.path);
    if (existing !== undefined) this.drop(entry.path, existing);
    const slot = this.allocate(entry.path);
    const { side, stop } = entry;
    const { distance } = stop;
    this.entriesBySlot[slot] = entry;
    this.versions[slot] = version;
    this.sides[slot] = side === 'long' ? LONG : SHORT;
    this.kinds[slot] = distance.kind === 'rate' ? RATE : AMOUNT;
    this.activeKeys[slot] = activeKey(side, distance);
    if (startsAt !== undefined && (state.best === null || !isActionablePrice(state.best))) {
      this.forest.reset(slot, 0, DORMANT);
      this.dormant.push(slot, -startsAt);
    } else this.placeIn(slot, state);
  }

  /** Makes the dormant stops that prices at `time` (exchange ms) apply to ready for them, not activated. */
  wake(time: number): void {
    const threshold = -time;
    while (this.dormant.size > 0 && this.dormant.topKey() >= threshold)
      this.placeIn(this.dormant.pop(), NOT_ACTIVATED);
  }

  /** The earliest exchange time from which prices apply to a dormant stop; undefined if none is dormant. */
  earliestDormant(): number | undefined {
    return this.dormant.size === 0 ? undefined : -this.dormant.topKey();
  }

  /**
   * The state a replacement of the document's entry at the same version keeps (see setState): none while
   * dormant, where no price since its update has reached it and the replacement starts it the same way.
   */
  carriedStateOf(path: string): TrailingState | undefined {
    const slot = this.slotOf(path);
    if (slot === undefined || this.forest.labelOf(slot) === DORMANT) return undefined;
    return this.stateOf(path);
  }

  remove(path: string): TrailingEntry | undefined {
    const slot = this.slotOf(path);
    if (slot === undefined) return undefined;
    const entry = this.entriesBySlot[slot];
    this.drop(path, slot);
    return entry;
  }

  get(path: string): TrailingEntry | undefined {
    const slot = this.slotOf(path);
    return slot === undefined ? undefined : this.entriesBySlot[slot];
  }

  versionOf(path: string): Version | undefined {
    const slot = this.slotOf(path);
    return slot === undefined ? undefined : this.versions[slot];
  }

  /** The stop's state after the last price advanced; undefined if the path is not here. */
  stateOf(path: string): TrailingState | undefined {
    const slot = this.slotOf(path);
    if (slot === undefined) return undefined;
    const label = this.forest.labelOf(slot);
    if (label === WAITING || label === UNARMED || label === DORMANT) return NOT_ACTIVATED;
    return { best: this.peaks[this.sides[slot]].bestOf(slot) };
  }

  /** Replaces the stop's state (after a recovery from trades or candles); false if the path is not here. */
  setState(path: string, state: TrailingState): boolean {
    const slot = this.slotOf(path);
    if (slot === undefined) return false;
    this.detach(slot);
    this.placeIn(slot, state);
    return true;
  }

  *entries(): IterableIterator<TrailingEntry> {
    for (const slot of [...this.slots()]) yield this.entriesBySlot[slot] as TrailingEntry;
  }

  /**
   * Applies one price of the stream. Calls `visit` once per stop the price fires, with the level in force
   * before it (equal counts as crossed); a zero, negative or non-finite price is ignored.
   */
  advance(price: number, visit: (entry: TrailingEntry, level: number) => void): void {
    if (!isActionablePrice(price)) return;
    this.fired.count = 0;
    this.step(LONG, price);
    this.step(SHORT, price);
    if (this.unarmed !== NONE) this.activateUnarmed(price);
    if (this.fired.count > 0) this.visitFired(visit, false);
  }

  /**
   * Applies a 1-minute candle as trailing-recovery.ts's rule does: the open, then per side the adverse
   * extreme before the favourable one (long: low, high; short: high, low), then the close, so a stop fires
   * only where every order of the candle's trades would have fired it. A candle the recovered trades
   * `overlap` gives only its open and the extremes beyond theirs (surely before them), not its close: the
   * trades bring the rest. `visit` gets each stop once, with its fill: the open if the open crossed it,
   * else the level.
   */
  advanceCandle(
    candle: CandleRange & { readonly close: number },
    visit: (entry: TrailingEntry, level: number, fill: number) => void,
  ): void {
    const { open, high, low, close, overlap } = candle;
    if (![open, high, low, close].every(isActionablePrice) || low > high) return;
    this.fired.count = 0;
    this.step(LONG, open);
    this.step(SHORT, open);
    if (this.unarmed !== NONE) this.activateUnarmed(open);
    const atOpen = this.fired.count;
    const lowKnown = overlap === undefined || low < overlap.low;
    const highKnown = overlap === undefined || high > overlap.high;
    if (lowKnown) this.step(LONG, low);
    if (highKnown) this.step(LONG, high);
    if (highKnown) this.step(SHORT, high);
    if (lowKnown) this.step(SHORT, low);
    if (overlap === undefined) {
      this.step(LONG, close);
      this.step(SHORT, close);
    }
    if (this.fired.count > 0)
      this.visitFired((entry, level, index) => visit(entry, level, index < atOpen ? open : level), true);
  }

  /** One price on one side: fires judged on the state before it, then new bests, then activations. */
  private step(side: number, price: number): void {
    this.peaks[side].collectFired(price, this.fired);
    this.peaks[side].improve(price);
    this.activate(side, price);
  }

  /**
   * Visits the collected fires after taking every entry, so a visitor may check entries out (or add some)
   * safely. One price fires a stop at most once; a candle's several steps can fire one more than once
   * (`severalSteps`): its first counts.
   */
  private visitFired(
    visit: (entry: TrailingEntry, level: number, index: number) => void,
    severalSteps: boolean,
  ): void {
    const { count, nodes } = this.fired;
    const levels = this.fired.levels.slice(0, count);
    const slots = nodes.slice(0, count);
    const once = severalSteps && count > 1 ? new Set<number>() : undefined;
    const hits: [TrailingEntry, number, number][] = [];
    for (let i = 0; i < count; i++) {
      if (once !== undefined) {
        if (once.has(slots[i])) continue;
        once.add(slots[i]);
      }
      hits.push([this.entriesBySlot[slots[i]] as TrailingEntry, levels[i], i]);
    }
    for (const [entry, level, index] of hits) visit(entry, level, index);
  }

  protected resizeColumns(capacity: number): void {
    this.entriesBySlot.length = capacity;
    this.versions = resized(this.versions, capacity);
    this.sides = resized(this.sides, capacity);
    this.kinds = resized(this.kinds, capacity);
    this.activeKeys = resized(this.activeKeys, capacity);
    this.forest.resize(capacity);
    for (const heap of this.waiting) heap.resize(capacity);
    this.dormant.resize(capacity);
  }

  /** Pops every waiting stop of the side that `price` activates; each joins the group of best `price`. */
  private activate(side: number, price: number): void {
    // Keys are long -activation, short activation: reached when key >= -price (long), key >= price (short).
    const threshold = side === LONG ? -price : price;
    const heap = this.waiting[side];
    while (heap.topKey() >= threshold) {
      const slot = heap.pop();
      this.forest.reset(slot, this.activeKeys[slot], NONE);
      this.peaks[side].place(slot, price, this.kinds[slot] === RATE);
    }
  }

  private activateUnarmed(price: number): void {
    let slot = this.unarmed;
    this.unarmed = NONE;
    while (slot !== NONE) {
      const next = this.forest.nextOf(slot);
      this.forest.reset(slot, this.activeKeys[slot], NONE);
      this.peaks[this.sides[slot]].place(slot, price, this.kinds[slot] === RATE);
      slot = next;
    }
  }

  private placeIn(slot: number, state: TrailingState): void {
    const side = this.sides[slot];
    const { best } = state;
    if (best !== null && isActionablePrice(best)) {
      this.forest.reset(slot, this.activeKeys[slot], NONE);
      this.peaks[side].place(slot, best, this.kinds[slot] === RATE);
      return;
    }
    const activation = (this.entriesBySlot[slot] as TrailingEntry).stop.activationPrice;
    if (activation === null) {
      this.forest.reset(slot, 0, UNARMED);
      this.unarmed = this.forest.prepend(this.unarmed, slot);
      return;
    }
    // The heap's top is the first the prices reach (long: the lowest activation, short: the highest).
    this.forest.reset(slot, 0, WAITING);
    this.waiting[side].push(slot, side === LONG ? -activation : activation);
  }

  private detach(slot: number): void {
    const side = this.sides[slot];
    const label = this.forest.labelOf(slot);
    if (label === UNARMED) this.unarmed = this.forest.unlink(this.unarmed, slot);
    else if (label === DORMANT) this.dormant.remove(slot);
    else if (label === WAITING) this.waiting[side].remove(slot);
    else this.peaks[side].detach(slot, this.kinds[slot] === RATE);
  }

  private drop(path: string, slot: number): void {
    this.detach(slot);
    this.entriesBySlot[slot] = undefined;
    this.release(path, slot);
  }
}
