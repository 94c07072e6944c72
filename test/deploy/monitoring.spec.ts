import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { parsePromQL, registeredSeriesNames } from './promql';

const MONITORING = join(__dirname, '../../deploy/monitoring');
const K8S = join(__dirname, '../../deploy/k8s');
const DASHBOARD = join(MONITORING, 'grafana/realtime-worker.json');

/** The signals README "Operations" tells operators to watch: the dashboard and the rules must cover each. */
const README_SIGNALS = [
  'worker_listener_up',
  'worker_collector_last_success_timestamp_seconds',
  'worker_ws_connection_up',
  'worker_execution_queue_oldest_age_seconds',
  'worker_pending_crossings',
  'worker_pending_crossing_oldest_age_seconds',
  'worker_crossings_deferred_total',
  'worker_executions_total',
  'worker_cache_repairs_total',
  'worker_documents_rejected_total',
  'worker_frames_rejected_total',
  'worker_symbols_unavailable',
  'worker_ws_reconnects_total',
];

interface Target {
  refId?: unknown;
  expr?: unknown;
}
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid?: unknown;
  title?: unknown;
  schemaVersion?: unknown;
  panels?: Panel[];
  templating?: { list?: Array<{ name?: unknown; type?: unknown }> };
}
interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}
interface PrometheusRule {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  spec?: { groups?: Array<{ name?: unknown; rules?: Rule[] }> };
}

const PANEL_TYPES = new Set(['timeseries', 'stat', 'gauge', 'table', 'bargauge']);
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

function oneLine(expr: unknown): string {
  return String(expr).replace(/\s+/g, ' ').trim();
}

/** The keys of every `annotations` map anywhere in a manifest (the object's own and its pod template's). */
function annotationKeys(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'annotations' && typeof child === 'object' && child !== null
      ? Object.keys(child)
      : annotationKeys(child),
  );
}

