import { Logger } from '@nestjs/common';
import type { ContractMargin } from '../domain/liquidation';
import { type BackoffPolicy, backoffDelay } from '../timing/backoff';
import type { Clock, TimerHandle } from '../timing/clock';
import {
  CONTRACTS_ACTIVE_PATH,
  CONTRACTS_ACTIVE_WEIGHT,
  type ContractMarginTable,
  parseContractMargins,
  sameMargins,
} from './kucoin/contract-margins';
import { callJson, type FetchLike, KucoinRestError, rateLimitPauseMs } from './kucoin/kucoin-rest';
import type { RateLimitPenalty, RateLimitSource } from './kucoin/rate-limit-penalty';
import type { RestBudget } from './kucoin/rate-limiters';

export type ContractRefreshResult = 'success' | 'failure';

/** What readiness and the logs may show; cheap to build. */
export interface ContractMarginsStatus {
  readonly enabled: boolean;
  readonly loaded: boolean;
  readonly contracts: number;
  /** Rows of the last answer left out as malformed. */
  readonly skippedRows: number;
  /** Clock time (ms) of the last successful read, null before the first. */
  readonly lastSuccessAt: number | null;
  /** Failed reads since the last success. */
  readonly consecutiveFailures: number;
}

export interface ContractMarginsLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ContractMarginsOptions {
  /** The futures REST base (KUCOIN_FUTURES_API_URL). */
  readonly apiUrl: string;
  /** False (LIQUIDATION_ENABLED=false): nothing is ever fetched and margin() knows no contract. */
  readonly enabled: boolean;
  /** Between a successful read and the next (KUCOIN_CONTRACTS_REFRESH_MS). */
  readonly refreshMs: number;
  /** Retries after a failed read; the default doubles from 1 s up to 5 min, never beyond `refreshMs`. */
  readonly retry?: BackoffPolicy;
  /** The backoff's jitter source; tests pass a constant. */
  readonly random?: () => number;
  readonly io: {
    readonly clock: Clock;
    readonly fetch: FetchLike;
    /** The process's REST weight budget, shared with the catch-ups, gap recoveries and audits. */
    readonly restBudget: RestBudget;
    /** The process's penalty box after a 429. */
    readonly ratePenalty: RateLimitPenalty;
  };
  /** The `source` label a 429 here is counted under. */
  readonly rateLimitSource: RateLimitSource;
  readonly onRefresh?: (result: ContractRefreshResult) => void;
  readonly logger?: ContractMarginsLogger;
}

const DEFAULT_RETRY: BackoffPolicy = { baseMs: 1_000, maxMs: 300_000, jitter: 'half' };

/**
 * Every futures contract's maintenance margin rate and type, which liquidation prices need: read at start
 * and every `refreshMs`, swapped in whole, kept through failed reads (a margin rate changes rarely, and a
 * stale one beats none), and retried on backoff until a read succeeds.
 */
export class ContractMarginsService {
  private table: ReadonlyMap<string, ContractMargin> = new Map();
  private hasLoaded = false;
  private readonly listeners = new Set<() => void>();
  private timer: TimerHandle | undefined;
  private running = false;
  /** Bumped by stop(): the answer to a read from before it is dropped. */
  private generation = 0;
  private failures = 0;
  private skippedRows = 0;
  private lastSuccessAt: number | null = null;
  private readonly logger: ContractMarginsLogger;

  constructor(private readonly options: ContractMarginsOptions) {
    this.logger = options.logger ?? new Logger(ContractMarginsService.name);
  }

  margin(symbol: string): ContractMargin | undefined {
    return this.table.get(symbol);
  }

  /** True once a read has succeeded; stays true through later failed ones. */
  loaded(): boolean {
    return this.hasLoaded;
  }

  /** `listener` runs after a read that changed any contract (the first read included); returns its removal. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  status(): ContractMarginsStatus {
    return {
      enabled: this.options.enabled,
      loaded: this.hasLoaded,
      contracts: this.table.size,
      skippedRows: this.skippedRows,
      lastSuccessAt: this.lastSuccessAt,
      consecutiveFailures: this.failures,
    };
  }

  /** Reads at once, then on the schedule; does nothing when disabled or already started. */
  start(): void {
    if (!this.options.enabled || this.running) return;
    this.running = true;
    this.attempt();
  }

