import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeFiles, faasdExtras, root, services, type ServiceEntry } from './support.js';

/**
 * Container hardening, service by service, for every compose file erpbi ships:
 * - plain Docker Compose (base, erp, bi): no capability but those named below, no gaining any, a
 *   read-only root and a non-root user, each exception named with its reason;
 * - the container test's stand-ins overlay: it replaces images, never loosens what base gives them;
 * - faasd's extras: a non-root uid:gid, capabilities within an allow-list, configuration mounted
 *   read-only. That faasd would start each of them at all, with only keys it reads, is
 *   tests/deploy/faasd-extras.test.ts. What faasd reads and does is from openfaas/faasd
 *   pkg/supervisor.go (ParseCompose, Supervisor.Start): docs/faasd.md.
 */

const standIns = 'tests/containers/docker-compose.stand-ins.yml';
const plain = services(composeFiles);
const overlay = services([standIns]);
const extras = services([faasdExtras]);
const label = (s: ServiceEntry) => `${s.file.replace(/^.*\//, '')} ${s.name}`;

const isRoot = (user: unknown) => /^(0|root)(:|$)/.test(String(user));
/** The image a service runs: erpbi's own (built here, from which Dockerfile) or a third party's. */
function ownDockerfile(image: unknown): string | undefined {
  const ref = String(image);
  // erpbi's own images: `${REGISTRY:-ghcr.io/erpbi}/<name>:<tag>` in compose, ghcr.io/erpbi/ on faasd
  const own = /^(?:\$\{REGISTRY:-ghcr\.io\/erpbi\}|ghcr\.io\/erpbi)\/([a-z0-9-]+):/.exec(ref);
  if (!own) return undefined;
  return own[1] === 'erpbi' ? 'compose/Dockerfile' : 'template/erpbi-node/Dockerfile';
}
/** The user a Dockerfile leaves its image running as (its last USER). */
function dockerfileUser(file: string): string | undefined {
  const users = [...readFileSync(join(root, file), 'utf8').matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]!);
  return users.at(-1);
}

// ---- plain Docker Compose -------------------------------------------------------------------------

