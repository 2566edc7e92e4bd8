import { type StackEntry, withDefaults } from './sources.js';
import { functionsNamespace, namespace } from './pods.js';

// The OpenFaaS road: each stack.yml function as the Function custom resource (openfaas.com/v1), field
// for field as `faas-cli generate` writes it from stack.yml (name, image, labels, annotations,
// environment, secrets, limits, requests, readOnlyRootFilesystem when stack.yml sets
// readonly_root_filesystem), in faas-netes's functions namespace. OpenFaaS then makes the Deployment
// and a Service <name>:8080 itself, mounts the secrets at /var/openfaas/secrets and scales by its own rules.

export function functionResource(f: StackEntry): object {
  const r = f.raw;
  const spec: Record<string, unknown> = { name: f.name, image: withDefaults(r.image!) };
  if (Object.keys(r.labels).length) spec.labels = r.labels;
  if (Object.keys(r.annotations).length) spec.annotations = r.annotations;
  if (Object.keys(f.env).length) spec.environment = f.env;
  if (r.secrets.length) spec.secrets = r.secrets;
  if (r.limits.memory || r.limits.cpu) spec.limits = r.limits;
  if (r.requests) spec.requests = r.requests;
  if (r.readonly_root_filesystem) spec.readOnlyRootFilesystem = true;
  return { apiVersion: 'openfaas.com/v1', kind: 'Function', metadata: { name: f.name, namespace: functionsNamespace }, spec };
}

/**
 * The functions' environment names erpbi's services by their compose names (erpbi-nats, keycloak,
 * seaweedfs); in the functions' namespace those names are ExternalName Services pointing at erpbi's
 * namespace, so the Function resources keep stack.yml's environment unchanged.
 */
export function serviceAliases(functions: StackEntry[], also: string[] = []): object[] {
  const hosts = new Set<string>(also);
  for (const f of functions) {
    for (const value of Object.values(f.env)) {
      if (!/^[a-z]+:\/\//.test(value)) continue;
      const host = new URL(value).hostname;
      if (!host.includes('.')) hosts.add(host);
    }
  }
  return [...hosts].sort().map((host) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: host, namespace: functionsNamespace, labels: { 'app.kubernetes.io/part-of': 'erpbi' } },
    spec: { type: 'ExternalName', externalName: `${host}.${namespace}.svc.cluster.local` },
  }));
}
