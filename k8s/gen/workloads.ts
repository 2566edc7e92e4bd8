import { type ComposeService, type StackEntry, quantity, withDefaults } from './sources.js';
import { containerSecurity, env, httpProbe, namespace, podLabels, secretsVolume, talksTo, tmpMount, tmpVolume, type Role } from './pods.js';

// The licence-free road's workloads: every stack.yml function as a Deployment + Service + HPA (the image
// faas-cli builds: of-watchdog on 8080), and erpbi's service image as the connector, the gateway, the
// projector (a StatefulSet: the one DuckDB writer) and the two one-shot jobs, as compose runs them.

/** The functions' image: of-watchdog answers /_/health on 8080 (template/erpbi-node/Dockerfile). */
const watchdogPort = 8080;
/** Where the function image reads its secrets (its SECRETS_DIR, as OpenFaaS mounts them). */
const functionSecretsDir = '/var/openfaas/secrets';
/** The service image's SECRETS_DIR (compose/Dockerfile), where compose mounts them too. */
const serviceSecretsDir = '/run/secrets';
/**
 * Ours, not stack.yml's: faasd CE runs each function once (com.openfaas.scale.max "1"); a cluster may
 * run more. Every function is safe to run twice (reactions take an event once, commands are
 * transactions with idempotency keys), so the HPA may add replicas under CPU load up to this.
 */
export const hpaMaxReplicas = 4;
const hpaCpuPercent = 70;
/** A CPU request the HPA's utilisation is measured against; memory's request is the limit (stack.yml). */
const cpuRequest = '50m';

const podSecurity = { runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
/** An object's own labels: who it is; the pods carry the rest (role, whom they talk to). */
const selectorOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'erpbi' });
const meta = (name: string) => ({ name, namespace, labels: selectorOf(name) });

interface PodInput {
  name: string;
  role: Role;
  image: string;
  command?: string[] | undefined;
  env: Record<string, string>;
  secrets: string[];
  secretsDir: string;
  memory: string;
  port?: { name: string; containerPort: number; health: string } | undefined;
  extraPorts?: { name: string; containerPort: number }[];
  extraMounts?: object[];
}

function podTemplate(p: PodInput) {
  const secrets = secretsVolume(p.secrets);
  const labels = podLabels(p.name, p.role, talksTo(p.env, p.secrets));
  return {
    labels,
    template: {
      metadata: { labels },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: podSecurity,
        ...(p.role === 'job' ? { restartPolicy: 'OnFailure' } : {}),
        containers: [
          {
            name: p.name,
            image: p.image,
            ...(p.command ? { command: p.command } : {}),
            env: env(p.env),
            ...(p.port ? { ports: [{ name: p.port.name, containerPort: p.port.containerPort }, ...(p.extraPorts ?? [])] } : {}),
            ...(p.port ? httpProbe(p.port.health, p.port.name) : {}),
            resources: { requests: { cpu: cpuRequest, memory: p.memory }, limits: { memory: p.memory } },
            securityContext: containerSecurity,
            volumeMounts: [tmpMount, ...(secrets ? [secrets.mount(p.secretsDir)] : []), ...(p.extraMounts ?? [])],
          },
        ],
        volumes: [tmpVolume, ...(secrets ? [secrets.volume] : [])],
      },
    },
  };
}

const service = (name: string, ports: { name: string; port: number }[], headless = false) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(name),
  spec: {
    ...(headless ? { clusterIP: 'None' } : {}),
    selector: selectorOf(name),
    ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name })),
  },
});

/** One function: Deployment (no replicas: the HPA owns the count), Service on 8080, HPA. */
export function functionWorkload(f: StackEntry): object[] {
  if (!f.raw.image || !f.memory) throw new Error(`stack.yml ${f.name}: a function needs an image and limits.memory`);
  // stack.yml's environment, as faas-cli passes it; SECRETS_DIR is the image's default, where the secrets are mounted.
  const pod = podTemplate({
    name: f.name,
    role: 'function',
    image: withDefaults(f.raw.image),
    env: f.env,
    secrets: f.raw.secrets,
    secretsDir: functionSecretsDir,
    memory: f.memory,
    port: { name: 'http', containerPort: watchdogPort, health: '/_/health' },
  });
  const min = Number(f.raw.labels['com.openfaas.scale.min'] ?? '1');
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(f.name),
      spec: { selector: { matchLabels: selectorOf(f.name) }, template: pod.template },
    },
    service(f.name, [{ name: 'http', port: watchdogPort }]),
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(f.name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: f.name },
        minReplicas: min,
        maxReplicas: Math.max(min, hpaMaxReplicas),
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpaCpuPercent } } }],
      },
    },
  ];
}

/** Where the connector reaches the functions and the gateway, per road. */
export interface ConnectorRoad {
  functionsUrl: string;
  gatewayUrl: string;
}