/** Capabilities a plain-compose service gets back after cap_drop ALL, and why. */
const composeCaps: Record<string, { caps: string[]; why: string }> = {
  traefik: { caps: ['NET_BIND_SERVICE'], why: 'binds 80 and 443' },
  postgres: {
    caps: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
    why: 'the official entrypoint prepares the data directory as root, then runs postgres as its user',
  },
  web: { caps: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'], why: 'nginx: a root master binding 80, workers switched to the nginx user' },
};

/** Plain-compose services that run as root, and why (every other one names a non-root user, or is erpbi's own image whose Dockerfile does). */
const composeRoot: Record<string, string> = {
  traefik: 'binds 80/443 and reads the 700 root-owned certificate directory as its owner',
  postgres: 'the official entrypoint chowns the data directory as root, then drops to postgres (gosu)',
  'erpbi-nats': "the official image runs as root and its JetStream store is a named volume Docker creates root's",
  seaweedfs:
    'the official image runs as root and has no user of its own; the seaweedfs_data volume starts as a copy of its root-owned /data, which no other user could write (on faasd, where the data directory is made for it, it runs as its own uid)',
  web: 'nginx: the root master binds 80, the workers run as nginx',
};

/** Plain-compose services whose root filesystem stays writable, and why: third-party images not run read-only here. */
const composeWritableRoot: Record<string, string> = {
  traefik: 'the official image is stood in for by nginx in the container test: read-only not proven',
  keycloak: "kc.sh start rebuilds into /opt/keycloak/lib when its build options (database, health, metrics, cache) differ from the image's, as ours do",
  postgres: 'the official entrypoint writes /var/run/postgresql and its own files: not proven read-only here',
  'erpbi-nats': 'not proven read-only here',
  'nats-exporter': 'left out of the container test: not proven read-only',
  seaweedfs: 'stood in for by s3rver in the container test: not proven read-only',
  prometheus: 'not proven read-only here',
  grafana: 'installs its plugin at start; left out of the container test',
  web: 'nginx writes its cache and pid under /var: not proven read-only here',
};

describe('plain Docker Compose: every service of base, erp and bi', () => {
  it.each(plain.map((s) => [label(s), s] as const))('%s: drops every capability and may gain none', (_n, s) => {
    expect(s.spec.cap_drop, 'cap_drop').toEqual(['ALL']);
    expect(s.spec.security_opt, 'security_opt').toEqual(['no-new-privileges:true']);
    expect(s.spec.privileged, 'privileged').toBeUndefined();
    for (const k of ['pid', 'ipc', 'network_mode', 'userns_mode', 'devices']) expect(s.spec[k], k).toBeUndefined();
    const allowed = composeCaps[s.name]?.caps ?? [];
    expect([...(s.spec.cap_add ?? [])].sort(), `cap_add of ${s.name}`).toEqual(allowed);
  });

  it.each(plain.map((s) => [label(s), s] as const))('%s: a read-only root, or a named reason', (_n, s) => {
    if (composeWritableRoot[s.name]) {
      expect(ownDockerfile(s.spec.image), `${s.name}: erpbi's own images always run read-only`).toBeUndefined();
      expect(s.spec.read_only, `${s.name} is read-only now: take it off the exception list`).toBeUndefined();
      return;
    }
    expect(s.spec.read_only, 'read_only').toBe(true);
    expect(s.spec.tmpfs, 'scratch space in memory').toContain('/tmp');
  });

  it.each(plain.map((s) => [label(s), s] as const))('%s: runs as a non-root user, or a named reason', (_n, s) => {
    if (composeRoot[s.name]) {
      expect(s.spec.user, `${s.name} names a user now: take it off the exception list`).toBeUndefined();
      return;
    }
    const own = ownDockerfile(s.spec.image);
    const user = s.spec.user ?? (own ? dockerfileUser(own) : undefined);
    expect(user, `${s.name}: no user: given, and the image is not erpbi's own`).toBeDefined();
    expect(isRoot(user), `${s.name} runs as ${String(user)}`).toBe(false);
  });

  it('the exception lists name only services that exist', () => {
    const names = new Set(plain.map((s) => s.name));
    for (const n of [...Object.keys(composeCaps), ...Object.keys(composeRoot), ...Object.keys(composeWritableRoot)]) expect(names, n).toContain(n);
  });
});

describe("the container test's stand-ins overlay", () => {
  /** Capabilities a stand-in may name (compose merges its cap_add with base's). */
  const standInCaps: Record<string, string[]> = { traefik: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] };

  it.each(overlay.map((s) => [label(s), s] as const))('%s: loosens nothing base gives the service', (_n, s) => {
    expect(
      plain.map((p) => p.name),
      `${s.name} stands in for a service of the compose files`,
    ).toContain(s.name);
    for (const k of ['cap_drop', 'security_opt', 'read_only', 'privileged', 'user', 'pid', 'ipc', 'network_mode', 'userns_mode', 'devices'])
      expect(s.spec[k], `${s.name} overrides ${k}`).toBeUndefined();
    expect([...(s.spec.cap_add ?? [])].sort(), `cap_add of ${s.name}`).toEqual(standInCaps[s.name] ?? []);
  });
});

// ---- faasd ----------------------------------------------------------------------------------------

