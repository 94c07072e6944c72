import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { MARKET_TYPES, type PriceStream } from '../domain/market';
import type { FeedGateway } from '../market-feed/feed-gateway';
import { FUTURES_FEED, INSTRUMENT_FEED, SPOT_FEED } from '../market-feed/market-feed.constants';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { type Clock, systemClock } from '../timing/clock';
import { CLOCK } from '../timing/timing.module';
import { CacheCore } from './cache-core';
import { SymbolCache } from './symbol-cache';

/**
 * Keeps each market feed subscribed to exactly the symbols the cache has something to watch for, and the
 * cached_* gauges current. Cache changes are coalesced to one sync per event-loop turn, so a burst of
 * listener changes (a flash crash closing thousands of positions) costs one recomputation, not thousands.
 */
@Injectable()
export class WatchedSymbolsService implements OnModuleInit, OnModuleDestroy {
  /** A sync is due on the next turn (many book changes in one turn make one sync). */
  private scheduled = false;
  private stopped = false;
  private stopWatching: (() => void) | undefined;
  private stopWaitingForLoad: (() => void) | undefined;

  constructor(
    private readonly books: CacheCore,
    private readonly cache: SymbolCache,
    private readonly metrics: WorkerMetrics,
    @Inject(SPOT_FEED) private readonly spot: FeedGateway,
    @Inject(FUTURES_FEED) private readonly futures: FeedGateway,
    /** Futures mark and index prices, for the symbols whose documents watch one of them. */
    @Inject(INSTRUMENT_FEED) private readonly instrument: FeedGateway,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  onModuleInit(): void {
    this.stopWatching = this.books.onChange(() => this.schedule());
    this.stopWaitingForLoad = this.cache.onLoaded(() => this.schedule());
  }

  onModuleDestroy(): void {
    this.stopWatching?.();
    this.stopWaitingForLoad?.();
    this.stopped = true;
  }

  /**
   * Pushes the full desired sets now; updateDesired() is idempotent, so calling it often is cheap. Nothing
   * is subscribed before the books were first filled whole: a symbol subscribed while its documents are
   * still arriving would start its trades (and its recovery since the restart watermark, or since a
   * trailing stop's update) before documents that arrive later, which would then miss them.
   */
  sync(): void {
    this.scheduled = false;
    const loaded = this.cache.hasLoaded();
    for (const market of MARKET_TYPES) {
      if (loaded) {
        const gateway = market === 'spot' ? this.spot : this.futures;
        const symbols = this.books.watchedSymbols(market);
        this.recoverTrailingPeaks(gateway, market, symbols);
        gateway.updateDesired(symbols);
      }
      const counts = this.cache.countsByMarket(market);
      this.metrics.cachedPositions.set({ market }, counts.positions);
      this.metrics.cachedTriggers.set({ market }, counts.triggers);
      this.metrics.cachedSymbols.set({ market }, counts.symbols);
    }
    if (loaded) {
      const symbols = this.books.watchedSymbols('mark', 'index');
      // Of the instrument prices only the index has a history to rebuild a trailing peak from.
      this.recoverTrailingPeaks(this.instrument, 'index', symbols);
      this.instrument.updateDesired(symbols);
    }
  }

  /**
   * A symbol about to be subscribed whose trailing stops no price has reached yet (at a start, all of them)
   * recovers its trades from the oldest one's update time, so their peaks are rebuilt before live prices.
   */
  private recoverTrailingPeaks(gateway: FeedGateway, stream: PriceStream, symbols: readonly string[]): void {
    const desired = gateway.desiredSymbols();
    for (const symbol of symbols) {
      if (desired.has(symbol)) continue;
      const since = this.books.trailingSince(stream, symbol);
      if (since !== undefined) gateway.recoverFrom(symbol, since);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.clock.defer(() => {
      if (this.scheduled && !this.stopped) this.sync();
    });
  }
}
