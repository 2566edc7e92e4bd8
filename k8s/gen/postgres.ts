import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { namespace } from './pods.js';
import { type ComposeService, quantity, root } from './sources.js';

// Postgres as a CloudNativePG Cluster: erpbi's database and its three login roles (docs/architecture.md,
// "Who connects as whom"; compose/postgres/init/erpbi-roles.pgsql makes the same on the Pi), their
// passwords from basic-auth Secrets (k8s/secrets/create.sh makes them from the Pi's password files). A
// Service `postgres` points at the cluster's read-write Service, so the database-url secrets keep the
// host the Pi's have. An external managed Postgres instead: leave this folder out and write the
// database-url secrets with its host (k8s/README.md).

export const cluster = 'erpbi-db';
/** The role prefix of erpbi-roles.pgsql on the Pi (erpbi.role_prefix). */
const rolePrefix = 'erpbi';
export const roleSecret = (use: 'owner' | 'app' | 'reader') => `${cluster}-${use}`;
export const roles = (['owner', 'app', 'reader'] as const).map((use) => ({
  use,
  role: `${rolePrefix}_${use}`,
  secret: roleSecret(use),
  passwordFile: `postgres-${use}-password`,
}));
export const postgresPodLabels = { 'app.kubernetes.io/part-of': 'erpbi', 'erpbi.dev/role': 'postgres' };

/** compose/postgres/init/erpbi-connect-only.pgsql, one DO statement, without its comment lines. */
function connectOnlySql(): string {
  const text = readFileSync(join(root, 'compose/postgres/init/erpbi-connect-only.pgsql'), 'utf8');
  return text
    .split('\n')
    .filter((line) => !line.startsWith('--') && line.trim() !== '')
    .join('\n');
}

/** compose's `postgres -c name=value ...` as parameters. */
function parameters(command: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  command.forEach((part, i) => {
    if (part !== '-c') return;
    const [k, v] = command[i + 1]!.split('=');
    out[k!] = v!;
  });
  return out;
}

export function cnpgCluster(compose: ComposeService): object[] {
  const memory = quantity(compose.deploy!.resources.limits.memory);
  const [owner, ...others] = roles;
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: cluster, namespace, labels: { 'app.kubernetes.io/part-of': 'erpbi' } },
      spec: {
        instances: 3,
        // Postgres 15, the Pi's major version (compose/docker-compose.base.yml): a pg_dump restores either way
        imageName: 'ghcr.io/cloudnative-pg/postgresql:15',
        inheritedMetadata: { labels: postgresPodLabels },
        bootstrap: {
          initdb: {
            database: 'erpbi',
            owner: owner!.role,
            secret: { name: owner!.secret },
            // CONNECT on erpbi's database only, the Pi's own statement (its init script runs the same file)
            postInitApplicationSQL: [connectOnlySql()],
          },
        },
        managed: {
          roles: others.map((r) => ({
            name: r.role,
            ensure: 'present',
            login: true,
            superuser: false,
            createdb: false,
            createrole: false,
            replication: false,
            bypassrls: false,
            inherit: true,
            passwordSecret: { name: r.secret },
          })),
        },
        postgresql: { parameters: parameters(compose.command ?? []) },
        storage: { size: '20Gi' },
        resources: { requests: { memory }, limits: { memory } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'postgres', namespace, labels: { 'app.kubernetes.io/part-of': 'erpbi' } },
      spec: { type: 'ExternalName', externalName: `${cluster}-rw.${namespace}.svc.cluster.local` },
    },
  ];
}
