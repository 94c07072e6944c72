import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { Timestamp, getFirestore } from 'firebase-admin/firestore';
import { positionPath, triggerPath } from '../../src/domain/document-paths';
import { rng, sampler, zipfWeights } from './workload';

/** A spread like a real book of users: most symbols quiet, a few majors holding most positions. */
export const SPOT_SYMBOLS = 120;
export const FUTURES_SYMBOLS = 80;
export const USERS = 10_000;
/** Writes per batch (Firestore's limit) and batches in flight at once while seeding. */
const BATCH = 500;
const IN_FLIGHT = 12;

export interface Market {
  readonly spot: ReadonlyMap<string, number>;
  readonly futures: ReadonlyMap<string, number>;
}

export interface MarketSymbol {
  readonly symbol: string;
  readonly marketType: 'spot' | 'futures';
  readonly price: number;
}

/** 200 symbols (spot `S<i>-USDT`, futures `F<i>USDTM`) at prices from 0.01 to 100,000, in Zipf order of use. */
export function makeMarket(seed = 7): { market: Market; symbols: MarketSymbol[] } {
  const random = rng(seed);
  const symbols: MarketSymbol[] = [];
  for (let i = 0; i < SPOT_SYMBOLS + FUTURES_SYMBOLS; i++) {
    const price = Number((10 ** (random() * 7 - 2)).toPrecision(5));
    const spot = i % 5 < 3;
    const symbol = spot ? `S${i}-USDT` : `F${i}USDTM`;
    symbols.push({ symbol, marketType: spot ? 'spot' : 'futures', price });
  }
  const of = (type: string): Map<string, number> =>
    new Map(symbols.filter((s) => s.marketType === type).map((s) => [s.symbol, s.price]));
  return { market: { spot: of('spot'), futures: of('futures') }, symbols };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like Firestore's auto-ids (and Firebase Auth uids): fixed length, 62 letters. */
function autoId(random: () => number, length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return id;
}

/** Levels far from the price (20-70 %), so the random walk of an hour-long run all but never crosses one. */
const away = (random: () => number): number => 0.2 + 0.5 * random();
const round = (value: number): number => Number(value.toPrecision(6));

/**
 * Yields `count` documents of one collection, deterministic by seed: positions as the web app writes
 * them (open, stop-loss on 90 %, take-profit on 80 %), or trade triggers with their order fields.
 */
export function* seedDocuments(
  kind: 'position' | 'trigger',
  count: number,
  seed: number,
): Generator<[string, object]> {
  const random = rng(seed);
  const { symbols } = makeMarket();
  const pick = sampler(zipfWeights(symbols.length), random);
  const uids = Array.from({ length: USERS }, () => autoId(random, 28));
  const at = Timestamp.fromMillis(1_760_000_000_000);
  for (let i = 0; i < count; i++) {
    const { symbol, marketType, price } = symbols[pick()];
    const uid = uids[Math.floor(random() * USERS)];
    const long = random() < 0.6;
    const leverage = marketType === 'futures' ? 1 + Math.floor(random() * 20) : 1;
    const below = round(price * (1 - away(random)));
    const above = round(price * (1 + away(random)));
    const size = round(random() * 10 + 0.001);
    if (kind === 'position') {
      const stopLoss = random() < 0.9 ? (long ? below : above) : null;
      const takeProfit = random() < 0.8 ? (long ? above : below) : null;
      const doc = { symbol, marketType, side: long ? 'long' : 'short', size, entryPrice: price, leverage };
      const data = { ...doc, stopLoss, takeProfit, status: 'open', openedAt: at };
      yield [positionPath(uid, autoId(random, 20)), data];
    } else {
      const condition = random() < 0.5 ? 'above' : 'below';
      const targetPrice = condition === 'above' ? above : below;
      const data = {
        symbol,
        marketType,
        condition,
        targetPrice,
        side: long ? 'long' : 'short',
        size,
        leverage,
      };
      const stops = {
        stopLoss: long ? round(targetPrice * 0.9) : round(targetPrice * 1.1),
        takeProfit: null,
      };
      yield [triggerPath(uid, autoId(random, 20)), { ...data, ...stops, createdAt: at }];
    }
  }
}

/**
 * Writes the positions and triggers into `projectId` on the emulator at `hostPort`, in batches of 500 with
 * several in flight, from a firebase-admin client of its own that is closed afterwards (so the bench
 * process holds none of it while the worker is measured). Returns the seconds it took.
 */
export async function seedMillion(options: {
  readonly hostPort: string;
  readonly projectId: string;
  readonly positions: number;
  readonly triggers: number;
}): Promise<number> {
  const started = performance.now();
  const previous = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = options.hostPort; // read once, when the client is created
  const app: App = initializeApp({ projectId: options.projectId }, `million-${options.projectId}`);
  const db = getFirestore(app);
  process.env.FIRESTORE_EMULATOR_HOST = previous;
  try {
    const source = (function* (): Generator<[string, object]> {
      yield* seedDocuments('position', options.positions, 11);
      yield* seedDocuments('trigger', options.triggers, 13);
    })();
    const writer = async (): Promise<void> => {
      for (;;) {
        const batch = db.batch();
        let size = 0;
        for (; size < BATCH; size++) {
          const next = source.next();
          if (next.done) break;
          batch.set(db.doc(next.value[0]), next.value[1]);
        }
        if (size === 0) return;
        await batch.commit();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
  } finally {
    await deleteApp(app);
  }
  return (performance.now() - started) / 1_000;
}
