// What every erpbi pod shares on Kubernetes: its labels, compose's hardening as a securityContext, the
// secrets as files, and the labels saying whom it talks to (the NetworkPolicies select on those).

export const namespace = 'erpbi';
/** Where OpenFaaS (faas-netes) runs functions, and its gateway's namespace. */
export const functionsNamespace = 'openfaas-fn';
export const openfaasNamespace = 'openfaas';

export type Role = 'function' | 'connector' | 'gateway' | 'projector' | 'job';
/** What a pod connects to, each a label `erpbi.dev/to-<target>: "true"` that a NetworkPolicy admits. */
export type Target = 'nats' | 'postgres' | 'functions' | 'projector';

export const toLabel = (t: Target) => `erpbi.dev/to-${t}`;

export function podLabels(name: string, role: Role, talksTo: Iterable<Target>): Record<string, string> {
  const labels: Record<string, string> = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'erpbi', 'erpbi.dev/role': role };
  for (const t of [...new Set(talksTo)].sort()) labels[toLabel(t)] = 'true';
  return labels;
}

/** The secrets that hold a database URL (docs/architecture.md, "Who connects as whom"). */
export const databaseSecrets = ['database-url', 'database-url-read', 'database-url-migrate'];

/** Whom a process talks to, read from what it is given: a NATS address, a database URL, the connector's FUNCTIONS_URL. */
export function talksTo(env: Record<string, string>, secrets: string[]): Target[] {
  const out: Target[] = [];
  if (env.NATS_URL) out.push('nats');
  if (secrets.some((s) => databaseSecrets.includes(s))) out.push('postgres');
  if (env.FUNCTIONS_URL) {
    if (/(^|,)\s*\*=/.test(env.FUNCTIONS_URL)) out.push('functions');
    if (/(^|,)\s*project-to-olap=/.test(env.FUNCTIONS_URL)) out.push('projector');
  }
  return out;
}

/** compose's x-hardened: cap_drop ALL, no-new-privileges, read_only, a non-root user (both images run as 1000). */
export const containerSecurity = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** compose's `tmpfs: [/tmp]`: scratch space in memory, the only writable path but a data volume. */
export const tmpVolume = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } };
export const tmpMount = { name: 'tmp', mountPath: '/tmp' };

/** Each secret as the file `<dir>/<name>`, as faasd, OpenFaaS and compose mount them (one key, named like the Secret). */
export function secretsVolume(secrets: string[]): { volume: object; mount: (dir: string) => object } | undefined {
  if (secrets.length === 0) return undefined;
  return {
    volume: {
      name: 'secrets',
      projected: { defaultMode: 0o440, sources: secrets.map((s) => ({ secret: { name: s, items: [{ key: s, path: s }] } })) },
    },
    mount: (dir: string) => ({ name: 'secrets', mountPath: dir, readOnly: true }),
  };
}

export const env = (vars: Record<string, string>) => Object.entries(vars).map(([name, value]) => ({ name, value }));

export const httpProbe = (path: string, port: string) => ({
  readinessProbe: { httpGet: { path, port }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
  livenessProbe: { httpGet: { path, port }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
});
