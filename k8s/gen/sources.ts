import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { readStack, type StackFunction } from '../../shared/stack.js';

// What the Kubernetes manifests are derived from, read once: stack.yml (THE registry of functions:
// shared/stack.ts for names, users, limits; the raw entries for what faas-cli reads and stack.ts does
// not need: image, environment, secrets, labels, annotations) and the compose files (the services
// beside the functions: their command, environment and secrets). Nothing here is typed twice.

export const root = join(import.meta.dirname, '..', '..');

/** faas-cli and compose substitute `${VAR:-default}`; the manifests take the default (the placeholder
 *  registry ghcr.io/erpbi and domain erpbi.lan, as the faasd extras do), a kustomize image or patch changes them. */
export function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

const rawFunction = z.object({
  image: z.string().optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  secrets: z.array(z.string()).default([]),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  limits: z.object({ memory: z.string().optional(), cpu: z.string().optional() }).default({}),
  requests: z.object({ memory: z.string().optional(), cpu: z.string().optional() }).optional(),
  readonly_root_filesystem: z.boolean().optional(),
});
export type RawFunction = z.infer<typeof rawFunction>;

function readYaml(rel: string): unknown {
  return parse(readFileSync(join(root, rel), 'utf8'), { merge: true, maxAliasCount: 1000 });
}

export interface StackEntry extends StackFunction {
  raw: RawFunction;
  /** environment with the defaults substituted, as strings */
  env: Record<string, string>;
}

export function stackEntries(): StackEntry[] {
  const doc = z
    .object({ functions: z.record(z.string(), rawFunction), 'x-erpbi-services': z.record(z.string(), rawFunction).default({}) })
    .parse(readYaml('stack.yml'));
  const raws = { ...doc.functions, ...doc['x-erpbi-services'] };
  return readStack(join(root, 'stack.yml')).map((f) => {
    const raw = raws[f.name]!;
    const env = Object.fromEntries(Object.entries(raw.environment).map(([k, v]) => [k, withDefaults(String(v))]));
    return { ...f, raw, env };
  });
}

const composeService = z
  .object({
    image: z.string().optional(),
    command: z.array(z.string()).optional(),
    environment: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    secrets: z.array(z.string()).default([]),
    deploy: z.object({ resources: z.object({ limits: z.object({ memory: z.string() }) }) }).optional(),
  })
  .loose();
export type ComposeService = z.infer<typeof composeService> & { env: Record<string, string> };

/** The plain-Docker services (compose/docker-compose.base.yml, .erp.yml, .bi.yml), by name. */
export function composeServices(): Record<string, ComposeService> {
  const out: Record<string, ComposeService> = {};
  for (const file of ['compose/docker-compose.base.yml', 'compose/docker-compose.erp.yml', 'compose/docker-compose.bi.yml']) {
    const services = z.object({ services: z.record(z.string(), composeService) }).parse(readYaml(file)).services;
    for (const [name, s] of Object.entries(services)) {
      const env = Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, withDefaults(String(v))]));
      out[name] = { ...s, image: s.image === undefined ? undefined : withDefaults(s.image), env };
    }
  }
  return out;
}

/** Compose's memory ("192M") as a Kubernetes quantity ("192Mi": compose's M is MiB). */
export function quantity(composeMemory: string): string {
  const m = /^(\d+)([KMG])B?$/i.exec(composeMemory.trim());
  if (!m) throw new Error(`not a compose memory limit: ${composeMemory}`);
  return `${m[1]}${m[2]!.toUpperCase()}i`;
}
