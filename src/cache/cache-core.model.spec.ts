import fc from 'fast-check';
import { type AnyLocated, type PendingCrossing, type PositionEntry, type Sighting } from '../domain/crossing';
import { crossesItem } from '../domain/price-legs';
import type { Tick } from '../domain/market';
import { CacheCore } from './cache-core';

/**
 * Model-based test of the cache against a plain model of Firestore and of what the cache has been told.
 * Firestore is a map of documents with versions; the listener delivers its changes late but in order;
 * transactions read and write Firestore directly; collections read in pages, each at its own time with
 * other commands between them, and sweep out what they did not find in turns while other commands run.
 * The invariant, checked after every command, every page and every turn of a sweep:
 * every document the cache's newest sighting says is open is either in the live books with exactly those
 * levels, or has a crossing pending that its price still crosses, and nothing else is watched.
 */

const SYMBOLS = ['AAA-USDT', 'BBB-USDT'] as const;
const PATHS = [0, 1, 2, 3].map((i) => `users/u/openPositions/p${i}`);

interface Doc {
  version: number;
  /** Null while not open (closed, deleted or never written). */
  item: AnyLocated | null;
}

interface Model {
  clock: number;
  firestore: Map<string, Doc>;
  /** Listener changes not yet delivered, in commit order. */
  listener: { path: string; seen: Sighting }[];
  /** The newest sighting delivered to the cache per document. */
  known: Map<string, Sighting>;
  /** Crossings handed out and not yet finished by a transaction. */
  crossings: PendingCrossing[];
}

interface Real {
  cache: CacheCore;
}

type Levels = { side: 'long' | 'short'; stopLoss: number | null; takeProfit: number | null; symbol: number };

function newer(a: Sighting | undefined, b: Sighting): Sighting {
  return a === undefined || b.version >= a.version ? b : a;
}

function learn(model: Model, path: string, seen: Sighting): void {
  model.known.set(path, newer(model.known.get(path), seen));
}

function writeDoc(model: Model, path: string, levels: Levels | null): void {
  const version = ++model.clock;
  const item: AnyLocated | null =
    levels === null
      ? null
      : {
          marketType: 'spot',
          symbol: SYMBOLS[levels.symbol],
          entry: {
            path,
            side: levels.side,
            size: 1,
            stopLoss: levels.stopLoss,
            takeProfit: levels.takeProfit,
          },
          version,
        };
  model.firestore.set(path, { version, item });
  model.listener.push({ path, seen: { version, item } });
}

/** Sync commands, also run inside a build's pauses. */
type Step =
  | { kind: 'write'; doc: number; levels: Levels | null }
  | { kind: 'deliver' }
  | { kind: 'tick'; symbol: number; price: number }
  | { kind: 'transaction'; crossing: number; outcome: 'run' | 'retryable' | 'permanent' }
  | { kind: 'release'; crossing: number };

function runStep(model: Model, real: Real, step: Step): void {
  const { cache } = real;
  switch (step.kind) {
    case 'write':
      return writeDoc(model, PATHS[step.doc], step.levels);
    case 'deliver': {
      const change = model.listener.shift();
      if (change === undefined) return;
      learn(model, change.path, change.seen);
      cache.applyPosition(change.path, change.seen);
      return;
    }
    case 'tick': {
      const tick: Tick = {
        marketType: 'spot',
        symbol: SYMBOLS[step.symbol],
        price: step.price,
        exchangeTime: model.clock,
        receivedAt: model.clock,
        source: 'stream',
      };
      const hits: Parameters<CacheCore['crossedBy']>[1] = [];
      cache.crossedBy(tick, hits);
      for (const hit of hits) {
        const crossing = cache.checkOut(hit, tick);
        if (crossing) model.crossings.push(crossing);
      }
      return;
    }
    case 'transaction':
      return runTransaction(model, real, step);
    case 'release': {
      const crossing = model.crossings[step.crossing % Math.max(1, model.crossings.length)];
      if (crossing === undefined) return;
      model.crossings.splice(model.crossings.indexOf(crossing), 1);
      cache.release(crossing);
      return;
    }
  }
}

/** What ExecutionService and the store do for one attempt, against the model's Firestore. */
function runTransaction(model: Model, { cache }: Real, step: Extract<Step, { kind: 'transaction' }>): void {
  const crossing = model.crossings[step.crossing % Math.max(1, model.crossings.length)];
  if (crossing === undefined) return;
  const finish = (): void => void model.crossings.splice(model.crossings.indexOf(crossing), 1);
  if (!cache.isPending(crossing)) return finish(); // the service makes no transaction then
  if (step.outcome !== 'run') return cache.keepPending(crossing);
  const path = crossing.hit.entry.path;
  const doc = model.firestore.get(path) ?? { version: model.clock, item: null };
  const read: Sighting = { version: doc.version, item: doc.item };
  if (doc.item === null) {
    learn(model, path, read);
    cache.settle(crossing, read);
    return finish();
  }
  if (crossesItem(crossing, doc.item)) {
    writeDoc(model, path, null); // open -> closing
    const written = { version: doc.version + 1, item: null };
    learn(model, path, written);
    cache.settle(crossing, written);
    return finish();
  }
  learn(model, path, read);
  if (!cache.putBack(crossing, read)) finish();
}