function readYaml<T>(file: string): T {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  expect(docs).toHaveLength(1);
  expect(docs[0].errors).toEqual([]);
  return docs[0].toJS() as T;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const dataPanels = (dashboard.panels ?? []).filter((panel) => panel.type !== 'row');
const panelExpressions = dataPanels.flatMap((panel) =>
  (panel.targets ?? []).map(
    (target) => [String(panel.title), oneLine(target.expr), String(target.expr)] as const,
  ),
);
const prometheusRule = readYaml<PrometheusRule>(join(MONITORING, 'prometheus-rule.yaml'));
const rules = (prometheusRule.spec?.groups ?? []).flatMap((group) => group.rules ?? []);
const ruleExpressions = rules.map(
  (rule) => [String(rule.alert), oneLine(rule.expr), String(rule.expr)] as const,
);

describe('PromQL checking (so that the checks below can fail)', () => {
  it('finds a syntax error', () => {
    expect(parsePromQL('sum by (market) (rate(worker_ws_reconnects_total[5m])').errors).not.toEqual([]);
    expect(parsePromQL('worker_pending_crossings >').errors).not.toEqual([]);
    expect(parsePromQL('rat(worker_ws_reconnects_total[5m])').errors).not.toEqual([]);
  });

  it('names the metrics an expression selects, and only those', () => {
    expect(
      parsePromQL(
        'sum by (pod) (rate(worker_ws_reconnects_total{market="spot"}[$__rate_interval])) / time()',
      ),
    ).toEqual({ errors: [], metrics: ['worker_ws_reconnects_total'] });
  });

  it('knows the registered names, histogram series included, and not invented ones', async () => {
    const names = await registeredSeriesNames();
    expect(names.has('worker_pending_crossings')).toBe(true);
    expect(names.has('worker_transaction_seconds_bucket')).toBe(true);
    expect(names.has('worker_pending_crossings_total')).toBe(false);
    expect(names.has('worker_ready')).toBe(false);
  });
});

describe('Grafana dashboard', () => {
  it('has the shape Grafana imports: uid, title, schema version, a Prometheus datasource variable', () => {
    expect(dashboard.uid).toBe('realtime-worker');
    expect(typeof dashboard.title).toBe('string');
    expect(typeof dashboard.schemaVersion).toBe('number');
    expect(dashboard.templating?.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    expect(dataPanels.length).toBeGreaterThan(0);
  });

  it('gives every panel a known type, a title, a place on the 24-column grid and at least one target', () => {
    const ids = (dashboard.panels ?? []).map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dataPanels) {
      expect(PANEL_TYPES.has(String(panel.type))).toBe(true);
      expect(typeof panel.title).toBe('string');
      const { x, y, w, h } = panel.gridPos!;
      expect([x, y, w, h].every(Number.isInteger)).toBe(true);
      expect(x + w).toBeLessThanOrEqual(24);
      expect(h).toBeGreaterThan(0);
      expect(panel.targets?.length).toBeGreaterThan(0);
      const refIds = panel.targets!.map((target) => target.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it('places no two panels on the same cells', () => {
    const cells = new Set<string>();
    for (const { gridPos } of dashboard.panels ?? []) {
      for (let x = gridPos!.x; x < gridPos!.x + gridPos!.w; x += 1) {
        for (let y = gridPos!.y; y < gridPos!.y + gridPos!.h; y += 1) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it.each(panelExpressions)(
    '%s: %s parses and selects only registered metrics',
    async (_title, _line, expr) => {
      const { errors, metrics } = parsePromQL(expr);
      expect(errors).toEqual([]);
      expect(metrics.length).toBeGreaterThan(0);
      const names = await registeredSeriesNames();
      expect(metrics.filter((metric) => !names.has(metric))).toEqual([]);
    },
  );

  it('shows every signal README names', () => {
    const shown = new Set(panelExpressions.flatMap(([, , expr]) => parsePromQL(expr).metrics));
    expect(README_SIGNALS.filter((signal) => !shown.has(signal))).toEqual([]);
  });
});

describe('PrometheusRule', () => {
  it('is a PrometheusRule with named groups of rules', () => {
    expect(prometheusRule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(prometheusRule.kind).toBe('PrometheusRule');
    expect(prometheusRule.metadata?.name).toBe('realtime-worker');
    for (const group of prometheusRule.spec?.groups ?? []) {
      expect(typeof group.name).toBe('string');
      expect(group.rules?.length).toBeGreaterThan(0);
    }
    expect(rules.length).toBeGreaterThan(0);
  });

  it('gives every alert a unique name, a severity, a duration where it waits, a summary and a description', () => {
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(String(rule.alert)).toMatch(/^RealtimeWorker[A-Za-z]+$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      if (rule.for !== undefined) expect(rule.for).toEqual(expect.stringMatching(DURATION));
      expect(typeof rule.annotations?.summary).toBe('string');
      expect(typeof rule.annotations?.description).toBe('string');
    }
  });

  it.each(ruleExpressions)(
    '%s: %s parses and selects only registered metrics',
    async (_alert, _line, expr) => {
      const { errors, metrics } = parsePromQL(expr);
      expect(errors).toEqual([]);
      expect(metrics.length).toBeGreaterThan(0);
      const names = await registeredSeriesNames();
      expect(metrics.filter((metric) => !names.has(metric))).toEqual([]);
    },
  );

  it('alerts on every signal README names', () => {
    const alerted = new Set(ruleExpressions.flatMap(([, , expr]) => parsePromQL(expr).metrics));
    expect(README_SIGNALS.filter((signal) => !alerted.has(signal))).toEqual([]);
  });
});

describe('One scrape path', () => {
  const podMonitor = readYaml<{
    apiVersion: string;
    kind: string;
    spec: {
      selector: { matchLabels: Record<string, string> };
      podMetricsEndpoints: Array<Record<string, string>>;
    };
  }>(join(MONITORING, 'pod-monitor.yaml'));
  const deployment = readYaml<{
    spec: {
      template: {
        metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
        spec: { containers: Array<{ ports: Array<{ name: string }> }> };
      };
    };
  }>(join(K8S, 'deployment.yaml'));

  it('scrapes the worker pods through the PodMonitor, on the container port that serves /metrics', () => {
    expect(podMonitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(podMonitor.kind).toBe('PodMonitor');
    expect(deployment.spec.template.metadata.labels).toMatchObject(podMonitor.spec.selector.matchLabels);
    expect(podMonitor.spec.podMetricsEndpoints).toHaveLength(1);
    const [endpoint] = podMonitor.spec.podMetricsEndpoints;
    expect(endpoint.path).toBe('/metrics');
    expect(deployment.spec.template.spec.containers[0].ports.map((port) => port.name)).toContain(
      endpoint.port,
    );
  });

  it('has no prometheus.io annotations on any object or pod template, which would be a second path', () => {
    for (const dir of [K8S, MONITORING]) {
      for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
        const keys = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).flatMap((doc) =>
          annotationKeys(doc.toJS()),
        );
        expect(
          keys.filter((key) => key.startsWith('prometheus.io/')).map((key) => `${file}: ${key}`),
        ).toEqual([]);
      }
    }
    expect(
      annotationKeys({
        spec: { template: { metadata: { annotations: { 'prometheus.io/scrape': 'true' } } } },
      }),
    ).toEqual(['prometheus.io/scrape']);
  });

  it('lists every monitoring manifest and the dashboard in its kustomization', () => {
    const kustomization = parse(readFileSync(join(MONITORING, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
      configMapGenerator: Array<{ files: string[] }>;
    };
    const manifests = readdirSync(MONITORING).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );
    expect(new Set(kustomization.resources)).toEqual(new Set(manifests));
    expect(kustomization.configMapGenerator.flatMap(({ files }) => files)).toEqual([
      'grafana/realtime-worker.json',
    ]);
  });
});
