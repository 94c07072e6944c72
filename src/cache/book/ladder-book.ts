import { LevelLadder } from './level-ladder';
import { SlotTable } from './slot-table';

/**
 * What both books share: the slot table, the two ladders and the lookups by path. `fallsTo` holds keys
 * that fire when price <= level (key = level); `risesTo` those that fire when price >= level (key =
 * -level). Subclasses own their typed-array columns and say how an entry maps onto the ladders.
 */
export abstract class LadderBook<E extends { readonly path: string }> extends SlotTable {
  protected readonly fallsTo: LevelLadder;
  protected readonly risesTo: LevelLadder;
  /** Slots collected by a walk, reused so a tick allocates nothing. */
  protected readonly scratch = { buffer: new Int32Array(16) };

  protected constructor(capacity: number, fallsToCapacity: number, risesToCapacity: number) {
    super(capacity);
    this.fallsTo = new LevelLadder(fallsToCapacity);
    this.risesTo = new LevelLadder(risesToCapacity);
  }

  /** Adds the entry, replacing any entry with the same path. */
  abstract add(entry: E): void;

  remove(path: string): E | undefined {
    const slot = this.slotOf(path);
    if (slot === undefined) return undefined;
    const entry = this.entryAt(slot);
    this.removeSlot(path, slot);
    return entry;
  }

  get(path: string): E | undefined {
    const slot = this.slotOf(path);
    return slot === undefined ? undefined : this.entryAt(slot);
  }

  /** False when the price crosses nothing here; two field reads, for the tick that (usually) moves nothing. */
  mayCross(price: number): boolean {
    return this.fallsTo.mayCross(price) || this.risesTo.mayCross(-price);
  }

  *entries(): IterableIterator<E> {
    for (const slot of [...this.slots()]) yield this.entryAt(slot);
  }

  /** Adds many entries at once: one sort per ladder instead of one shift per insert. */
  protected addInBulk(entries: readonly E[]): void {
    this.fallsTo.beginBulk();
    this.risesTo.beginBulk();
    for (const entry of entries) this.add(entry);
    this.fallsTo.endBulk();
    this.risesTo.endBulk();
  }

  protected abstract entryAt(slot: number): E;

  /** Takes the slot's keys out of the ladders and frees the slot. */
  protected abstract removeSlot(path: string, slot: number): void;
}
