import type { MarketType } from '../domain/market';
import { HISTORY_WEIGHT, historyUrl, parseHistory } from './kucoin/kucoin-history';
import { type FetchLike, callJson, rateLimitPauseMs } from './kucoin/kucoin-rest';
import type { RateLimitPenalty } from './kucoin/rate-limit-penalty';
import type { RestBudget } from './kucoin/rate-limiters';
import type { Clock, TimerHandle } from '../timing/clock';
import { isAfter } from '../domain/gap-plan';
import {
  ALL_TICKERS_WEIGHT,
  type WatchedTopic,
  allTickersUrl,
  judgeTopics,
  missed,
  parseAllTickers,
} from './topic-audit';

/**
 * Spot symbols whose history is checked per audit, at most: suspicious ones first, then the others in turn
 * (only a checked spot symbol is vouched for, so the watermark waits for its turn).
 */
const MAX_HISTORY_CHECKS = 10;

export interface TopicAuditorOptions {
  readonly market: MarketType;
  readonly apiUrl: string;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly bucket: RestBudget;
  /** The process's penalty box: no audit call while it runs, and a 429 here starts one. */
  readonly penalty: RateLimitPenalty;
  /** How often the exchange's view is compared with the stream's; 0 turns the audit off. */
  readonly intervalMs: number;
  /** A trade the stream has not brought after this long counts as missed. */
  readonly graceMs: number;
  /** The symbols streaming now, with what the stream brought of each. */
  readonly topics: () => WatchedTopic[];
  /** Silent topics: `repeated` were silent at the previous audit too. */
  readonly onSilent: (silent: string[], repeated: string[]) => void;
  /** KuCoin showed no trade of these symbols after their last evaluated ones, as of `time` (local ms). */
  readonly onCaughtUp: (symbols: string[], time: number) => void;
  /** Symbols the exchange does not list, and those it lists again. */
  readonly onListing: (unlisted: string[], listed: string[]) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * The I/O around judgeTopics: every interval, one all-tickers call per market (futures show each symbol's
 * last trade; spot only its last price, so a spot symbol whose price moved without a trade reaching us
 * is checked against its trade history), within the shared REST budget.
 */
export class TopicAuditor {
  private timer: TimerHandle | undefined;
  private running = false;
  private lastSilent = new Set<string>();
  /** Round-robin position over the spot symbols the price alone cannot vouch for. */
  private turn = 0;

  constructor(private readonly o: TopicAuditorOptions) {}

  start(): void {
    if (this.o.intervalMs <= 0 || this.timer !== undefined) return;
    this.timer = this.o.clock.setInterval(() => void this.audit(), this.o.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) this.o.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  async audit(): Promise<void> {
    const { market, clock, bucket, penalty } = this.o;
    const topics = this.o.topics();
    if (this.running || topics.length === 0) return;
    if (penalty.takeRest(bucket, clock.now(), ALL_TICKERS_WEIGHT[market]) > 0) return;
    this.running = true;
    const askedAt = clock.now();
    try {
      const view = parseAllTickers(
        market,
        await callJson(this.o.fetch, 'GET', allTickersUrl(market, this.o.apiUrl)),
      );
      if (view.size === 0) return; // an empty answer says nothing about any symbol
      const now = clock.now();
      const verdicts = judgeTopics(topics, view, now, this.o.graceMs);
      const checks = this.historyChecks(verdicts.suspicious, verdicts.unproven);
      const checked = await this.check(topics, checks);
      const silent = [...verdicts.silent, ...checked.silent];
      const unlisted = new Set(verdicts.unlisted);
      this.o.onListing(
        verdicts.unlisted,
        topics.map((t) => t.symbol).filter((s) => !unlisted.has(s)),
      );
      // Vouched: futures the view cleared, spot whose history did. Up to when the question was asked, less
      // the grace a trade may take to be pushed.
      const unsure = new Set([...silent, ...verdicts.suspicious, ...verdicts.unproven, ...verdicts.unlisted]);
      const caughtUp = topics.map((t) => t.symbol).filter((symbol) => !unsure.has(symbol));
      this.o.onCaughtUp([...caughtUp, ...checked.clear], askedAt - this.o.graceMs);
      const repeated = silent.filter((symbol) => this.lastSilent.has(symbol));
      this.lastSilent = new Set(silent);
      if (silent.length > 0) this.o.onSilent(silent, repeated);
    } catch (error) {
      const pauseMs = rateLimitPauseMs(error);
      if (pauseMs !== undefined) penalty.restRefused(clock.now(), market, 'audit', pauseMs);
      this.o.onError?.(error);
    } finally {
      this.running = false;
    }
  }

  /** Suspicious spot symbols first, then unproven ones in turn, within MAX_HISTORY_CHECKS. */
  private historyChecks(suspicious: readonly string[], unproven: readonly string[]): string[] {
    const room = Math.max(0, MAX_HISTORY_CHECKS - suspicious.length);
    const start = unproven.length === 0 ? 0 : this.turn % unproven.length;
    const inTurn = [...unproven.slice(start), ...unproven.slice(0, start)].slice(0, room);
    this.turn = start + inTurn.length;
    return [...suspicious.slice(0, MAX_HISTORY_CHECKS), ...inTurn];
  }

  /** Spot: a missed trade shows in the trade history as one after the last evaluated; none clears the symbol. */
  private async check(
    topics: readonly WatchedTopic[],
    symbols: readonly string[],
  ): Promise<{ silent: string[]; clear: string[] }> {
    const { market, clock, bucket, fetch, penalty } = this.o;
    const result = { silent: [] as string[], clear: [] as string[] };
    for (const symbol of symbols) {
      if (penalty.takeRest(bucket, clock.now(), HISTORY_WEIGHT[market]) > 0) break;
      const history = parseHistory(market, await callJson(fetch, 'GET', historyUrl(this.o, symbol)));
      const newest = history.reduce<(typeof history)[number] | undefined>(
        (a, b) => (a === undefined || b.time > a.time ? b : a),
        undefined,
      );
      const topic = topics.find((t) => t.symbol === symbol);
      if (topic === undefined) continue;
      if (newest !== undefined && missed(topic, newest, clock.now(), this.o.graceMs))
        result.silent.push(symbol);
      else if (newest === undefined || !isAfter(newest, topic.mark ?? { time: topic.subscribedAt }))
        result.clear.push(symbol);
    }
    return result;
  }
}