  /** Leaves no timer; a read still on the wire is ignored when it answers. */
  stop(): void {
    this.running = false;
    this.generation++;
    this.options.io.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Reads when the penalty box and the REST budget allow it, otherwise comes back when they will (gap
   * recovery's spend() does the same): after a 429 nobody in the process asks KuCoin before its reset.
   */
  private attempt(): void {
    const { clock, restBudget, ratePenalty } = this.options.io;
    const now = clock.now();
    const paused = ratePenalty.restWaitMs(now);
    if (paused > 0) return this.schedule(paused);
    if (!restBudget.tryTake(now, CONTRACTS_ACTIVE_WEIGHT))
      return this.schedule(Math.max(1, restBudget.waitMs(now, CONTRACTS_ACTIVE_WEIGHT)));
    const generation = this.generation;
    this.read(generation).catch((error: unknown) =>
      this.logger.error(`contract margins: refresh crashed: ${(error as Error).message}`),
    );
  }

  private async read(generation: number): Promise<void> {
    let table: ContractMarginTable;
    try {
      table = await this.fetchTable();
    } catch (error) {
      if (generation === this.generation) this.failed(error);
      return;
    }
    if (generation === this.generation) this.succeeded(table);
  }

  private async fetchTable(): Promise<ContractMarginTable> {
    const url = `${this.options.apiUrl}${CONTRACTS_ACTIVE_PATH}`;
    const table = parseContractMargins(await callJson(this.options.io.fetch, 'GET', url));
    // KuCoin always lists contracts: an answer with none usable is a fault, not a reason to forget them all.
    if (table === undefined || table.margins.size === 0)
      throw new KucoinRestError(`GET ${url} returned no usable contract`, 200, true);
    return table;
  }

  private succeeded(table: ContractMarginTable): void {
    const changed = !this.hasLoaded || !sameMargins(this.table, table.margins);
    this.table = table.margins; // one assignment: a reader never sees half a table
    this.hasLoaded = true;
    if (this.failures > 0) this.logger.log(`contract margins read again after ${this.failures} failures`);
    if (table.skipped > 0 && table.skipped !== this.skippedRows)
      this.logger.warn(`contract margins: ${table.skipped} malformed contract rows left out`);
    this.failures = 0;
    this.skippedRows = table.skipped;
    this.lastSuccessAt = this.options.io.clock.now();
    this.options.onRefresh?.('success');
    this.schedule(this.options.refreshMs);
    if (changed) this.notify();
  }

  private failed(error: unknown): void {
    const { clock, ratePenalty } = this.options.io;
    const pauseMs = rateLimitPauseMs(error);
    // KuCoin refused the IP: every caller of the process waits, this one included (attempt() checks).
    if (pauseMs !== undefined)
      ratePenalty.restRefused(clock.now(), 'futures', this.options.rateLimitSource, pauseMs);
    this.failures++;
    this.options.onRefresh?.('failure');
    const delay = pauseMs ?? backoffDelay(this.retryPolicy(), this.failures - 1, this.options.random);
    const kept = this.hasLoaded ? `keeping the last ${this.table.size} contracts` : 'no contracts yet';
    this.logger.warn(
      `contract margins: read failed (${(error as Error).message}); ${kept}, retrying in ${Math.ceil(delay / 1_000)} s`,
    );
    this.schedule(delay);
  }

  /** A failed read is retried no later than the next regular read would have come. */
  private retryPolicy(): BackoffPolicy {
    const policy = this.options.retry ?? DEFAULT_RETRY;
    return { ...policy, maxMs: Math.min(policy.maxMs, this.options.refreshMs) };
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.options.io.clock.clearTimeout(this.timer);
    this.timer = this.options.io.clock.setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, ms);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.logger.error(`contract margins: a change listener threw: ${(error as Error).message}`);
      }
    }
  }
}
