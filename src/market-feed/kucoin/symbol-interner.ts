/**
 * Hands out one string instance per symbol read off the wire. Every tick looks its symbol up in several
 * maps (subscriptions, both books); a fresh string each time costs its allocation plus a hash and a
 * character compare per lookup, while a reused instance has its hash cached. Two-way set-associative and
 * bounded: a collision only means a frame slices a new string, so no stream of symbols can grow it.
 */
export class SymbolInterner {
  private readonly lengths: Uint8Array;
  private readonly bytes: Uint8Array;
  private readonly strings: string[];
  private readonly mask: number;

  constructor(
    capacity = 8_192,
    private readonly maxLength = 32,
  ) {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0)
      throw new Error('SymbolInterner: capacity must be a power of two');
    if (maxLength < 1 || maxLength > 255) throw new Error('SymbolInterner: maxLength must be 1 to 255');
    this.mask = capacity - 1;
    this.lengths = new Uint8Array(capacity);
    this.bytes = new Uint8Array(capacity * maxLength);
    this.strings = new Array<string>(capacity).fill('');
  }

  /** The UTF-8 text in `source[start, end)` as a string, the same instance as last time where possible. */
  intern(source: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > this.maxLength || length === 0) return source.toString('utf8', start, end);
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ source[i], 0x01000193);
    const index = (hash >>> 0) & this.mask;
    if (this.matches(index, source, start, length)) return this.strings[index];
    const other = index ^ 1;
    if (this.matches(other, source, start, length)) return this.strings[other];
    // Fill an empty way first; with both taken, evict the home way.
    return this.store(
      this.lengths[index] !== 0 && this.lengths[other] === 0 ? other : index,
      source,
      start,
      end,
    );
  }

  private matches(index: number, source: Buffer, start: number, length: number): boolean {
    if (this.lengths[index] !== length) return false;
    const offset = index * this.maxLength;
    let i = 0;
    while (i < length && this.bytes[offset + i] === source[start + i]) i++;
    return i === length;
  }

  private store(index: number, source: Buffer, start: number, end: number): string {
    const text = source.toString('utf8', start, end);
    this.lengths[index] = end - start;
    this.bytes.set(source.subarray(start, end), index * this.maxLength);
    this.strings[index] = text;
    return text;
  }
}
