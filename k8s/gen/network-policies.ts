import { cluster, postgresPodLabels } from './postgres.js';
import { natsPodLabels } from './nats-values.js';
import { functionsNamespace, namespace, openfaasNamespace, toLabel, type Target } from './pods.js';

// compose puts every erpbi container on one network and each talks only to what its settings name
// (NATS_URL, a database URL secret, the connector's FUNCTIONS_URL). Here that is written down: every
// pod of erpbi's namespace accepts nothing (default deny), then each server accepts its port from the
// pods labelled as talking to it (erpbi.dev/to-<target>, set from those same settings: pods.ts), and
// the front door (the ingress controller's namespace) reaches only the gateway and the projector's
// live stream and BI queries. Egress is not restricted (Keycloak, object storage and SMTP are outside).

/** The ingress controller's namespace: the only way in from outside (a kustomize patch changes it). */
export const frontDoorNamespace = 'ingress-nginx';
/** The CloudNativePG operator's namespace: it polls each instance's status port. */
export const cnpgOperatorNamespace = 'cnpg-system';

const inNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
const clientsOf = (t: Target) => ({ podSelector: { matchLabels: { [toLabel(t)]: 'true' } } });
const port = (p: number) => ({ protocol: 'TCP', port: p });

function policy(name: string, ns: string, podSelector: object, ingress: object[]): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/part-of': 'erpbi' } },
    spec: { podSelector, policyTypes: ['Ingress'], ingress },
  };
}

const byName = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'erpbi' } });

/** The functions' peers on the OpenFaaS road: every function pod (faas-netes labels each `faas_function: <name>`). */
const openfaasFunctions = { ...inNamespace(functionsNamespace), podSelector: { matchExpressions: [{ key: 'faas_function', operator: 'Exists' }] } };

export type Road = 'plain' | 'openfaas';

/** The policies of erpbi's namespace (and, on the OpenFaaS road, of the functions' namespace). */
export function networkPolicies(road: Road, ports: { function: number; projector: number; gateway: number }): object[] {
  // functions are clients of NATS and Postgres from their own namespace on the OpenFaaS road
  const functionPeers = road === 'openfaas' ? [openfaasFunctions] : [];
  const out = [
    policy('default-deny-ingress', namespace, {}, []),
    policy('nats', namespace, { matchLabels: natsPodLabels }, [
      { from: [clientsOf('nats'), ...functionPeers], ports: [port(4222)] },
      // the cluster's routes, and its monitoring port (the chart's probes come from the kubelet)
      { from: [{ podSelector: { matchLabels: natsPodLabels } }], ports: [port(6222), port(8222)] },
    ]),
    policy('project-to-olap', namespace, byName('project-to-olap'), [
      { from: [clientsOf('projector'), inNamespace(frontDoorNamespace)], ports: [port(ports.projector)] },
    ]),
  ];
  if (road === 'plain') {
    out.push(
      policy('functions', namespace, { matchLabels: { 'erpbi.dev/role': 'function' } }, [{ from: [clientsOf('functions')], ports: [port(ports.function)] }]),
      policy('gateway', namespace, byName('gateway'), [{ from: [inNamespace(frontDoorNamespace)], ports: [port(ports.gateway)] }]),
    );
  } else {
    out.push(
      policy('default-deny-ingress', functionsNamespace, {}, []),
      // OpenFaaS's gateway, and the connector's direct calls (FUNCTIONS_URL)
      policy('functions', functionsNamespace, { matchExpressions: [{ key: 'faas_function', operator: 'Exists' }] }, [
        { from: [inNamespace(openfaasNamespace), { ...inNamespace(namespace), ...clientsOf('functions') }], ports: [port(ports.function)] },
      ]),
    );
  }
  return out;
}

/** With CloudNativePG: its instances accept Postgres from erpbi's database clients and each other, the operator's status polls. */
export function postgresPolicy(road: Road): object {
  return policy('postgres', namespace, { matchLabels: { ...postgresPodLabels, 'cnpg.io/cluster': cluster } }, [
    {
      from: [clientsOf('postgres'), { podSelector: { matchLabels: postgresPodLabels } }, ...(road === 'openfaas' ? [openfaasFunctions] : [])],
      ports: [port(5432)],
    },
    { from: [inNamespace(cnpgOperatorNamespace)], ports: [port(8000)] },
  ]);
}
