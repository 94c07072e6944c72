import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { executionConfig } from '../../src/config';

const DIR = join(__dirname, '../../deploy/k8s');
const PORT = 3000;

type Manifest = { apiVersion: string; kind: string; metadata?: { name?: string } } & Record<string, unknown>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
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

interface Kustomization {
  resources: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
}

describe('Kubernetes manifests', () => {
  const manifests = loadManifests();
  const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const one = <T>(kind: string, Model: new (data: never) => T): T =>
    new Model(manifests.find(({ doc }) => doc.kind === kind)!.doc as never);
  const deployment = one('Deployment', Deployment);
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0];

  it.each(manifests.map(({ file, doc }) => [file, doc.kind, doc]))(
    '%s (%s) validates against its schema',
    (_f, _k, doc) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(doc as never).validate()).not.toThrow();
    },
  );

  it('rejects a manifest with a wrong field type, so the check above can fail', () => {
    const raw = manifests.find(({ doc }) => doc.kind === 'Deployment')!.doc;
    const broken = { ...raw, spec: { ...(raw.spec as object), replicas: 'two' } };
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('lists every manifest in the kustomization', () => {
    expect(new Set(kustomization.resources)).toEqual(new Set(manifests.map(({ file }) => file)));
  });

  it('starts on a probe that asks only about the process, and gates readiness on /health/ready', () => {
    expect(container.startupProbe?.httpGet?.path).toBe('/health/live');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(container.resources?.requests).toBeDefined();
    expect(container.resources?.limits).toBeDefined();
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });

  it("tells the worker the pod's termination grace, and the ConfigMap's shutdown settings pass validation", () => {
    const data = one('ConfigMap', ConfigMap).data ?? {};
    expect(Number(data.TERMINATION_GRACE_MS)).toBe(pod.terminationGracePeriodSeconds! * 1_000);
    const saved = { ...process.env };
    try {
      Object.assign(process.env, data);
      expect(executionConfig()).toMatchObject({
        shutdownGraceMs: Number(data.SHUTDOWN_GRACE_MS),
        terminationGraceMs: Number(data.TERMINATION_GRACE_MS),
      });
    } finally {
      process.env = saved;
    }
  });

  it('runs its image by digest only: no tag in the Deployment, a sha256 digest from the kustomization', () => {
    for (const { image } of [...pod.containers, ...(pod.initContainers ?? [])]) {
      expect(image).toBeDefined();
      expect(image).not.toMatch(/:[^/]*$/);
      const override = kustomization.images?.find(({ name }) => name === image);
      expect(override?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(override?.newTag).toBeUndefined();
    }
  });

  it('mounts no service account token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(one('ServiceAccount', ServiceAccount).automountServiceAccountToken).toBe(false);
  });

  it("shares KuCoin's per-IP budgets among every pod a rollout can run at once", () => {
    const env = deployment.spec!.template.spec!.containers[0].env ?? [];
    const share = env.find(({ name }) => name === 'KUCOIN_REPLICAS_PER_IP')?.value;
    const surge = deployment.spec!.strategy?.rollingUpdate?.maxSurge;
    expect(typeof surge).toBe('number');
    expect(Number(share)).toBe(deployment.spec!.replicas! + (surge as number));
  });

  it('spreads the replicas over nodes and zones', () => {
    const spread = pod.topologySpreadConstraints ?? [];
    const byKey = new Map(spread.map((constraint) => [constraint.topologyKey, constraint]));
    expect(byKey.get('kubernetes.io/hostname')?.whenUnsatisfiable).toBe('DoNotSchedule');
    expect(byKey.get('topology.kubernetes.io/zone')).toBeDefined();
    for (const constraint of spread) {
      expect(deployment.spec!.template.metadata?.labels).toMatchObject(
        constraint.labelSelector!.matchLabels!,
      );
    }
  });

  describe('NetworkPolicy', () => {
    const policy = one('NetworkPolicy', NetworkPolicy).spec!;

    it('selects the worker pods and isolates them both ways', () => {
      expect(deployment.spec!.template.metadata?.labels).toMatchObject(policy.podSelector.matchLabels!);
      expect(new Set(policy.policyTypes)).toEqual(new Set(['Ingress', 'Egress']));
    });

    it('admits only the scrape, from selected pods, on the metrics port (the kubelet is never blocked)', () => {
      expect(policy.ingress).toHaveLength(1);
      const [rule] = policy.ingress!;
      expect(rule.ports).toEqual([{ protocol: 'TCP', port: PORT }]);
      expect(rule.from?.length).toBeGreaterThan(0);
      for (const peer of rule.from!) {
        expect(peer.podSelector?.matchLabels).toBeDefined();
        expect(peer.ipBlock).toBeUndefined();
      }
      expect(container.ports?.map(({ containerPort }) => containerPort)).toEqual([PORT]);
    });

    it('lets out only DNS, the metadata server and HTTPS to public addresses', () => {
      const allowed = new Set([
        'UDP/53',
        'TCP/53',
        'TCP/443',
        'TCP/80@169.254.169.254/32',
        'TCP/988@169.254.169.252/32',
      ]);
      for (const rule of policy.egress!) {
        expect(rule.ports?.length).toBeGreaterThan(0);
        const peers = rule.to ?? [];
        for (const port of rule.ports!) {
          const name = `${port.protocol}/${port.port}`;
          if (port.port === 53) {
            expect(allowed.has(name)).toBe(true);
          } else if (port.port === 443) {
            for (const peer of peers) {
              expect(peer.ipBlock?.except?.length).toBeGreaterThan(0);
            }
            expect(peers.length).toBeGreaterThan(0);
          } else {
            expect(peers).toHaveLength(1);
            expect(allowed.has(`${name}@${peers[0].ipBlock?.cidr}`)).toBe(true);
          }
        }
      }
      const privateRanges = policy
        .egress!.flatMap((rule) => rule.to ?? [])
        .flatMap((peer) => peer.ipBlock?.except ?? []);
      expect(privateRanges).toEqual(
        expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
      );
    });
  });
});
