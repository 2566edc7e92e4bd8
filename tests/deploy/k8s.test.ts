import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateK8s } from '../../k8s/generate.js';
import { validateObject } from '../../k8s/schemas.js';
import { natsPasswordSecret, natsUsers, passwordVariable } from '../../shared/events/nats-users.js';
import { readStack } from '../../shared/stack.js';
import { root } from './support.js';

/**
 * k8s/ (issue 25): the committed manifests are the generator's output (stack.yml stays the one source),
 * every object validates statically (no cluster is reachable here), and the facts that make erpbi run:
 * a Deployment per function, the projector alone with its volume, stack.yml's memory limits, every
 * Secret referenced made, compose's hardening, NetworkPolicies that select real pods.
 */

const generated = generateK8s();
const stack = readStack(join(root, 'stack.yml'));
const functions = stack.filter((f) => f.deployedAs === 'function');
const memoryOf = Object.fromEntries(stack.map((f) => [f.name, f.memory]));

const docsOf = (rel: string): any[] =>
  parseAllDocuments(readFileSync(join(root, rel), 'utf8'))
    .map((d) => d.toJS())
    .filter(Boolean);
const manifests = Object.keys(generated).filter((rel) => /\.ya?ml$/.test(rel) && !rel.endsWith('kustomization.yaml') && rel !== 'k8s/nats/values.yaml');
const road = (dir: string): any[] => {
  const k = docsOf(`k8s/${dir}/kustomization.yaml`)[0];
  return k.resources.flatMap((r: string) => (r.startsWith('../') ? road(join(dir, r)) : docsOf(`k8s/${join(dir, r)}`)));
};
const plain = road('plain');
const openfaas = road('openfaas');
const cnpg = road('postgres/cnpg');
const natsValues = docsOf('k8s/nats/values.yaml')[0];
const secretTemplates = docsOf('k8s/secrets/secrets.template.yml');

const podTemplates = (objs: any[]) =>
  objs
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((o) => ({ o, spec: o.spec.template.spec, labels: o.spec.template.metadata.labels }));

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    return statSync(join(root, rel)).isDirectory() ? filesUnder(rel) : [rel];
  });
}

describe('k8s/: generated from stack.yml, compose/ and nats-users.ts', () => {
  it('each committed file is what `npm run gen:k8s` writes now', () => {
    for (const [rel, content] of Object.entries(generated)) expect(readFileSync(join(root, rel), 'utf8'), `${rel}: run npm run gen:k8s`).toBe(content);
  });
  it('nothing else under k8s/ but the generator, its parts and the README', () => {
    const ours = filesUnder('k8s').filter((rel) => !/^k8s\/(gen\/[a-z-]+\.ts|generate\.ts|schemas\.ts|README\.md)$/.test(rel));
    expect(ours.sort()).toEqual(Object.keys(generated).sort());
  });
  it('every kustomization lists files that exist, and each road lists every manifest of its folder', () => {
    for (const rel of Object.keys(generated).filter((r) => r.endsWith('kustomization.yaml'))) {
      const dir = rel.replace(/\/kustomization\.yaml$/, '');
      const resources: string[] = docsOf(rel)[0].resources;
      for (const r of resources) expect(() => statSync(join(root, dir, r)), `${rel}: ${r}`).not.toThrow();
      const local = readdirSync(join(root, dir)).filter((f) => f.endsWith('.yml'));
      expect(resources.filter((r) => !r.startsWith('../')).sort()).toEqual(local.sort());
    }
  });
});

/** kubectl, where the machine has one (none is installed by .ci/run): `kubectl kustomize` needs no cluster. */
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('k8s/: every object validates statically', () => {
  it.skipIf(!kubectl).each(['plain', 'openfaas', 'postgres/cnpg'])('kubectl kustomize k8s/%s builds every object of the road', (dir) => {
    const run = spawnSync('kubectl', ['kustomize', join(root, 'k8s', dir)], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const built = parseAllDocuments(run.stdout).map((d) => d.toJS());
    expect(built.length).toBe(road(dir).length);
  });
  it.each(manifests)('%s', (rel) => {
    const docs = docsOf(rel);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) validateObject(doc);
  });
  it('the validators refuse what a cluster would refuse', () => {
    const deployment = plain.find((o) => o.kind === 'Deployment');
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect(() => validateObject(broken)).toThrow(/Deployment/);
    const fn = structuredClone(openfaas.find((o) => o.kind === 'Function'));
    fn.spec.limit = fn.spec.limits; // a misspelt field
    expect(() => validateObject(fn)).toThrow();
    const cluster = structuredClone(cnpg.find((o) => o.kind === 'Cluster'));
    cluster.spec.instances = 'three';
    expect(() => validateObject(cluster)).toThrow(/instances must be integer/); // the CRD's schema
    const pruned = structuredClone(cnpg.find((o) => o.kind === 'Cluster'));
    pruned.spec.managed.roles[0].loginn = true; // the CRD admits it (the API server would drop it): ours refuses
    expect(() => validateObject(pruned)).toThrow(/loginn/);
    expect(() => validateObject({ apiVersion: 'v9', kind: 'Thing', metadata: { name: 'x' } })).toThrow(/no schema/);
  });
});

