import { type TradeMark, isAfter } from '../domain/gap-plan';
import type { Tick } from '../domain/market';
import { type TradeCadence, isUnusualPause, newCadence, observeGap } from '../domain/trade-cadence';

interface SymbolState {
  /** The last trade evaluated; undefined until the first one (or a restart watermark). */
  sequence: string | undefined;
  time: number;
  /** Price of the last trade evaluated (NaN before one). */
  price: number;
  /**
   * KuCoin's own view (the topic audit) showed no trade after the last one evaluated up to this time, so
   * the symbol counts as evaluated through it. A recovery or a silent verdict takes it back to `time`.
   */
  vouched: number;
  known: boolean;
  /** While a gap is being recovered, live trades wait here so the gap is evaluated first. */
  held: Tick[] | undefined;
  /** Spacing of the trades evaluated in this process, to notice a topic that stalled and resumed. */
  readonly cadence: TradeCadence;
  /** Its trades are held because of an unusual pause (counted against MAX_PAUSE_CHECKS). */
  pauseCheck: boolean;
}

/**
 * Symbols held at once for an unusual pause. A pause across the whole market (the exchange itself paused)
 * would otherwise hold every busy symbol behind a REST budget that recovers a few hundred symbols per 30 s:
 * beyond this many, a pause is evaluated through without a check (and counted).
 */
export const MAX_PAUSE_CHECKS = 16;

/**
 * What became of a live trade. `paused`: it came after an unusually long pause (see trade-cadence), so it
 * is held and the gap before it must be recovered (the caller starts the recovery). `unchecked`: the same,
 * but MAX_PAUSE_CHECKS symbols were held already: it was evaluated without looking into the pause.
 */
/** What a sequencer orders: see the constructor. */
export type SequencedKind = 'trades' | 'snapshots';

export type SequencerVerdict = 'emitted' | 'held' | 'paused' | 'unchecked' | 'stale' | 'overflow';

/**
 * One market's trades in order, per symbol. A trade is evaluated only if it comes after the last one
 * evaluated (REST answers race the stream, and a reconnect may replay); while a symbol's gap is being
 * recovered, its live trades are held and evaluated right after the recovered ones, so the gap's trades
 * are never shadowed by newer live ones. Pure: the gateway feeds it and passes `emit` on to the books.
 */
export class TradeSequencer {
  private readonly symbols = new Map<string, SymbolState>();
  /** The restart watermark: symbols not seen in this process count as evaluated through it. */
  private watermark: number | undefined;
  private pauseChecks = 0;

  constructor(
    private readonly emit: (tick: Tick) => void,
    /** Live trades held per symbol during a recovery; beyond it the recovery is abandoned. */
    private readonly maxHeld: number,
    /**
     * `trades` (sequenced by the exchange; an unusually long pause is looked into) or `snapshots` (the
     * index prices, sequenced by their time: another price at the time last evaluated is a later push,
     * not a repeat, and a pause is left to the connection's watchdog).
     */
    private readonly kind: SequencedKind = 'trades',
  ) {}

  /** A live trade (a tick with a sequence); ticks without one pass straight through. */
  onStream(tick: Tick): SequencerVerdict {
    if (tick.sequence === undefined) {
      this.emit(tick);
      return 'emitted';
    }
    const state = this.state(tick.symbol);
    if (state.held !== undefined) {
      if (state.held.length >= this.maxHeld) {
        this.release(state);
        return this.onStream(tick) === 'emitted' ? 'overflow' : 'stale';
      }
      state.held.push(tick);
      return 'held';
    }
    if (
      this.kind === 'trades' &&
      state.sequence !== undefined &&
      isUnusualPause(state.cadence, tick.exchangeTime - state.time)
    ) {
      if (!isAfter({ sequence: tick.sequence, time: tick.exchangeTime }, state)) return 'stale';
      if (this.pauseChecks >= MAX_PAUSE_CHECKS) return this.pass(state, tick) ? 'unchecked' : 'stale';
      this.pauseChecks++;
      state.pauseCheck = true;
      state.held = [tick];
      state.vouched = state.time;
      return 'paused';
    }
    return this.pass(state, tick) ? 'emitted' : 'stale';
  }

  mark(symbol: string): TradeMark | undefined {
    const state = this.symbols.get(symbol) ?? (this.watermark === undefined ? undefined : this.state(symbol));
    if (state === undefined || !state.known) return undefined;
    return state.sequence === undefined
      ? { time: state.time }
      : { sequence: state.sequence, time: state.time };
  }

  /**
   * A restart watermark (exchange time, ms, through which an earlier run evaluated every watched symbol):
   * every symbol not yet seen in this process is recovered from it at its first subscribe.
   */
  seedWatermark(time: number): void {
    this.watermark = time;
    for (const state of this.symbols.values()) if (!state.known) Object.assign(state, { known: true, time });
  }

