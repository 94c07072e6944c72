import type { MetricValue } from 'prom-client';

/** What the worker's own counters say, read from its metrics registry as /metrics would serve them. */
export interface MetricTotals {
  /** worker_ticks_received_total, all markets and sources. */
  readonly ticksReceived: number;
  /** worker_executions_total by outcome (executed, already_handled, failed_…), summed over kinds. */
  readonly executions: Readonly<Record<string, number>>;
}

export function sumCounter(values: readonly MetricValue<string>[]): number {
  return values.reduce((sum, value) => sum + value.value, 0);
}

export function sumByLabel(values: readonly MetricValue<string>[], label: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const { labels, value } of values) {
    const key = String(labels[label] ?? 'unknown');
    sums[key] = (sums[key] ?? 0) + value;
  }
  return sums;
}
