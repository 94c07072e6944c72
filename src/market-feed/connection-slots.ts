import type { FeedLogger } from './kucoin/connection-events';
import type { WebSocketManager } from './kucoin/websocket-manager';

/** One connection and the symbols placed on it. */
export interface ConnectionSlot {
  readonly manager: WebSocketManager;
  readonly symbols: Set<string>;
  /** The configured limit, or less once the server refused topics with 509. */
  capacity: number;
}

/**
 * Where each of a market's symbols streams: connections opened as the desired symbols need them, each
 * symbol kept on the connection it was first given to, so a change in the desired set only subscribes or
 * unsubscribes the difference; emptied trailing connections are closed. The one place that opens and
 * stops the market's connections.
 */
export class ConnectionSlots {
  private readonly slots: ConnectionSlot[] = [];
  private readonly assignment = new Map<string, ConnectionSlot>();

  constructor(
    /** Topics one connection may hold at most. */
    private readonly maxTopics: number,
    /** Opens a new connection (idle until it is given symbols). */
    private readonly open: () => WebSocketManager,
    /** A connection was stopped for good. */
    private readonly closed: (manager: WebSocketManager) => void,
    private readonly logger: FeedLogger,
  ) {}

  get all(): readonly ConnectionSlot[] {
    return this.slots;
  }

  slotOf(symbol: string): ConnectionSlot | undefined {
    return this.assignment.get(symbol);
  }

  /** Places exactly `desired`: new symbols first fit, gone ones removed, emptied trailing connections closed. */
  update(desired: ReadonlySet<string>): void {
    for (const [symbol, slot] of this.assignment) {
      if (desired.has(symbol)) continue;
      this.assignment.delete(symbol);
      slot.symbols.delete(symbol);
    }
    const unplaced: string[] = [];
    for (const symbol of desired) if (!this.assignment.has(symbol)) unplaced.push(symbol);
    this.place(unplaced);
    while (this.slots.length > 1 && this.slots[this.slots.length - 1].symbols.size === 0) {
      const { manager } = this.slots.pop()!;
      manager.stop();
      this.closed(manager);
    }
    this.push();
  }

  /**
   * A connection was refused symbols with 509: KuCoin's real per-connection limit is lower than configured
   * (the docs say 300 or 400). Remember the lower capacity for it and move those symbols elsewhere.
   */
  relocate(connection: string, refused: readonly string[]): void {
    const from = this.slots.find((slot) => slot.manager.id === connection);
    if (from === undefined) return;
    const moved = refused.filter((symbol) => this.assignment.get(symbol) === from);
    if (from.symbols.size - moved.length <= 0) {
      // The server took nothing at all: moving would only open connection after connection.
      this.logger.error(
        `${connection}: server refused every topic (509); ${moved.length} symbols left unsubscribed`,
      );
      return;
    }
    for (const symbol of moved) {
      from.symbols.delete(symbol);
      this.assignment.delete(symbol);
    }
    from.capacity = Math.max(1, from.symbols.size);
    this.place(moved);
    this.push();
  }

  /** Symbols on connections that are up: the only ones whose silence means anything. */
  streamingSymbols(): string[] {
    return this.slots.flatMap((slot) => (slot.manager.state === 'connected' ? [...slot.symbols] : []));
  }

  stopAll(): void {
    for (const slot of this.slots) slot.manager.stop();
  }

  /** First fit over the connections' capacities, opening connections as needed. */
  private place(symbols: readonly string[]): void {
    let index = 0;
    for (const symbol of symbols) {
      while (index < this.slots.length && this.slots[index].symbols.size >= this.slots[index].capacity)
        index++;
      if (index === this.slots.length)
        this.slots.push({ manager: this.open(), symbols: new Set(), capacity: this.maxTopics });
      this.slots[index].symbols.add(symbol);
      this.assignment.set(symbol, this.slots[index]);
    }
  }

  private push(): void {
    for (const slot of this.slots) slot.manager.updateDesired(slot.symbols);
  }
}
