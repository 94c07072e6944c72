import { isActionablePrice } from '../../../src/domain/crossing';
import { OPEN_POSITIONS, parseUserDocumentPath } from '../../../src/domain/document-paths';
import { type MarketType, type Tick, isMarketType } from '../../../src/domain/market';
import type { Side } from '../../../src/domain/position';
import {
  NOT_ACTIVATED,
  type TrailingSpec,
  type TrailingState,
  type TrailingStop,
  afterPrice,
  firingLevel,
  parseTrailingStop,
  trailingLevel,
} from '../../../src/domain/trailing-stop';
import type { ExecutionEvent } from '../display/display.types';
import type { SeedDocument } from '../seed-plan';

/**
 * - `waiting`: not activated yet (an activation price the prices have not reached, or no price yet).
 * - `following`: activated; the level follows the best price since.
 * - `crossed`: a price crossed the level in the demo's view; the worker's write has not been seen yet.
 * - `closed`: the worker wrote the position `closing` (read back from Firestore).
 */
export type TrailingPhase = 'waiting' | 'following' | 'crossed' | 'closed';

/** One trailing stop as the display shows it. */
export interface TrailingView {
  readonly path: string;
  readonly uid: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly side: Side;
  readonly stop: TrailingStop;
  readonly phase: TrailingPhase;
  /** The best price since activation; null while waiting. */
  readonly best: number | null;
  /** The level in force: trailingLevel of the best; null while waiting. */
  readonly level: number | null;
  /** The last price of the stream applied; undefined before the first. */
  readonly last?: number;
  /** Exchange time of the first price applied and of the activating one, ms. */
  readonly firstPriceAt?: number;
  readonly activatedAt?: number;
  /** What the demo saw cross the level: the level before the price, the price and its exchange time. */
  readonly crossing?: { readonly level: number; readonly price: number; readonly time: number };
  /** What the worker wrote: its closeReason, closeTriggerPrice, closePrice and closeTickTime. */
  readonly closed?: {
    readonly reason: string;
    readonly level: number;
    readonly fill: number;
    readonly tickTime: number;
  };
}

interface Followed {
  readonly path: string;
  readonly uid: string;
  readonly symbol: string;
  readonly marketType: MarketType;
  readonly spec: TrailingSpec;
  state: TrailingState;
  last?: number;
  firstPriceAt?: number;
  activatedAt?: number;
  crossing?: TrailingView['crossing'];
  closed?: TrailingView['closed'];
}

/**
 * The demo's own view of the seeded trailing stops: it folds the same trade stream the worker evaluates
 * (the feed gateways' ticks, in their order) with trailing-stop.ts's functions, so the display can show a
 * stop's best price and level as they follow the market. The worker keeps its state in its books and does
 * not publish it: this is a replay beside it, not a read of it, and the fire the display reports is the
 * worker's own write. It applies prices as the worker's book does: every live price, and a recovered
 * (backfill) one only from the document's update time on; a candle open, adverse extreme, favourable
 * extreme, close.
 */
export class TrailingWatch {
  private readonly followed: Followed[];

  /**
   * `startsAt`: the seed's update time (exchange ms, with its microseconds as a fraction), from which a
   * recovered price applies; undefined: every price applies.
   */
  constructor(
    positions: readonly SeedDocument[],
    private readonly startsAt?: number,
  ) {
    this.followed = positions.flatMap((doc): Followed[] => {
      const location = parseUserDocumentPath(doc.path, OPEN_POSITIONS);
      const { symbol, marketType, side } = doc.data;
      const parsed = parseTrailingStop(doc.data);
      if (!location || !parsed.ok || parsed.value === null) return [];
      if (typeof symbol !== 'string' || !isMarketType(marketType) || (side !== 'long' && side !== 'short'))
        return [];
      const spec: TrailingSpec = { side, stop: parsed.value };
      return [{ path: doc.path, uid: location.uid, symbol, marketType, spec, state: NOT_ACTIVATED }];
    });
  }

  get size(): number {
    return this.followed.length;
  }

  /** One tick of a feed gateway's stream; mark and index prices are not the position's own price. */
  onTick(tick: Tick): void {
    if (tick.priceType !== undefined) return;
    if (tick.source === 'backfill' && this.startsAt !== undefined && tick.exchangeTime < this.startsAt)
      return;
    for (const item of this.followed) {
      if (item.symbol !== tick.symbol || item.marketType !== tick.marketType) continue;
      if (item.crossing !== undefined || item.closed !== undefined) continue;
      item.firstPriceAt ??= tick.exchangeTime;
      const { candle } = tick;
      if (candle === undefined) this.apply(item, tick.price, tick.price, tick.exchangeTime);
      else {
        const { open, high, low } = candle;
        const path = item.spec.side === 'long' ? [low, high, tick.price] : [high, low, tick.price];
        if (this.apply(item, open, open, tick.exchangeTime)) continue;
        for (const price of path) if (this.apply(item, price, undefined, tick.exchangeTime)) break;
      }
    }
  }

  /** A position the worker wrote `closing`, read back from Firestore. */
  onExecution(event: ExecutionEvent): void {
    if (event.kind !== 'position' || event.path === undefined) return;
    const item = this.followed.find((candidate) => candidate.path === event.path);
    if (item === undefined || item.closed !== undefined) return;
    item.closed = { reason: event.reason, level: event.level, fill: event.fill, tickTime: event.tickTime };
  }

  views(): TrailingView[] {
    return this.followed.map((item) => {
      const {
        path,
        uid,
        symbol,
        marketType,
        spec,
        state,
        last,
        firstPriceAt,
        activatedAt,
        crossing,
        closed,
      } = item;
      const phase: TrailingPhase =
        closed !== undefined
          ? 'closed'
          : crossing !== undefined
            ? 'crossed'
            : state.best === null
              ? 'waiting'
              : 'following';
      const level = state.best === null ? null : trailingLevel(spec.side, spec.stop.distance, state.best);
      return {
        path,
        uid,
        symbol,
        marketType,
        side: spec.side,
        stop: spec.stop,
        phase,
        best: state.best,
        level,
        ...(last === undefined ? {} : { last }),
        ...(firstPriceAt === undefined ? {} : { firstPriceAt }),
        ...(activatedAt === undefined ? {} : { activatedAt }),
        ...(crossing === undefined ? {} : { crossing }),
        ...(closed === undefined ? {} : { closed }),
      };
    });
  }

  /**
   * One price, judged on the level before it (firingLevel), else folded in (afterPrice); true if it
   * crossed. `fill`: what the crossing fills at (a candle's open, or undefined for the level inside it).
   */
  private apply(item: Followed, price: number, fill: number | undefined, time: number): boolean {
    if (!isActionablePrice(price)) return false;
    item.last = price;
    const level = firingLevel(item.spec, item.state, price);
    if (level !== null) {
      item.crossing = { level, price: fill ?? level, time };
      return true;
    }
    const wasWaiting = item.state.best === null;
    item.state = afterPrice(item.spec, item.state, price);
    if (wasWaiting && item.state.best !== null) item.activatedAt = time;
    return false;
  }
}
