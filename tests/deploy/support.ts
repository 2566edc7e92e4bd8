import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const root = join(import.meta.dirname, '..', '..');

export function readYaml(rel: string): any {
  // Our own files: the compose files merge their anchors in more places than the library's default guard allows.
  return parse(readFileSync(join(root, rel), 'utf8'), { merge: true, maxAliasCount: 1000 });
}

export function readJson(rel: string): any {
  return JSON.parse(readFileSync(join(root, rel), 'utf8'));
}

/** The compose files of a docker-compose box: base, ERP, BI. */
export const composeFiles = ['compose/docker-compose.base.yml', 'compose/docker-compose.erp.yml', 'compose/docker-compose.bi.yml'] as const;
export const faasdExtras = 'compose/docker-compose.faasd-extras.yml';

/** The Pi-wide limits the deployment must stay within. */
export const budget = {
  perServiceMb: 1024,
  boxMb: 6 * 1024,
  maxFunctions: 15,
  /** faasd's own services (gateway, provider, NATS Streaming, queue-worker, its Prometheus) set no limits: reserved. */
  faasdCoreMb: 320,
};

/** Compose/Kubernetes memory quantities ("512M", "1g", "128Mi", "1Gi", bytes) in MB (MiB). */
export function memoryMb(value: unknown): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(String(value).trim());
  if (!m) throw new Error(`not a memory quantity: ${String(value)}`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase().replace(/b$/, '').replace(/i$/, '');
  const factor: Record<string, number> = { '': 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024 };
  return n * factor[unit]!;
}

export interface ServiceEntry {
  file: string;
  name: string;
  spec: any;
}

export function services(files: readonly string[]): ServiceEntry[] {
  return files.flatMap((file) => Object.entries(readYaml(file).services ?? {}).map(([name, spec]) => ({ file, name, spec })));
}

export function serviceMemoryMb(spec: any): number | undefined {
  const v = spec?.deploy?.resources?.limits?.memory ?? spec?.mem_limit;
  return v === undefined ? undefined : memoryMb(v);
}

/** A port mapping as its host side: "80:80" -> {hostIp: undefined}, "127.0.0.1:5432:5432" -> {hostIp: "127.0.0.1"}. */
export function hostIp(port: unknown): string | undefined {
  if (typeof port === 'object' && port !== null) return (port as { host_ip?: string }).host_ip;
  const parts = String(port).split(':');
  return parts.length === 3 ? parts[0] : undefined;
}

export function stackFunctions(): Record<string, any> {
  return readYaml('stack.yml').functions;
}

export function environmentOf(spec: any): Record<string, string> {
  const env = spec?.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}