/**
 * `sweeping`: the sightings of absence a finished read taught the model, for documents the sweep may not
 * have reached yet (they may still be in the books at their older version until it does).
 */
function checkInvariant(model: Model, { cache }: Real, sweeping = new Map<string, Sighting>()): void {
  const pendingByPath = new Map(
    model.crossings.filter((c) => cache.isPending(c)).map((c) => [c.hit.entry.path, c] as const),
  );
  expect(cache.pendingStats().count).toBe(pendingByPath.size);
  for (const path of PATHS) {
    if (sweeping.has(path) && model.known.get(path) === sweeping.get(path)) continue;
    const known = model.known.get(path)?.item ?? null;
    const watched = SYMBOLS.map((symbol) => ({
      symbol,
      entry: cache.positionBook('spot', symbol)?.get(path),
    })).filter(({ entry }) => entry !== undefined);
    const pending = pendingByPath.get(path);
    if (pending !== undefined) {
      expect(watched).toEqual([]);
      expect(known).not.toBeNull();
      expect(crossesItem(pending, known as AnyLocated)).toBe(true);
    } else if (known === null || !isWatchable(known)) {
      expect({ path, watched }).toEqual({ path, watched: [] });
    } else {
      expect({ path, watched }).toEqual({ path, watched: [{ symbol: known.symbol, entry: known.entry }] });
    }
  }
}

function isWatchable(item: AnyLocated): boolean {
  const entry = item.entry as PositionEntry;
  return entry.stopLoss !== null || entry.takeProfit !== null;
}

const levels: fc.Arbitrary<Levels> = fc.record({
  side: fc.constantFrom('long' as const, 'short' as const),
  stopLoss: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null, freq: 5 }),
  takeProfit: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null, freq: 3 }),
  symbol: fc.integer({ min: 0, max: 1 }),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      doc: fc.integer({ min: 0, max: PATHS.length - 1 }),
      levels: fc.option(levels, { nil: null, freq: 4 }),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'deliver' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      symbol: fc.integer({ min: 0, max: 1 }),
      price: fc.integer({ min: 1, max: 10 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('transaction' as const),
      crossing: fc.nat(),
      outcome: fc.constantFrom('run' as const, 'run' as const, 'retryable' as const, 'permanent' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), crossing: fc.nat() }) },
);

class StepCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly step: Step) {}
  check = (): boolean => true;
  run(model: Model, real: Real): Promise<void> {
    runStep(model, real, this.step);
    checkInvariant(model, real);
    return Promise.resolve();
  }
  toString = (): string => JSON.stringify(this.step);
}

/**
 * A full read in pages of `pageSize` paths, each read when reached, with one of `during` run between
 * pages; then its sweep, with the rest of `during` run at its pauses.
 */
class CollectCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly during: Step[],
    readonly pageSize: number,
  ) {}
  check = (): boolean => true;
  async run(model: Model, real: Real): Promise<void> {
    const ticket = real.cache.beginCollection();
    const pending = [...this.during];
    const readAt = model.clock; // the first page's read time
    const found = new Set<string>();
    for (let from = 0; from < PATHS.length; from += this.pageSize) {
      const between = from > 0 ? pending.shift() : undefined;
      if (between !== undefined) runStep(model, real, between);
      for (const path of PATHS.slice(from, from + this.pageSize)) {
        const doc = model.firestore.get(path);
        if (doc?.item == null) continue;
        found.add(path);
        learn(model, path, { version: doc.version, item: doc.item });
        real.cache.takeRead(ticket, 'position', doc.item);
      }
      checkInvariant(model, real);
    }
    // Not found: not open when its page was read, after every version up to readAt and before any later one.
    const sweeping = new Map<string, Sighting>();
    for (const path of PATHS.filter((p) => !found.has(p))) {
      learn(model, path, { version: readAt + 0.5, item: null });
      sweeping.set(path, model.known.get(path) as Sighting);
    }
    const readTimes = { positions: readAt, triggers: readAt };
    const outcome = await real.cache.finishCollectionInSteps(ticket, readTimes, () => {
      const next = pending.shift();
      if (next !== undefined) runStep(model, real, next);
      checkInvariant(model, real, sweeping);
      return Promise.resolve();
    });
    expect(outcome.kind).toBe('reconciled');
    for (const next of pending) runStep(model, real, next); // steps the sweep did not pause for
    checkInvariant(model, real);
  }
  toString = (): string =>
    `collect(pages of ${this.pageSize}; ${this.during.map((s) => JSON.stringify(s)).join(', ')})`;
}

describe('CacheCore against a model of Firestore', () => {
  it('never loses an open document: in the books with its newest levels, or pending, through any interleaving', async () => {
    const commands = fc.commands(
      [
        step.map((s) => new StepCommand(s)),
        fc
          .tuple(fc.array(step, { maxLength: 6 }), fc.integer({ min: 1, max: PATHS.length }))
          .map(([during, pageSize]) => new CollectCommand(during, pageSize)),
      ],
      { maxCommands: 40 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const setup = () => ({
          model: { clock: 0, firestore: new Map(), listener: [], known: new Map(), crossings: [] } as Model,
          real: { cache: new CacheCore() },
        });
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: 1_000 },
    );
  });
});