  /**
   * The exchange time through which every given symbol was evaluated: per symbol its last trade evaluated
   * (or the restart watermark), moved on by what the audit vouched for, the least of them. A symbol never
   * seen and not seeded counts as `unseen` says (nothing, by default). Undefined while nothing is known.
   */
  evaluatedThrough(
    symbols: Iterable<string>,
    unseen: (symbol: string) => number | undefined = () => undefined,
  ): number | undefined {
    let through: number | undefined;
    for (const symbol of symbols) {
      const state = this.symbols.get(symbol);
      const time = state?.known
        ? state.held !== undefined
          ? state.time
          : Math.max(state.time, state.vouched)
        : (this.watermark ?? unseen(symbol));
      if (time !== undefined && (through === undefined || time < through)) through = time;
    }
    return through;
  }

  /**
   * A symbol seen for the first time (its first subscribe): it counts as evaluated up to `time`, so a topic
   * silent from the start is noticed by the audit, holds the watermark back, and recovers from there.
   */
  seedSymbol(symbol: string, time: number): void {
    const state = this.state(symbol);
    if (!state.known) Object.assign(state, { known: true, time, sequence: undefined });
  }

  /**
   * A symbol with no trade evaluated yet counts as evaluated only through `time` if that is earlier than
   * what it holds (a restart watermark): its first subscribe recovers from there.
   */
  seedEarlier(symbol: string, time: number): void {
    const state = this.state(symbol);
    if (state.sequence !== undefined || state.held !== undefined) return;
    if (!state.known || time < state.time) Object.assign(state, { known: true, time });
  }

  /** KuCoin showed no trade of this symbol after its last evaluated one, up to `time` (see SymbolState.vouched). */
  vouch(symbol: string, time: number): void {
    const state = this.symbols.get(symbol);
    if (state?.known && state.held === undefined && time > state.vouched) state.vouched = time;
  }

  /** Price of the last trade evaluated for the symbol in this process, if any. */
  lastPrice(symbol: string): number | undefined {
    const price = this.symbols.get(symbol)?.price;
    return price === undefined || price !== price ? undefined : price;
  }

  /** Symbols whose gap is being recovered. */
  recovering(): string[] {
    return [...this.symbols].filter(([, state]) => state.held !== undefined).map(([symbol]) => symbol);
  }

  /** Starts holding live trades; returns the mark to recover from, or undefined if there is nothing to. */
  beginRecovery(symbol: string): TradeMark | undefined {
    const mark = this.mark(symbol);
    if (mark !== undefined) {
      const state = this.state(symbol);
      state.held ??= [];
      state.vouched = state.time; // whatever was vouched for, a gap is being looked into now
    }
    return mark;
  }

  /**
   * Evaluates what was recovered, oldest first: candles as planned (the planner applied the ordering rule to
   * them; they do not move the mark), trades only if after the mark. Then the held live trades.
   */
  finishRecovery(symbol: string, recovered: readonly Tick[]): number {
    const state = this.state(symbol);
    let emitted = 0;
    for (const tick of recovered) {
      if (tick.candle !== undefined) {
        this.emit(tick);
        emitted++;
      } else if (this.pass(state, tick)) emitted++;
    }
    this.release(state);
    return emitted;
  }

  /** The gap could not be recovered: the held trades are evaluated and the symbol streams on. */
  abandonRecovery(symbol: string): void {
    const state = this.symbols.get(symbol);
    if (state !== undefined) this.release(state);
  }

  isRecovering(symbol: string): boolean {
    return this.symbols.get(symbol)?.held !== undefined;
  }

  private pass(state: SymbolState, tick: Tick): boolean {
    if (state.known && !isAfter({ sequence: tick.sequence, time: tick.exchangeTime }, state)) {
      const anotherPriceAtThatTime =
        this.kind === 'snapshots' && tick.sequence === state.sequence && tick.price !== state.price;
      if (!anotherPriceAtThatTime) return false;
    }
    // Only the spacing between trades (not from a watermark or a first subscribe) teaches the cadence.
    if (state.sequence !== undefined) observeGap(state.cadence, tick.exchangeTime - state.time);
    state.known = true;
    state.time = tick.exchangeTime;
    state.sequence = tick.sequence;
    state.price = tick.price;
    this.emit(tick);
    return true;
  }

  private release(state: SymbolState): void {
    const held = state.held ?? [];
    state.held = undefined;
    if (state.pauseCheck) this.pauseChecks--;
    state.pauseCheck = false;
    for (const tick of held) this.pass(state, tick);
  }

  private state(symbol: string): SymbolState {
    let state = this.symbols.get(symbol);
    if (state === undefined) {
      const watermark = this.watermark;
      state = {
        sequence: undefined,
        time: watermark ?? 0,
        price: NaN,
        vouched: 0,
        known: watermark !== undefined,
        held: undefined,
        cadence: newCadence(),
        pauseCheck: false,
      };
      this.symbols.set(symbol, state);
    }
    return state;
  }
}