describe('k8s/plain: the licence-free road', () => {
  const deployments = plain.filter((o) => o.kind === 'Deployment');
  it('one Deployment per stack.yml function, with a Service and an HPA each; the projector is none of them', () => {
    const names = functions.map((f) => f.name).sort();
    const fnDeployments = deployments.filter((d) => d.spec.template.metadata.labels['erpbi.dev/role'] === 'function');
    expect(fnDeployments.map((d) => d.metadata.name).sort()).toEqual(names);
    expect(
      plain
        .filter((o) => o.kind === 'HorizontalPodAutoscaler')
        .map((h) => h.spec.scaleTargetRef.name)
        .sort(),
    ).toEqual(names);
    for (const n of names)
      expect(
        plain.some((o) => o.kind === 'Service' && o.metadata.name === n && o.spec.ports[0].port === 8080),
        n,
      ).toBe(true);
    expect(deployments.map((d) => d.metadata.name)).not.toContain('project-to-olap');
  });
  it('the connector: one replica, never two during a rollout', () => {
    const c = deployments.find((d) => d.metadata.name === 'connector');
    expect(c.spec.replicas).toBe(1);
    expect(c.spec.strategy.type).toBe('Recreate');
  });
  it('functions: probes on GET /_/health at the watchdog port, 8080', () => {
    for (const { o, spec } of podTemplates(deployments).filter((p) => p.labels['erpbi.dev/role'] === 'function')) {
      const c = spec.containers[0];
      const port = c.ports.find((p: any) => p.name === c.readinessProbe.httpGet.port);
      expect(port?.containerPort, o.metadata.name).toBe(8080);
      expect(c.readinessProbe.httpGet.path).toBe('/_/health');
      expect(c.livenessProbe.httpGet).toEqual(c.readinessProbe.httpGet);
    }
  });
});

describe('k8s/: both roads', () => {
  it('the projector: a StatefulSet of exactly one with its PVC mounted, no HPA, the same in both roads', () => {
    for (const objs of [plain, openfaas]) {
      const sets = objs.filter((o) => o.kind === 'StatefulSet');
      expect(sets.map((s) => s.metadata.name)).toEqual(['project-to-olap']);
      const s = sets[0];
      expect(s.spec.replicas).toBe(1);
      const claim = s.spec.volumeClaimTemplates[0].metadata.name;
      expect(s.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.name)).toContain(claim);
      expect(objs.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === 'project-to-olap')).toBe(false);
    }
  });
  it("each function's and the projector's memory limit is stack.yml's", () => {
    for (const { o, spec } of podTemplates(plain)) {
      const want = memoryOf[o.metadata.name];
      if (want !== undefined) expect(spec.containers[0].resources.limits.memory, o.metadata.name).toBe(want);
    }
    for (const f of openfaas.filter((o) => o.kind === 'Function')) expect(f.spec.limits.memory, f.metadata.name).toBe(memoryOf[f.metadata.name]);
    expect(podTemplates(plain).filter((p) => memoryOf[p.o.metadata.name] !== undefined)).toHaveLength(stack.length);
  });
  it('OpenFaaS: one Function per stack.yml function, with its secrets and environment', () => {
    const fns = openfaas.filter((o) => o.kind === 'Function');
    expect(fns.map((f) => f.spec.name).sort()).toEqual(functions.map((f) => f.name).sort());
    for (const f of fns) expect(f.spec.environment.NATS_USER).toBe(functions.find((s) => s.name === f.spec.name)!.natsUser);
  });
  it("compose's hardening: non-root, read-only root, no capability, no escalation, no service account token", () => {
    for (const { o, spec } of podTemplates([...plain, ...openfaas])) {
      expect(spec.automountServiceAccountToken, o.metadata.name).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext, o.metadata.name).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect(c.resources.limits.memory).toBeTruthy();
      }
    }
  });
  it('every Secret referenced is among those k8s/secrets makes, in its namespace', () => {
    const made = new Set(secretTemplates.map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
    const script = readFileSync(join(root, 'k8s/secrets/create.sh'), 'utf8');
    for (const s of secretTemplates) expect(script, s.metadata.name).toContain(s.metadata.name);
    const refs: string[] = [];
    for (const { o, spec } of podTemplates([...plain, ...openfaas])) {
      for (const v of spec.volumes ?? []) for (const src of v.projected?.sources ?? []) refs.push(`${o.metadata.namespace}/${src.secret.name}`);
    }
    for (const f of openfaas.filter((o) => o.kind === 'Function')) for (const s of f.spec.secrets ?? []) refs.push(`${f.metadata.namespace}/${s}`);
    for (const v of Object.values<any>(natsValues.container.env)) refs.push(`erpbi/${v.valueFrom.secretKeyRef.name}`);
    const cluster = cnpg.find((o) => o.kind === 'Cluster');
    refs.push(`erpbi/${cluster.spec.bootstrap.initdb.secret.name}`, ...cluster.spec.managed.roles.map((r: any) => `erpbi/${r.passwordSecret.name}`));
    expect(refs.length).toBeGreaterThan(40);
    for (const r of refs) expect(made.has(r), r).toBe(true);
  });
  it("NATS: the chart's values carry every user of nats-users.ts, each password from its Secret", () => {
    expect(natsValues.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(natsValues.config.jetstream.fileStore.pvc.enabled).toBe(true);
    expect(natsValues.config.merge.authorization.users.map((u: any) => u.user)).toEqual([...natsUsers]);
    expect(Object.values<any>(natsValues.container.env).map((e) => e.valueFrom.secretKeyRef.name)).toEqual(natsUsers.map(natsPasswordSecret));
  });
});

