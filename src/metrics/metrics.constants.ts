/** Every metric name in one place so dashboards and alerts have one file to read. */
export const METRIC = {
  ticksReceived: 'worker_ticks_received_total',
  framesRejected: 'worker_frames_rejected_total',
  tickToDecisionSeconds: 'worker_tick_to_decision_seconds',
  cachedPositions: 'worker_cached_positions',
  cachedTriggers: 'worker_cached_triggers',
  cachedSymbols: 'worker_cached_symbols',
  executions: 'worker_executions_total',
  transactionSeconds: 'worker_transaction_seconds',
  conditionalWrites: 'worker_conditional_writes_total',
  executionQueueLength: 'worker_execution_queue_length',
  executionQueueOldestAgeSeconds: 'worker_execution_queue_oldest_age_seconds',
  pendingCrossings: 'worker_pending_crossings',
  pendingCrossingOldestAgeSeconds: 'worker_pending_crossing_oldest_age_seconds',
  crossingsDeferred: 'worker_crossings_deferred_total',
  gapRecoveries: 'worker_gap_recoveries_total',
  tradesSkipped: 'worker_trades_skipped_total',
  silentTopics: 'worker_silent_topics_total',
  symbolsUnavailable: 'worker_symbols_unavailable',
  wsConnectionState: 'worker_ws_connection_up',
  wsReconnects: 'worker_ws_reconnects_total',
  wsLastMessageAgeSeconds: 'worker_ws_last_message_age_seconds',
  wsSubscribedTopics: 'worker_ws_subscribed_topics',
  restCatchUps: 'worker_rest_catch_up_total',
  kucoinRateLimited: 'worker_kucoin_rate_limited_total',
  contractRefreshes: 'worker_contract_refreshes_total',
  collectorDurationSeconds: 'worker_collector_duration_seconds',
  collectorLastSuccessSeconds: 'worker_collector_last_success_timestamp_seconds',
  collectorRuns: 'worker_collector_runs_total',
  documentsRejected: 'worker_documents_rejected_total',
  documentsRead: 'worker_documents_read_total',
  cacheRepairs: 'worker_cache_repairs_total',
  listenerUp: 'worker_listener_up',
} as const;

/** Sub-millisecond to seconds: the tick path lives in microseconds, transactions in milliseconds. */
export const LATENCY_BUCKETS_SECONDS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
  0.5, 1, 2.5, 5, 10,
];
export const COLLECTOR_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
