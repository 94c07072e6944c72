import type { MarketType } from '../domain/market';
import type { UnavailableSymbol } from './feed-gateway';

/** Reason given by the topic audit: not in the exchange's list of symbols. */
export const UNLISTED = 'unlisted';

/**
 * Symbols KuCoin refuses or no longer lists (unknown symbol, 404 topic, delisted pair, expired contract).
 * The users watching them are not protected, so operators must see it: a gauge, readiness details, and a
 * log line once per change (not per audit).
 */
export class UnavailableSymbols {
  private readonly reasons = new Map<string, string>();

  constructor(
    private readonly market: MarketType,
    private readonly logger: { warn(message: string): void; log(message: string): void },
    private readonly onCount: (count: number) => void,
  ) {}

  /** `unavailable` get `reason`; `available` ones (listed again) are cleared if that was their reason. */
  update(unavailable: readonly string[], available: readonly string[], reason: string): void {
    let changed = false;
    for (const symbol of unavailable) {
      if (this.reasons.get(symbol) === reason) continue;
      this.reasons.set(symbol, reason);
      this.logger.warn(
        `${this.market} symbol ${symbol} is unavailable (${reason}): what watches it is not protected`,
      );
      changed = true;
    }
    for (const symbol of available)
      if (this.reasons.get(symbol) === reason) changed = this.clear(symbol) || changed;
    if (changed) this.onCount(this.reasons.size);
  }

  /**
   * KuCoin acknowledged these symbols' subscribes: no longer refused or unanswered. An ack does not show
   * a symbol is listed (KuCoin acks unknown symbols too), so `unlisted` stays until the audit or a trade.
   */
  accepted(symbols: readonly string[]): void {
    if (this.reasons.size === 0) return;
    let changed = false;
    for (const symbol of symbols) {
      const reason = this.reasons.get(symbol);
      if (reason !== undefined && reason !== UNLISTED) changed = this.clear(symbol) || changed;
    }
    if (changed) this.onCount(this.reasons.size);
  }

  /** A trade arrived: whatever was said of the symbol, it streams. */
  heardFrom(symbol: string): void {
    if (this.reasons.size > 0 && this.clear(symbol)) this.onCount(this.reasons.size);
  }

  list(): UnavailableSymbol[] {
    return [...this.reasons].map(([symbol, reason]) => ({ symbol, reason }));
  }

  private clear(symbol: string): boolean {
    if (!this.reasons.delete(symbol)) return false;
    this.logger.log(`${this.market} symbol ${symbol} is available again`);
    return true;
  }
}