/** faasd services that run as root (no user:), with the capabilities they get, and why. */
const faasdRoot: Record<string, { caps: string[]; why: string }> = {
  traefik: {
    caps: ['CAP_NET_BIND_SERVICE'],
    why: 'binds 80 and 443 in its network namespace; faasd gives no ambient capabilities, so a non-root process could not',
  },
  web: { caps: ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE', 'CAP_SETGID', 'CAP_SETUID'], why: 'nginx: a root master binding 80, workers switched to the nginx user' },
};

/** The one writable mount of each faasd service that keeps data; every other mount is read-only. */
const faasdData: Record<string, string> = {
  postgres: '/var/lib/postgresql/data',
  'erpbi-nats': '/data',
  seaweedfs: '/data',
  'erpbi-prometheus': '/prometheus',
  grafana: '/var/lib/grafana',
  'project-to-olap': '/data/olap',
};

describe('faasd extras: every service', () => {
  const twin = (name: string) => plain.find((p) => p.name === (name === 'erpbi-prometheus' ? 'prometheus' : name));

  it.each(extras.map((s) => [label(s), s] as const))('%s: runs as a non-root uid:gid, or is a named root service', (_n, s) => {
    if (faasdRoot[s.name]) {
      expect(s.spec.user, `${s.name}: root by the image's default`).toBeUndefined();
      return;
    }
    // uid:gid, never a bare uid: faasd chowns every extension-less mount source (secrets, config
    // directories) to a bare numeric user at each start
    expect(String(s.spec.user), `${s.name} user`).toMatch(/^\d+:\d+$/);
    expect(isRoot(s.spec.user), `${s.name} runs as root`).toBe(false);
  });

  it.each(extras.map((s) => [label(s), s] as const))('%s: capabilities within its allow-list and its compose twin, never CAP_NET_RAW', (_n, s) => {
    const caps: string[] = [...(s.spec.cap_add ?? [])].sort();
    // faasd hands the names to the OCI spec as they are: only CAP_-prefixed names are capabilities there
    for (const c of caps) expect(c, s.name).toMatch(/^CAP_[A-Z_]+$/);
    expect(caps, `${s.name}: CAP_NET_RAW`).not.toContain('CAP_NET_RAW');
    expect(caps, `cap_add of ${s.name}`).toEqual(faasdRoot[s.name]?.caps ?? []);
    // never more than plain compose gives the same service
    const composeCapsOfTwin = (twin(s.name)?.spec.cap_add ?? []).map((c: string) => `CAP_${c}`);
    for (const c of caps) expect(composeCapsOfTwin, `${s.name} gets ${c} on faasd only`).toContain(c);
  });

  it.each(extras.map((s) => [label(s), s] as const))('%s: configuration and secrets read-only, only its data writable, parents mounted first', (_n, s) => {
    const mounts: { target: string; read_only?: boolean }[] = s.spec.volumes ?? [];
    for (const m of mounts) {
      if (m.target === faasdData[s.name]) expect(m.read_only, `${s.name} ${m.target}: its data`).toBeUndefined();
      else expect(m.read_only, `${s.name} ${m.target} must be read_only: true`).toBe(true);
    }
    if (faasdData[s.name])
      expect(
        mounts.map((m) => m.target),
        s.name,
      ).toContain(faasdData[s.name]);
    // faasd mounts in the order written: a mount over a parent directory after its child hides it
    mounts.forEach((m, i) => {
      for (const later of mounts.slice(i + 1))
        expect(m.target.startsWith(`${later.target}/`), `${s.name}: ${later.target} is mounted after ${m.target}, inside it`).toBe(false);
    });
  });

  // docs/faasd.md's table of data directories is what the installer makes (install -d -o UID -g GID)
  const faasdDoc = readFileSync(join(root, 'docs/faasd.md'), 'utf8');

  it("docs/faasd.md's data directories are each service's writable mount, owned by the uid:gid it runs as", () => {
    const table = new Map([...faasdDoc.matchAll(/^\| `([\w-]+)` \| ([\w-]+) \| `(\d+:\d+)` \|$/gm)].map((m) => [m[1]!, { service: m[2]!, owner: m[3]! }]));
    expect([...table.values()].map((r) => r.service).sort()).toEqual(Object.keys(faasdData).sort());
    for (const [name, target] of Object.entries(faasdData)) {
      const s = extras.find((e) => e.name === name)!;
      const source = s.spec.volumes.find((m: any) => m.target === target).source.replace('./erpbi/', '');
      expect(table.get(source), `docs/faasd.md: a row for ${source}`).toEqual({ service: name, owner: s.spec.user });
    }
  });

  it("docs/faasd.md's \"Hardening on faasd\" gives each service's uid and names the root ones' capabilities", () => {
    const section = faasdDoc.slice(faasdDoc.indexOf('## Hardening on faasd'), faasdDoc.indexOf('## Memory on faasd'));
    expect(section.length, 'the section exists').toBeGreaterThan(100);
    for (const s of extras) {
      if (faasdRoot[s.name]) continue;
      const uid = String(s.spec.user).split(':')[0]!;
      expect(section, `${s.name} runs as ${uid}`).toMatch(new RegExp(`\\b${uid}\\b`));
    }
    for (const caps of Object.values(faasdRoot)) for (const c of caps.caps) expect(section, c).toContain(`\`${c}\``);
  });

  it('the allow-lists name only services that exist', () => {
    const names = new Set(extras.map((s) => s.name));
    for (const n of [...Object.keys(faasdRoot), ...Object.keys(faasdData)]) expect(names, n).toContain(n);
  });
});
