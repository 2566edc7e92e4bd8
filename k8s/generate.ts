import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { natsStoreLimits, natsValues } from './gen/nats-values.js';
import { networkPolicies, postgresPolicy, type Road } from './gen/network-policies.js';
import { functionResource, serviceAliases } from './gen/openfaas.js';
import { functionsNamespace, namespace } from './gen/pods.js';
import { cnpgCluster } from './gen/postgres.js';
import { createScript, natsSecrets, secretTemplate, type SecretUse } from './gen/secrets.js';
import { composeServices, generatedHeader, root, stackEntries } from './gen/sources.js';
import { connectorWorkload, functionWorkload, gatewayWorkload, jobWorkload, projectorWorkload } from './gen/workloads.js';

// `npm run gen:k8s`: every file under k8s/ but this generator, its gen/ and the README, derived from
// stack.yml (the functions), compose/ (the services beside them) and shared/events/nats-users.ts (NATS's
// users). tests/deploy/k8s.test.ts fails while the committed files differ from what this returns.

const header = generatedHeader;

/** Several objects as one YAML file; no anchors (a shared object is written out each time), no folded lines. */
export function yamlDocs(docs: object[], note = ''): string {
  return header + note + docs.map((d) => stringify(d, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
}

const kustomization = (resources: string[], note: string) =>
  yamlDocs([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }], note);

/** Relative path under the repository -> content. */
export function generateK8s(): Record<string, string> {
  const stack = stackEntries();
  const compose = composeServices();
  const functions = stack.filter((f) => f.deployedAs === 'function');
  const projector = stack.find((f) => f.name === 'project-to-olap');
  const need = (name: string) =>
    compose[name] ??
    (() => {
      throw new Error(`compose: no service ${name}`);
    })();
  if (!projector) throw new Error('stack.yml: no project-to-olap');
  const projectorPort = Number(need('project-to-olap').env.PORT);
  const ports = { function: 8080, projector: projectorPort, gateway: Number(need('gateway').env.PORT) };
  const connectorFor = (road: Road) =>
    connectorWorkload(need('connector'), {
      // the same template as compose's: the projector by its Service, every other function by its own
      functionsUrl:
        road === 'plain'
          ? `project-to-olap=http://project-to-olap:${projectorPort},*=http://{name}:8080`
          : `project-to-olap=http://project-to-olap:${projectorPort},*=http://{name}.${functionsNamespace}:8080`,
      gatewayUrl: road === 'plain' ? `http://gateway:${ports.gateway}` : 'http://gateway.openfaas:8080',
    });
  const jobs = ['migrate', 'storage-init'].map((name) => jobWorkload(name, need(name)));
  const workloadSecrets = (objs: object[]) => objs.flatMap((o) => JSON.stringify(o).match(/"secret":\{"name":"[^"]+"/g) ?? []).map((m) => m.slice(18, -1));

  const projectorObjects = projectorWorkload(need('project-to-olap'), projector);
  const common = [...projectorObjects, ...jobs];
  const plainConnector = connectorFor('plain');
  const gateway = gatewayWorkload(need('gateway'));
  const plainFunctions = functions.flatMap(functionWorkload);
  const openfaasFunctions = functions.map(functionResource);
  // the database URL secrets name the host `postgres` (compose/secrets/README.md): an alias in the functions' namespace too
  const aliases = serviceAliases(functions, ['postgres']);

  // Who needs each Secret where: the services on both roads, the functions in erpbi's namespace on the
  // plain road and in OpenFaaS's on the other.
  const services = new Set([...workloadSecrets([...common, ...plainConnector, ...gateway]), ...natsSecrets]);
  const uses: SecretUse[] = [
    ...[...services].map((name) => ({ name, namespace, road: 'both' as const })),
    ...[...new Set(workloadSecrets(plainFunctions))].filter((n) => !services.has(n)).map((name) => ({ name, namespace, road: 'plain' as const })),
    ...[...new Set(functions.flatMap((f) => f.raw.secrets))].map((name) => ({ name, namespace: functionsNamespace, road: 'openfaas' as const })),
  ].sort((a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace));

  const natsCompose = compose['erpbi-nats'];
  return {
    'k8s/common/namespace.yml': yamlDocs([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'erpbi' } } },
    ]),
    'k8s/common/projector.yml': yamlDocs(projectorObjects),
    'k8s/common/jobs.yml': yamlDocs(
      jobs,
      '# One-shots: re-run after an upgrade with `kubectl -n erpbi delete job migrate storage-init` before applying again.\n',
    ),
    'k8s/common/kustomization.yaml': kustomization(
      ['namespace.yml', 'projector.yml', 'jobs.yml'],
      "# What both roads share: erpbi's namespace, the projector, the migrate and storage-init jobs.\n",
    ),
    'k8s/plain/functions.yml': yamlDocs(plainFunctions),
    'k8s/plain/connector.yml': yamlDocs(plainConnector),
    'k8s/plain/gateway.yml': yamlDocs(gateway),
    'k8s/plain/network-policies.yml': yamlDocs([...networkPolicies('plain', ports), postgresPolicy('plain')]),
    'k8s/plain/kustomization.yaml': kustomization(
      ['../common', 'functions.yml', 'connector.yml', 'gateway.yml', 'network-policies.yml'],
      '# The licence-free road: `kubectl apply -k k8s/plain` (secrets and NATS first: k8s/README.md).\n',
    ),
    'k8s/openfaas/functions.yml': yamlDocs(openfaasFunctions),
    'k8s/openfaas/aliases.yml': yamlDocs(aliases),
    'k8s/openfaas/connector.yml': yamlDocs(connectorFor('openfaas')),
    'k8s/openfaas/network-policies.yml': yamlDocs([...networkPolicies('openfaas', ports), postgresPolicy('openfaas')]),
    'k8s/openfaas/kustomization.yaml': kustomization(
      ['../common', 'functions.yml', 'aliases.yml', 'connector.yml', 'network-policies.yml'],
      '# The OpenFaaS road (an OpenFaaS licence, faas-netes in operator mode): `kubectl apply -k k8s/openfaas`.\n',
    ),
    'k8s/postgres/cnpg/cluster.yml': yamlDocs(cnpgCluster(need('postgres'))),
    'k8s/postgres/cnpg/kustomization.yaml': kustomization(['cluster.yml'], '# Postgres by the CloudNativePG operator: `kubectl apply -k k8s/postgres/cnpg`.\n'),
    'k8s/nats/values.yaml': yamlDocs(
      [natsValues(natsCompose, natsStoreLimits(readFileSync(join(root, 'compose/nats/nats.conf'), 'utf8')))],
      '# helm install erpbi-nats nats/nats --namespace erpbi -f k8s/nats/values.yaml  (the NATS chart, 1.x)\n',
    ),
    'k8s/secrets/secrets.template.yml': secretTemplate(uses),
    'k8s/secrets/create.sh': createScript(uses),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  for (const [rel, content] of Object.entries(generateK8s())) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    if (rel.endsWith('.sh')) chmodSync(path, 0o755);
  }
  console.log('k8s/ written');
}