describe('k8s/secrets/create.sh', () => {
  /** Runs the script with a stand-in kubectl on the PATH that logs each call (no cluster here); returns the log. */
  function run(files: string[], args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'erpbi-k8s-secrets-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'secrets'));
      for (const f of files) writeFileSync(join(dir, 'secrets', f), 'x');
      writeFileSync(join(dir, 'bin', 'kubectl'), `#!/bin/sh\n[ "$1" = apply ] || echo "$*" >> "${dir}/log"\n`, { mode: 0o755 });
      const r = spawnSync('sh', [join(root, 'k8s/secrets/create.sh'), join(dir, 'secrets'), ...args], {
        env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}` },
        encoding: 'utf8',
      });
      return { status: r.status, stderr: r.stderr, log: existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const all = [...new Set(secretTemplates.map((s) => s.metadata.name)), ...['owner', 'app', 'reader'].map((u) => `postgres-${u}-password`)];
  it.each([
    ['plain', [] as string[], 'erpbi'],
    ['openfaas', ['--openfaas'], 'openfaas-fn'],
  ])('the %s road: every Secret its manifests use, one key each, from the file of that name', (_road, args, fnNamespace) => {
    const r = run(all, [...args, '--cnpg']);
    expect(r.status, r.stderr).toBe(0);
    const made = new Set(
      r.log
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').slice(0, 6).join(' ')),
    );
    const refs = podTemplates(_road === 'plain' ? plain : openfaas).flatMap(({ o, spec }) =>
      (spec.volumes ?? []).flatMap((v: any) => (v.projected?.sources ?? []).map((src: any) => `${o.metadata.namespace}/${src.secret.name}`)),
    );
    for (const f of (_road === 'openfaas' ? openfaas : []).filter((o) => o.kind === 'Function'))
      refs.push(...f.spec.secrets.map((s: string) => `${fnNamespace}/${s}`));
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const [ns, name] = ref.split('/');
      expect(made.has(`-n ${ns} create secret generic ${name}`), ref).toBe(true);
      expect(r.log).toContain(`--from-file=${name}=`);
    }
    expect(r.log).toContain('create secret generic erpbi-db-app --type=kubernetes.io/basic-auth');
    // a function's own secret lives only where the road runs the functions
    expect(made.has('-n erpbi create secret generic company-profile')).toBe(_road === 'plain');
    expect(made.has('-n openfaas-fn create secret generic company-profile')).toBe(_road === 'openfaas');
  });
  it('stops at a missing file, naming it', () => {
    const r = run(
      all.filter((f) => f !== 'database-url'),
      [],
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/missing .*database-url$/m);
  });
});

describe("k8s/nats: the chart's configuration, read by a real nats-server", () => {
  /**
   * The chart writes config.merge into nats.conf as JSON with each `"<< X >>"` unquoted (nats-io/k8s,
   * helm/charts/nats: its config template); the same here, with the JetStream block the values ask for, then
   * `nats-server -t` (test the configuration and exit): the user block and the password references parse.
   */
  function checkConfig(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'erpbi-k8s-nats-'));
    try {
      const js = natsValues.config.jetstream;
      const conf = {
        port: 4222,
        http_port: natsValues.config.monitor.port,
        jetstream: { store_dir: join(dir, 'js'), max_memory_store: js.memoryStore.maxSize, max_file_store: js.fileStore.maxSize },
        ...natsValues.config.merge,
      };
      const text = JSON.stringify(conf, null, 2)
        .replace(/"<<\s+(.*?)\s+>>"/g, '$1')
        .replace(/"(\d+)([MG])i"/g, '$1$2B');
      writeFileSync(join(dir, 'nats.conf'), text);
      return spawnSync('nats-server', ['-c', join(dir, 'nats.conf'), '-t'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  it('parses with every password in the environment, as the chart sets them from the Secrets', () => {
    const env = Object.fromEntries(natsUsers.map((u) => [passwordVariable(u), `Pw${u}0123456789abcdef`]));
    const run = checkConfig(env);
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr + run.stdout).toBe(0);
  });
  it('is refused when a password is missing: the reference is real, not a literal', () => {
    const run = checkConfig({});
    expect(run.status).not.toBe(0);
    expect(run.stderr + run.stdout).toMatch(/NATS_PASSWORD_/);
  });
});

describe('k8s/: every NetworkPolicy selects pods that exist', () => {
  type Pod = { ns: string; labels: Record<string, string> };
  const matches = (sel: any, labels: Record<string, string>) =>
    Object.entries<string>(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (sel?.matchExpressions ?? []).every((e: any) =>
      e.operator === 'Exists' ? e.key in labels : e.operator === 'In' ? e.values.includes(labels[e.key]) : false,
    );
  /** Pods the roads run: ours, faas-netes's for each Function, the NATS chart's (its values' labels), CloudNativePG's. */
  const podsOf = (objs: any[]): Pod[] => [
    ...podTemplates(objs).map((p) => ({ ns: p.o.metadata.namespace, labels: p.labels })),
    ...objs.filter((o) => o.kind === 'Function').map((f) => ({ ns: f.metadata.namespace, labels: { ...f.spec.labels, faas_function: f.spec.name } })),
    { ns: 'erpbi', labels: { 'app.kubernetes.io/name': 'nats', ...natsValues.podTemplate.merge.metadata.labels } },
    ...cnpg
      .filter((o) => o.kind === 'Cluster')
      .map((c) => ({ ns: c.metadata.namespace, labels: { 'cnpg.io/cluster': c.metadata.name, ...c.spec.inheritedMetadata.labels } })),
  ];
  /** Namespaces outside erpbi's, named on purpose: OpenFaaS's gateway, the ingress controller, the CNPG operator. */
  const outside = ['openfaas', 'ingress-nginx', 'cnpg-system'];
  it.each([
    ['plain', plain],
    ['openfaas', openfaas],
  ] as const)('%s', (_road, objs) => {
    const pods = podsOf(objs);
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThan(3);
    for (const p of policies) {
      const ns = p.metadata.namespace;
      const selected = pods.filter((pod) => pod.ns === ns && matches(p.spec.podSelector, pod.labels));
      expect(selected.length, `${ns}/${p.metadata.name} selects no pod`).toBeGreaterThan(0);
      for (const rule of p.spec.ingress) {
        for (const peer of rule.from) {
          const peerNs = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? ns;
          if (outside.includes(peerNs)) {
            expect(peer.podSelector, `${p.metadata.name}: a peer outside erpbi is a whole namespace`).toBeUndefined();
            continue;
          }
          const from = pods.filter((pod) => pod.ns === peerNs && matches(peer.podSelector, pod.labels));
          expect(from.length, `${ns}/${p.metadata.name}: peer ${JSON.stringify(peer)} matches no pod`).toBeGreaterThan(0);
        }
      }
    }
  });
  it('a function is reached by the connector, and the database and NATS by every part that holds their settings', () => {
    const pods = podsOf(plain);
    const admits = (policy: string, pod: Pod) =>
      plain
        .find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === policy)
        .spec.ingress.some((r: any) => r.from.some((peer: any) => !peer.namespaceSelector && matches(peer.podSelector, pod.labels)));
    const connector = pods.find((p) => p.labels['app.kubernetes.io/name'] === 'connector')!;
    expect(admits('functions', connector)).toBe(true);
    expect(admits('project-to-olap', connector)).toBe(true);
    const query = pods.find((p) => p.labels['app.kubernetes.io/name'] === 'query')!;
    expect(admits('functions', query)).toBe(false);
    for (const f of pods.filter((p) => p.labels['erpbi.dev/role'] === 'function')) {
      expect(admits('nats', f), f.labels['app.kubernetes.io/name']).toBe(true);
      expect(admits('postgres', f), f.labels['app.kubernetes.io/name']).toBe(true);
    }
    const projector = pods.find((p) => p.labels['app.kubernetes.io/name'] === 'project-to-olap')!;
    expect(admits('postgres', projector)).toBe(false);
  });
});
