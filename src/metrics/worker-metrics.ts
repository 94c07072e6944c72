import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { COLLECTOR_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, METRIC } from './metrics.constants';

/**
 * The worker's Prometheus metrics, on a registry of its own (not prom-client's global one) so that several
 * app instances in one test process never collide. Labels are small fixed sets: market, kind, outcome,
 * reason, connection id — never a symbol, user or document id.
 * Gauges that mirror component state are set by the components or by a collect() callback in MetricsModule.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly ticksReceived = new Counter({
    name: METRIC.ticksReceived,
    help: 'Ticks received and parsed, by market and source (stream or REST catch-up)',
    labelNames: ['market', 'source'] as const,
    registers: [this.registry],
  });
  readonly framesRejected = new Counter({
    name: METRIC.framesRejected,
    help: 'Inbound WebSocket frames or REST tickers rejected, by market and reason',
    labelNames: ['market', 'reason'] as const,
    registers: [this.registry],
  });
  readonly tickToDecision = new Histogram({
    name: METRIC.tickToDecisionSeconds,
    help: 'Time from receiving a tick to having handed every hit it crosses to the execution queue',
    labelNames: ['market'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly cachedPositions = new Gauge({
    name: METRIC.cachedPositions,
    help: 'Open positions held in the price-indexed books',
    labelNames: ['market'] as const,
    registers: [this.registry],
  });
  readonly cachedTriggers = new Gauge({
    name: METRIC.cachedTriggers,
    help: 'Trade triggers held in the price-indexed books',
    labelNames: ['market'] as const,
    registers: [this.registry],
  });
  readonly cachedSymbols = new Gauge({
    name: METRIC.cachedSymbols,
    help: 'Symbols with at least one position or trigger to watch',
    labelNames: ['market'] as const,
    registers: [this.registry],
  });
  readonly executions = new Counter({
    name: METRIC.executions,
    help: 'Execution attempts by kind (close_position, fire_trigger) and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly transactionSeconds = new Histogram({
    name: METRIC.transactionSeconds,
    help: 'Duration of one execution transaction, by kind',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly conditionalWrites = new Counter({
    name: METRIC.conditionalWrites,
    help: 'Closes written without a read, on the version the cache knew: written, or the document had changed (then the transaction ran)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly executionQueueLength = new Gauge({
    name: METRIC.executionQueueLength,
    help: 'Hits waiting for or inside a transaction',
    registers: [this.registry],
  });
  readonly executionQueueOldestAge = new Gauge({
    name: METRIC.executionQueueOldestAgeSeconds,
    help: 'Age of the oldest hit still waiting in the execution queue',
    registers: [this.registry],
  });
  readonly pendingCrossings = new Gauge({
    name: METRIC.pendingCrossings,
    help: 'Crossings taken out of the books and not yet written or ended (their documents are still open)',
    registers: [this.registry],
  });
  readonly pendingCrossingOldestAge = new Gauge({
    name: METRIC.pendingCrossingOldestAgeSeconds,
    help: 'Seconds since the tick of the oldest pending crossing was received',
    registers: [this.registry],
  });
  readonly crossingsDeferred = new Counter({
    name: METRIC.crossingsDeferred,
    help: 'Crossings whose fast write attempts all failed; they stay pending on the long backoff',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly gapRecoveries = new Counter({
    name: METRIC.gapRecoveries,
    help: "Recoveries of the trades (or a futures contract's index prices) a symbol may have missed (after a reconnect or resubscribe), by result",
    labelNames: ['market', 'result'],
    registers: [this.registry],
  });
  readonly tradesSkipped = new Counter({
    name: METRIC.tradesSkipped,
    help: 'Trades (or futures index prices) not evaluated: stale (not after the last evaluated one) or overflow (held too many while recovering)',
    labelNames: ['market', 'reason'],
    registers: [this.registry],
  });
  readonly silentTopics = new Counter({
    name: METRIC.silentTopics,
    help: 'Topics found silent (KuCoin traded, the stream brought nothing) and resubscribed',
    labelNames: ['market'],
    registers: [this.registry],
  });
  readonly symbolsUnavailable = new Gauge({
    name: METRIC.symbolsUnavailable,
    help: 'Watched symbols KuCoin refuses or no longer lists: their positions and triggers are not protected',
    labelNames: ['market'],
    registers: [this.registry],
  });
  readonly wsConnectionUp = new Gauge({
    name: METRIC.wsConnectionState,
    help: '1 when the WebSocket connection is open and welcomed, 0 otherwise',
    labelNames: ['market', 'connection'] as const,
    registers: [this.registry],
  });
  readonly wsReconnects = new Counter({
    name: METRIC.wsReconnects,
    help: 'WebSocket reconnects, by market and cause',
    labelNames: ['market', 'cause'] as const,
    registers: [this.registry],
  });
  readonly wsLastMessageAge = new Gauge({
    name: METRIC.wsLastMessageAgeSeconds,
    help: 'Seconds since the connection last received any message',
    labelNames: ['market', 'connection'] as const,
    registers: [this.registry],
  });
  readonly wsSubscribedTopics = new Gauge({
    name: METRIC.wsSubscribedTopics,
    help: 'Symbols subscribed (acknowledged) on the connection',
    labelNames: ['market', 'connection'] as const,
    registers: [this.registry],
  });
  readonly restCatchUps = new Counter({
    name: METRIC.restCatchUps,
    help: 'REST ticker catch-ups after a (re)subscribe, by market and result',
    labelNames: ['market', 'result'] as const,
    registers: [this.registry],
  });
  readonly kucoinRateLimited = new Counter({
    name: METRIC.kucoinRateLimited,
    help: 'KuCoin refusals for rate (REST 429, refused connections), by market and source; each pauses every KuCoin call of the process',
    labelNames: ['market', 'source'] as const,
    registers: [this.registry],
  });
  readonly contractRefreshes = new Counter({
    name: METRIC.contractRefreshes,
    help: "Reads of the futures contracts' margins (GET /api/v1/contracts/active), by result: success, failure",
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly collectorDuration = new Histogram({
    name: METRIC.collectorDurationSeconds,
    help: 'Duration of one full collection (collectAllSymbols)',
    buckets: COLLECTOR_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly collectorLastSuccess = new Gauge({
    name: METRIC.collectorLastSuccessSeconds,
    help: 'Unix time of the last successful collection',
    registers: [this.registry],
  });
  readonly collectorRuns = new Counter({
    name: METRIC.collectorRuns,
    help: 'Collector runs by result: success, failure, skipped_overlap, not_due (listen mode, listeners live, no reconciliation due: a probe runs instead), probe_failure',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly documentsRejected = new Counter({
    name: METRIC.documentsRejected,
    help: 'Firestore documents rejected by the domain parser, by collection and reason',
    labelNames: ['collection', 'reason'] as const,
    registers: [this.registry],
  });
  readonly documentsRead = new Counter({
    name: METRIC.documentsRead,
    help: 'Firestore documents read by the cache, by source (collector or listener)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly cacheRepairs = new Counter({
    name: METRIC.cacheRepairs,
    help: 'Book entries the reconciliation collector had to add, remove or update (drift)',
    labelNames: ['collection', 'action'] as const,
    registers: [this.registry],
  });
  readonly listenerUp = new Gauge({
    name: METRIC.listenerUp,
    help: '1 when the Firestore listener for the collection is live',
    labelNames: ['collection'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
