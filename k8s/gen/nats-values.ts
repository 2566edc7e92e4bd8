import { natsPasswordSecret, natsPermissions, natsUsers, passwordVariable } from '../../shared/events/nats-users.js';
import { type ComposeService, quantity } from './sources.js';

// Values for the NATS Helm chart (nats-io/k8s, chart 1.x): a 3-node JetStream cluster with file storage
// on a PVC per node, erpbi's users and permissions from shared/events/nats-users.ts (as
// compose/nats/users.conf is), each password from its Secret nats-<user> through the environment, as the
// compose container does. Install as the release `erpbi-nats` in erpbi's namespace: the chart then names
// its client Service erpbi-nats, the address every part already uses (nats://erpbi-nats:4222).

/** The events prefix of the Pi's server and of the default configuration (EVENTS_PREFIX). */
const prefix = 'erp';
export const natsRelease = 'erpbi-nats';
/** Labels added to the chart's pods (the NetworkPolicies select on them). */
export const natsPodLabels = { 'app.kubernetes.io/part-of': 'erpbi', 'erpbi.dev/role': 'nats' };

export function natsValues(compose: ComposeService | undefined, conf: { maxMemoryStore: string; maxFileStore: string }): object {
  const users = natsUsers.map((user) => {
    const permissions = natsPermissions(user, prefix);
    // `<< $VAR >>`: the chart writes it unquoted, so nats-server reads the password from the environment.
    return { user, password: `<< $${passwordVariable(user)} >>`, ...(permissions ? { permissions } : {}) };
  });
  const env = Object.fromEntries(
    natsUsers.map((user) => [passwordVariable(user), { valueFrom: { secretKeyRef: { name: natsPasswordSecret(user), key: natsPasswordSecret(user) } } }]),
  );
  return {
    config: {
      cluster: { enabled: true, replicas: 3 },
      jetstream: {
        enabled: true,
        memoryStore: { enabled: true, maxSize: conf.maxMemoryStore },
        // each node's store on its own PVC, sized like the Pi's max_file_store (compose/nats/nats.conf)
        fileStore: { enabled: true, dir: '/data', maxSize: conf.maxFileStore, pvc: { enabled: true, size: conf.maxFileStore } },
      },
      monitor: { enabled: true, port: 8222 },
      merge: { authorization: { users } },
    },
    container: {
      env,
      // the Pi's limit per node (compose/docker-compose.base.yml)
      ...(compose?.deploy ? { merge: { resources: { limits: { memory: quantity(compose.deploy.resources.limits.memory) } } } } : {}),
    },
    podTemplate: { merge: { metadata: { labels: natsPodLabels } } },
    // nats-box holds no credentials of ours; an operator runs `nats` with the operator user instead
    natsBox: { enabled: false },
  };
}

/** Each node's JetStream limits as the Pi's server has them (compose/nats/nats.conf, e.g. `max_file_store: 20GB`), as quantities. */
export function natsStoreLimits(conf: string): { maxMemoryStore: string; maxFileStore: string } {
  const read = (key: string) => {
    const m = new RegExp(`^\\s*${key}:\\s*(\\d+)([MG])B\\s*$`, 'm').exec(conf);
    if (!m) throw new Error(`compose/nats/nats.conf: no ${key} in MB or GB`);
    return `${m[1]}${m[2]}i`;
  };
  return { maxMemoryStore: read('max_memory_store'), maxFileStore: read('max_file_store') };
}
