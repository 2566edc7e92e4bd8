import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../runtime/box/box.js';
import { stringify } from 'yaml';
import { waitFor } from '../support/wait.js';
import { docker, project, type Stack } from './stack.js';

// erpbi's images in the container test: the local registry they are pushed to, their sizes, and how
// soon each container of the stack starts from them.

/** The architectures compose/build-images.sh builds; the host's runs the stack, the others are named erpbi-<arch>/<image>. */
export const arches = ['amd64', 'arm64'] as const;
export type Arch = (typeof arches)[number];
/** The REGISTRY under which compose finds the images of an arch in Docker's store (build-images.sh, ERPBI_TO_DOCKER). */
export const dockerRegistry = (arch: Arch) => (arch === 'amd64' ? 'ghcr.io/erpbi' : `erpbi-${arch}`);

export interface Registry {
  /** host:port, e.g. for ERPBI_PUSH=<host>/erpbi */
  host: string;
  stop: () => Promise<void>;
}

/** Debian's docker-registry (distribution) on 127.0.0.1, its config and storage in the test's directory; stopped by its pid. */
export async function startRegistry(stack: Stack): Promise<Registry> {
  const port = await freePort();
  const dir = join(stack.dir, 'registry');
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    stringify({
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'storage') } },
      http: { addr: `127.0.0.1:${port}` },
    }),
  );
  // Its output into a file, not a pipe: this process blocks in execFileSync while the build pushes, and
  // a full pipe would stop the registry mid-push.
  const logFile = join(dir, 'registry.log');
  const out = openSync(logFile, 'a');
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', out, out] });
  closeSync(out);
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false;
      resolve();
    }),
  );
  const host = `127.0.0.1:${port}`;
  await waitFor(async () => running && (await fetch(`http://${host}/v2/`).catch(() => undefined))?.status === 200, {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: () => `docker-registry on ${host} to answer /v2/: ${readFileSync(logFile, 'utf8').slice(-2000)}`,
  });
  return {
    host,
    stop: async () => {
      if (running) process.kill(child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (running) process.kill(child.pid!, 'SIGKILL');
    },
  };
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
}

/** What the registry holds under one tag: the platforms of its manifest list and, per platform, the layers a pull fetches. */
export async function registryTag(
  host: string,
  repo: string,
  tag: string,
): Promise<{ mediaType: string; platforms: Record<string, { digest: string; layers: Descriptor[] }> }> {
  const get = async (ref: string, accept: string) => {
    const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { headers: { accept } });
    if (res.status !== 200) throw new Error(`registry ${repo}:${ref}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { mediaType: string; manifests?: Descriptor[]; layers?: Descriptor[]; config?: Descriptor };
  };
  const list = await get(tag, 'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json');
  const platforms: Record<string, { digest: string; layers: Descriptor[] }> = {};
  for (const m of list.manifests ?? []) {
    const image = await get(m.digest, 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json');
    platforms[`${m.platform?.os}/${m.platform?.architecture}`] = { digest: m.digest, layers: [...(image.layers ?? []), image.config!] };
  }
  return { mediaType: list.mediaType, platforms };
}

/** The one-shot jobs of the compose files: done once exited 0, never restarted after. */
export const jobs = ['migrate', 'storage-init'];

/** Where each erpbi container answers its health check, from inside the bridge; a job is healthy once it exited 0. */
export function healthUrl(service: string, ip: string): string | undefined {
  const own: Record<string, string> = {
    connector: ':3000/_/health',
    gateway: ':8080/healthz',
    'project-to-olap': ':3000/_/health',
    keycloak: ':8080/realms/erpbi/.well-known/openid-configuration',
    seaweedfs: ':8333/',
  };
  if (jobs.includes(service)) return undefined;
  return `http://${ip}${own[service] ?? ':8080/_/health'}`;
}

/**
 * Seconds from each erpbi container's start to the first answer of its health check (the object storage's
 * stand-in answers any HTTP status; the rest 200), polled together. Rejects at the deadline naming the
 * ones that never answered.
 */
export async function startTimes(services: string[], timeoutMs: number): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  await waitFor(
    async () => {
      // one `docker ps` + one `docker inspect` a round (a `docker-compose ps` per service took seconds each)
      const ids = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
        .split('\n')
        .filter(Boolean);
      const containers = ids.length
        ? (JSON.parse(docker(['inspect', ...ids])) as {
            Config: { Labels: Record<string, string> };
            State: { Running: boolean; ExitCode: number; StartedAt: string; FinishedAt: string };
            NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
          }[])
        : [];
      await Promise.all(
        containers.map(async (s) => {
          const service = s.Config.Labels['com.docker.compose.service']!;
          if (!services.includes(service) || service in result) return;
          if (jobs.includes(service)) {
            if (!s.State.Running && s.State.ExitCode === 0 && Date.parse(s.State.FinishedAt) > 0)
              result[service] = (Date.parse(s.State.FinishedAt) - Date.parse(s.State.StartedAt)) / 1000;
            return;
          }
          const ip = Object.values(s.NetworkSettings.Networks)[0]?.IPAddress;
          if (!s.State.Running || !ip) return;
          const res = await fetch(healthUrl(service, ip)!, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
          if (res && (res.status === 200 || service === 'seaweedfs')) result[service] = Math.round((Date.now() - Date.parse(s.State.StartedAt)) / 100) / 10;
        }),
      );
      return services.every((s) => s in result);
    },
    { timeoutMs, intervalMs: 250, what: () => `health checks of ${services.filter((s) => !(s in result)).join(', ')}` },
  );
  return result;
}

export interface ImageMeasure {
  /** Unpacked, as `docker image inspect` counts it. */
  sizeMb: number;
  /** Compressed layers + config in the registry: what a Pi pulls when it holds none of them. */
  pullMb: number;
}

/** Per image and arch: size in Docker's store and in the registry; and the bytes a pull of every image fetches, each shared layer once. */
export async function imageMeasures(
  host: string,
  images: string[],
): Promise<{ perImage: Record<string, Partial<Record<Arch, ImageMeasure>>>; uniquePullMb: Record<string, number> }> {
  // MB as Docker counts them (10^6 bytes), comparable with `docker images`
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  const perImage: Record<string, Partial<Record<Arch, ImageMeasure>>> = {};
  const unique: Record<string, Map<string, number>> = { all: new Map() };
  for (const image of images) {
    const tag = await registryTag(host, `erpbi/${image}`, '0.1.0');
    perImage[image] = {};
    for (const arch of arches) {
      const layers = tag.platforms[`linux/${arch}`]?.layers ?? [];
      unique[arch] ??= new Map();
      for (const l of layers) {
        unique[arch].set(l.digest, l.size);
        unique.all!.set(l.digest, l.size);
      }
      const size = Number(docker(['image', 'inspect', '-f', '{{.Size}}', `${dockerRegistry(arch)}/${image}:0.1.0`]));
      perImage[image][arch] = { sizeMb: mb(size), pullMb: mb(layers.reduce((n, l) => n + l.size, 0)) };
    }
  }
  return { perImage, uniquePullMb: Object.fromEntries(Object.entries(unique).map(([k, m]) => [k, mb([...m.values()].reduce((a, b) => a + b, 0))])) };
}
