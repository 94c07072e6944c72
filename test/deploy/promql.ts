import { parser } from '@prometheus-io/lezer-promql';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';

/** Grafana's built-in interval variables, replaced by a duration so the expression parses as PromQL. */
const GRAFANA_INTERVALS = /\$__(rate_interval|interval|range)\b/g;

export interface ParsedExpression {
  /** Each syntax error as the text around it; empty when the expression parses. */
  readonly errors: string[];
  /** Metric names the expression selects. */
  readonly metrics: string[];
}

/**
 * Parses PromQL with the grammar Prometheus' own web UI uses (@prometheus-io/lezer-promql). Lezer recovers
 * from errors instead of throwing, so a syntax error is an error node somewhere in the tree.
 */
export function parsePromQL(expression: string): ParsedExpression {
  const text = expression.replace(GRAFANA_INTERVALS, '5m');
  const errors: string[] = [];
  const metrics: string[] = [];
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`at ${node.from}: "${text.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        metrics.push(text.slice(node.from, node.to));
      }
    },
  });
  return { errors, metrics };
}

const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

/** Every series name the worker's registry exposes (src/metrics/, default process metrics included). */
export async function registeredSeriesNames(): Promise<Set<string>> {
  const metrics = await new WorkerMetrics().registry.getMetricsAsJSON();
  return new Set(
    metrics.flatMap(({ name, type }) =>
      String(type) === 'histogram' ? HISTOGRAM_SERIES.map((suffix) => name + suffix) : [name],
    ),
  );
}
