import type { Located, Version } from '../domain/crossing';
import type { MarketType, PriceStream } from '../domain/market';

/**
 * What a BookSet is made of: the books it holds, how a document is placed in them (its legs), and the
 * keys that name a book (price stream and symbol).
 */

/** What PositionBook and TriggerBook have in common, as the cache uses them. */
export interface Book<E> {
  readonly size: number;
  add(entry: E, version: Version): void;
  remove(path: string): E | undefined;
  get(path: string): E | undefined;
  versionOf(path: string): Version | undefined;
  has(path: string): boolean;
  entries(): IterableIterator<E>;
  /** The paths held now (a copy: the book may change while a caller walks it). */
  heldPaths(): string[];
  /** What a replacement of a path's entry at the same version keeps that no document holds (see BookSet.relevel). */
  carriedState?(path: string): unknown;
  restoreCarried?(path: string, state: unknown): void;
}

/**
 * How a document's item is placed: one leg per price stream its levels watch (one, unless it is a
 * leveraged position whose liquidation watches the mark while its stops watch another price), and how
 * the legs' entries join back into the item's entry.
 */
export interface Legs<E> {
  split(item: Located<E>): Located<E>[];
  join(entries: readonly (E | undefined)[]): E;
}

export const ONE_LEG: Legs<never> = {
  split: (item) => [item],
  join: (entries) => entries[0] as never,
};

/** A book's key: its price stream and symbol (a spot and a futures symbol never collide). */
export function bookKey(stream: PriceStream, symbol: string): string {
  return `${stream}:${symbol}`;
}

export function marketOf(key: string): MarketType {
  return splitKey(key).marketType;
}

/** Where a book's entries are, from its key: market, symbol and, for mark or index, the price type. */
export function splitKey(key: string): {
  marketType: MarketType;
  symbol: string;
  priceType?: 'mark' | 'index';
} {
  const colon = key.indexOf(':');
  const stream = key.slice(0, colon) as PriceStream;
  const symbol = key.slice(colon + 1);
  if (stream === 'spot' || stream === 'futures') return { marketType: stream, symbol };
  return { marketType: 'futures', symbol, priceType: stream };
}