/** compose's settings the cluster has no file for: the Pi's backup status and the TLS certificate Traefik serves (host files). */
const hostFileSettings = ['ERPBI_BACKUP_STATUS_EXPORT_FILE', 'TLS_CERT_FILE'];

/** The connector: ONE replica (it runs the outbox sweeper, the pruner and the daily schedule), compose's settings. */
export function connectorWorkload(c: ComposeService, road: ConnectorRoad): object[] {
  const vars = Object.fromEntries(Object.entries(c.env).filter(([k]) => !hostFileSettings.includes(k)));
  vars.FUNCTIONS_URL = road.functionsUrl;
  vars.GATEWAY_URL = road.gatewayUrl;
  // the stream, its dead letters and the consumers on all three servers of the NATS chart's JetStream cluster
  vars.EVENTS_REPLICAS = '3';
  const pod = podTemplate({
    name: 'connector',
    role: 'connector',
    image: c.image!,
    command: c.command,
    env: vars,
    secrets: c.secrets,
    secretsDir: serviceSecretsDir,
    memory: quantity(c.deploy!.resources.limits.memory),
    port: { name: 'http', containerPort: Number(c.env.PORT), health: '/_/health' },
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('connector'),
      // Recreate: never two connectors at once, even during a rollout (one sweeper, one schedule).
      spec: { replicas: 1, strategy: { type: 'Recreate' }, selector: { matchLabels: selectorOf('connector') }, template: pod.template },
    },
    service('connector', [{ name: 'http', port: Number(c.env.PORT) }]),
  ];
}

/** The plain road's stand-in for the OpenFaaS gateway: /function/<name> to the Service <name>:8080. */
export function gatewayWorkload(c: ComposeService): object[] {
  const pod = podTemplate({
    name: 'gateway',
    role: 'gateway',
    image: c.image!,
    command: c.command,
    env: c.env,
    secrets: c.secrets,
    secretsDir: serviceSecretsDir,
    memory: quantity(c.deploy!.resources.limits.memory),
    port: { name: 'http', containerPort: Number(c.env.PORT), health: '/healthz' },
    extraPorts: [{ name: 'metrics', containerPort: Number(c.env.METRICS_PORT) }],
  });
  // It routes to every function (gateway/compose-gateway.ts): the NetworkPolicies let it.
  pod.template.metadata.labels['erpbi.dev/to-functions'] = 'true';
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('gateway'),
      spec: { replicas: 2, selector: { matchLabels: selectorOf('gateway') }, template: pod.template },
    },
    service('gateway', [
      { name: 'http', port: Number(c.env.PORT) },
      { name: 'metrics', port: Number(c.env.METRICS_PORT) },
    ]),
  ];
}

/** The DuckDB file's claim: the compose volume olap_data. */
export const olapClaim = { name: 'olap-data', size: '10Gi', mountPath: '/data/olap' };

/** The projector: a StatefulSet of exactly one (the one process that opens the DuckDB file), its PVC, no HPA. */
export function projectorWorkload(c: ComposeService, f: StackEntry): object[] {
  if (!f.memory) throw new Error('stack.yml project-to-olap: limits.memory');
  const pod = podTemplate({
    name: f.name,
    role: 'projector',
    image: c.image!,
    command: c.command,
    env: c.env,
    // the compose service's secrets: a Parquet export's S3 key, once the projector has one, comes with them
    secrets: c.secrets,
    secretsDir: serviceSecretsDir,
    memory: f.memory,
    port: { name: 'http', containerPort: Number(c.env.PORT), health: '/_/health' },
    extraMounts: [{ name: olapClaim.name, mountPath: olapClaim.mountPath }],
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(f.name),
      spec: {
        serviceName: f.name,
        // never more: a second process would open the same DuckDB file. A StatefulSet stops the old pod
        // before it starts its replacement, so even a rollout never has two.
        replicas: 1,
        selector: { matchLabels: selectorOf(f.name) },
        template: pod.template,
        volumeClaimTemplates: [
          {
            metadata: { name: olapClaim.name },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: olapClaim.size } } },
          },
        ],
      },
    },
    service(f.name, [{ name: 'http', port: Number(c.env.PORT) }]),
  ];
}

/** A one-shot of compose (migrate, storage-init) as a Job. Its command as compose has it: `$$` is Kubernetes's
 *  escape too (the kubelet leaves `$(` to the shell), so `$$(cat /run/secrets/...)` means the same in both. */
export function jobWorkload(name: string, c: ComposeService): object {
  const pod = podTemplate({
    name,
    role: 'job',
    image: c.image!,
    command: c.command,
    env: c.env,
    secrets: c.secrets,
    secretsDir: serviceSecretsDir,
    memory: quantity(c.deploy!.resources.limits.memory),
  });
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(name), spec: { backoffLimit: 5, template: pod.template } };
}
