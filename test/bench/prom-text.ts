/** The figures the million bench reads from the worker's /metrics (Prometheus text format). */
export interface MetricsSample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** prom-client's event-loop delay maximum since the previous scrape (it resets its histogram on each). */
  readonly lagMaxSeconds: number;
  /** worker_documents_read_total by source (listener, collector, probe, ...). */
  readonly documentsRead: Readonly<Record<string, number>>;
  /** worker_collector_runs_total by result (success, failure, not_due, skipped_overlap, ...). */
  readonly collectorRuns: Readonly<Record<string, number>>;
  readonly collectorSecondsSum: number;
  readonly cachedPositions: number;
  readonly cachedTriggers: number;
}

interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SERIES = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function parse(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    const match = line.startsWith('#') ? null : SERIES.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value;
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return series;
}

export function parseMetrics(text: string): MetricsSample {
  const series = parse(text);
  const sum = (name: string): number =>
    series.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);
  const by = (name: string, label: string): Record<string, number> => {
    const totals: Record<string, number> = {};
    for (const s of series.filter((s) => s.name === name))
      totals[s.labels[label]] = (totals[s.labels[label]] ?? 0) + s.value;
    return totals;
  };
  return {
    rssBytes: sum('process_resident_memory_bytes'),
    heapUsedBytes: sum('nodejs_heap_size_used_bytes'),
    heapTotalBytes: sum('nodejs_heap_size_total_bytes'),
    lagMaxSeconds: sum('nodejs_eventloop_lag_max_seconds'),
    documentsRead: by('worker_documents_read_total', 'source'),
    collectorRuns: by('worker_collector_runs_total', 'result'),
    collectorSecondsSum: sum('worker_collector_duration_seconds_sum'),
    cachedPositions: sum('worker_cached_positions'),
    cachedTriggers: sum('worker_cached_triggers'),
  };
}
