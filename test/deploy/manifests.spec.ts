import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

const DIR = join(__dirname, '../../deploy/k8s');

type Manifest = { apiVersion: string; kind: string; metadata?: { name?: string } } & Record<string, unknown>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function loadManifests(): Array<{ file: string; doc: Manifest }> {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
        return { file, doc: doc.toJS() as Manifest };
      }),
    );
}

describe('Kubernetes manifests', () => {
  const manifests = loadManifests();

  it.each(manifests.map(({ file, doc }) => [file, doc.kind, doc]))(
    '%s (%s) validates against its schema',
    (_f, _k, doc) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(doc as never).validate()).not.toThrow();
    },
  );

  it('rejects a manifest with a wrong field type, so the check above can fail', () => {
    const deployment = manifests.find(({ doc }) => doc.kind === 'Deployment')!.doc;
    const broken = { ...deployment, spec: { ...(deployment.spec as object), replicas: 'two' } };
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('lists every manifest in the kustomization', () => {
    const kustomization = parseAllDocuments(
      readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'),
    )[0].toJS() as {
      resources: string[];
    };
    expect(new Set(kustomization.resources)).toEqual(new Set(manifests.map(({ file }) => file)));
  });

  it('probes the health endpoints the worker serves and scrapes /metrics', () => {
    const deployment = new Deployment(manifests.find(({ doc }) => doc.kind === 'Deployment')!.doc);
    const container = deployment.spec!.template.spec!.containers[0];
    expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(container.startupProbe?.httpGet?.path).toBe('/health/ready');
    expect(container.resources?.requests).toBeDefined();
    expect(container.resources?.limits).toBeDefined();
    expect(deployment.spec!.template.metadata?.annotations?.['prometheus.io/path']).toBe('/metrics');
    expect(deployment.spec!.template.spec!.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });
});
