import { z } from 'zod';
import { Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';

// Static validation of k8s/'s objects. Kubernetes's own kinds: kubernetes-models' validate() (the API's
// OpenAPI schemas); CloudNativePG's Cluster: @kubernetes-models/cloudnative-pg (generated from its CRD).
// A CRD's schema admits unknown fields (the API server prunes them without a word), so the custom
// resources get a second, strict check, OURS below: the fields erpbi writes, typed as the projects
// document them, so a misspelt one fails. OpenFaaS's Function has no schema on npm at all (no
// @kubernetes-models package; its CRD ships in faas-netes's chart, which this machine cannot fetch):
// ours is its only check.

interface Validatable {
  validate(): void;
}
/** Each model class by `apiVersion/kind`; built with Reflect.construct, their constructors take their own types. */
const models: Record<string, abstract new (...args: never[]) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'postgresql.cnpg.io/v1/Cluster': Cluster,
};

const stringMap = z.record(z.string(), z.string());
const resources = z.strictObject({
  memory: z
    .string()
    .regex(/^\d+(Mi|Gi)$/)
    .optional(),
  cpu: z.string().optional(),
});

/** OURS: openfaas.com/v1 Function, the fields `faas-cli generate` writes (openfaas/faas-netes pkg/apis/openfaas/v1). */
export const openfaasFunction = z.strictObject({
  apiVersion: z.literal('openfaas.com/v1'),
  kind: z.literal('Function'),
  metadata: z.strictObject({ name: z.string(), namespace: z.string() }),
  spec: z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    image: z.string().min(1),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    environment: stringMap.optional(),
    secrets: z.array(z.string()).optional(),
    limits: resources.optional(),
    requests: resources.optional(),
    constraints: z.array(z.string()).optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
  }),
});

const role = z.strictObject({
  name: z.string(),
  ensure: z.enum(['present', 'absent']),
  login: z.boolean(),
  superuser: z.boolean(),
  createdb: z.boolean(),
  createrole: z.boolean(),
  replication: z.boolean(),
  bypassrls: z.boolean(),
  inherit: z.boolean(),
  passwordSecret: z.strictObject({ name: z.string() }),
});
/** OURS, beside the CRD's: postgresql.cnpg.io/v1 Cluster, the fields erpbi sets, strict (CloudNativePG's API reference, ClusterSpec). */
export const cnpgCluster = z.strictObject({
  apiVersion: z.literal('postgresql.cnpg.io/v1'),
  kind: z.literal('Cluster'),
  metadata: z.strictObject({ name: z.string(), namespace: z.string(), labels: stringMap.optional() }),
  spec: z.strictObject({
    instances: z.number().int().min(1),
    imageName: z.string(),
    inheritedMetadata: z.strictObject({ labels: stringMap }),
    bootstrap: z.strictObject({
      initdb: z.strictObject({
        database: z.string(),
        owner: z.string(),
        secret: z.strictObject({ name: z.string() }),
        postInitApplicationSQL: z.array(z.string()).optional(),
      }),
    }),
    managed: z.strictObject({ roles: z.array(role) }),
    postgresql: z.strictObject({ parameters: stringMap }),
    storage: z.strictObject({ size: z.string().regex(/^\d+Gi$/) }),
    resources: z.strictObject({ requests: resources, limits: resources }),
  }),
});

const header = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({ name: z.string() }) });

/** Throws, naming the object, unless it validates against its kind's schema. */
export function validateObject(doc: unknown): void {
  const { apiVersion, kind, metadata } = header.parse(doc);
  const id = `${kind} ${metadata.name}`;
  if (apiVersion === 'openfaas.com/v1') return void openfaasFunction.parse(doc);
  const Model = models[`${apiVersion}/${kind}`];
  if (!Model) throw new Error(`${id}: no schema for ${apiVersion} ${kind}`);
  try {
    (Reflect.construct(Model, [doc]) as Validatable).validate();
  } catch (err) {
    throw new Error(`${id}: ${(err as Error).message}`);
  }
  if (apiVersion === 'postgresql.cnpg.io/v1') cnpgCluster.parse(doc);
}
