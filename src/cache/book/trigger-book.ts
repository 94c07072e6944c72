import type { TriggerEntry } from '../../domain/crossing';
import type { TriggerLadders } from './book.types';
import { LadderBook, type VersionedEntry } from './ladder-book';
import { type Stepwise, finish } from './stepwise';
import { resized } from './typed-arrays';

const ABOVE = 0;
const BELOW = 1;

/**
 * One symbol's trade triggers: `below` in the ladder that fires when price <= target, `above` in the one
 * that fires when price >= target. Stored as columns like PositionBook; entries are built on demand.
 */
export class TriggerBook extends LadderBook<TriggerEntry> implements TriggerLadders {
  private conditions: Uint8Array;
  private targets: Float64Array;

  constructor(capacity = 4, fallsToCapacity = capacity, risesToCapacity = capacity) {
    super(capacity, fallsToCapacity, risesToCapacity);
    this.conditions = new Uint8Array(this.capacity);
    this.targets = new Float64Array(this.capacity);
  }

  /** Builds a book from many entries at once: one sort per ladder instead of one shift per insert. */
  static from(items: readonly VersionedEntry<TriggerEntry>[]): TriggerBook {
    return finish(TriggerBook.building(items));
  }

  /** The same build in steps (see addingInBulk). */
  static *building(items: readonly VersionedEntry<TriggerEntry>[]): Stepwise<TriggerBook> {
    // Sized exactly: a rebuilt book carries no growth slack.
    const above = items.filter((item) => item.entry.condition === 'above').length;
    const book = new TriggerBook(items.length, items.length - above, above);
    yield* book.addingInBulk(items);
    return book;
  }

  protected keeps(): boolean {
    return true;
  }

  protected place(slot: number, entry: TriggerEntry): void {
    const condition = entry.condition === 'above' ? ABOVE : BELOW;
    this.conditions[slot] = condition;
    this.targets[slot] = entry.targetPrice;
    if (condition === ABOVE) this.risesTo.insert(-entry.targetPrice, slot);
    else this.fallsTo.insert(entry.targetPrice, slot);
  }

  forEachCrossed(price: number, visit: (entry: TriggerEntry) => void): void {
    this.forEachCrossedInRange(price, price, visit);
  }

  /** Every trigger some price in [low, high] crosses (a candle's range). */
  forEachCrossedInRange(low: number, high: number, visit: (entry: TriggerEntry) => void): void {
    let count = this.fallsTo.collectCrossed(low, this.scratch, 0);
    count = this.risesTo.collectCrossed(-high, this.scratch, count);
    if (count === 0) return;
    // Entries are built before any visit, so a visitor may check entries out (or add some) safely.
    const hits: TriggerEntry[] = [];
    for (let i = 0; i < count; i++) hits.push(this.entryAt(this.scratch.buffer[i]));
    for (const entry of hits) visit(entry);
  }

  protected resizeEntryColumns(capacity: number): void {
    this.conditions = resized(this.conditions, capacity);
    this.targets = resized(this.targets, capacity);
  }

  protected removeSlot(path: string, slot: number): void {
    const target = this.targets[slot];
    if (this.conditions[slot] === ABOVE) this.risesTo.remove(-target, slot);
    else this.fallsTo.remove(target, slot);
    this.release(path, slot);
  }

  protected entryAt(slot: number): TriggerEntry {
    return {
      path: this.paths[slot] as string,
      condition: this.conditions[slot] === ABOVE ? 'above' : 'below',
      targetPrice: this.targets[slot],
    };
  }
}
