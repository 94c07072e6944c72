import {
  type Located,
  type PositionEntry,
  type TriggerEntry,
  positionCrossing,
  triggerCrossed,
} from '../../src/domain/crossing';
import type { Tick } from '../../src/domain/market';

/** What a decision is reported as: (tick index, entry id, reason), packed into one exact number. */
export type DecisionSink = (tickIndex: number, path: string, stopLoss: boolean) => void;

/**
 * The seed's design, faithfully: per symbol, an array of every cached position and trigger; each tick loops
 * over all of the symbol's entries and checks each condition with the same rule the project uses. A crossed
 * entry is taken out of its array (swap-remove), as the worker checks it out while it executes.
 */
export class SeedScan {
  private readonly positions = new Map<string, PositionEntry[]>();
  private readonly triggers = new Map<string, TriggerEntry[]>();
  private removed: { symbol: string; position?: PositionEntry; trigger?: TriggerEntry }[] = [];

  constructor(positions: readonly Located<PositionEntry>[], triggers: readonly Located<TriggerEntry>[]) {
    for (const { symbol, entry } of positions) push(this.positions, symbol, entry);
    for (const { symbol, entry } of triggers) push(this.triggers, symbol, entry);
  }

  process(tick: Tick, tickIndex: number, decide: DecisionSink): void {
    const price = tick.price;
    const positions = this.positions.get(tick.symbol);
    if (positions !== undefined) {
      for (let i = 0; i < positions.length; i++) {
        const entry = positions[i];
        const crossing = positionCrossing(entry.side, entry.stopLoss, entry.takeProfit, price);
        if (crossing === null) continue;
        decide(tickIndex, entry.path, crossing.reason === 'stop_loss');
        this.removed.push({ symbol: tick.symbol, position: entry });
        positions[i--] = positions[positions.length - 1];
        positions.pop();
      }
    }
    const triggers = this.triggers.get(tick.symbol);
    if (triggers !== undefined) {
      for (let i = 0; i < triggers.length; i++) {
        const entry = triggers[i];
        if (!triggerCrossed(entry.condition, entry.targetPrice, price)) continue;
        decide(tickIndex, entry.path, true);
        this.removed.push({ symbol: tick.symbol, trigger: entry });
        triggers[i--] = triggers[triggers.length - 1];
        triggers.pop();
      }
    }
  }

  /** Puts every removed entry back (between timed passes, so each pass starts from the same state). */
  reset(): void {
    for (const { symbol, position, trigger } of this.removed) {
      if (position) push(this.positions, symbol, position);
      if (trigger) push(this.triggers, symbol, trigger);
    }
    this.removed = [];
  }
}

function push<E>(map: Map<string, E[]>, key: string, entry: E): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}
