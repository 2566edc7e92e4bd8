import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './support.js';

/**
 * The extras file read the way faasd reads it, to find what would not start. Each rule is from faasd's
 * source (openfaas/faasd, go.mod pins compose-spec/compose-go v0.0.0-20200528 and containerd 1.7):
 * - pkg/supervisor.go ParseCompose keeps image, environment, volumes (type bind only, else an error),
 *   cap_add, command, depends_on, ports and user of each service, and drops every other key;
 * - compose-go's loader interpolates ${VAR} and $VAR with ARCH_SUFFIX the only variable set
 *   (LoadComposeFileWithArch), so any other becomes an empty string; `$$` is a literal `$`;
 * - Supervisor.Start: oci.WithImageConfig (the image's entrypoint + cmd, env, user, workdir), then
 *   withUserOrDefault(user), oci.WithCapabilities(cap_add) (the whole set: none unless listed),
 *   withOCIArgs(command), which replaces the whole argv, entrypoint included; runc then looks argv[0]
 *   up on the image's PATH unless it is a path, and fails the start if it is not there;
 * - a command written as a string is split into words (shellwords), with no shell;
 * - an environment entry without `=` becomes NAME="" with the quotes (ParseCompose);
 * - depends_on is a list of names ordering the starts (pkg/deployment_order.go); a name that is no
 *   service crashes faasd (a nil node in pkg/depgraph), and so does a cycle;
 * - a bare numeric user makes faasd chown the sources of the service's extension-less mounts.
 * docs/faasd.md says the same, with what each means for erpbi.
 */

/** The keys of a service faasd reads; any other is dropped without a word. */
export const faasdReads = ['image', 'environment', 'volumes', 'cap_add', 'command', 'depends_on', 'ports', 'user'] as const;
/** The keys of a volume faasd reads (compose-go's ServiceVolumeConfig -> Mount{Src, Dest, ReadOnly}). */
const mountReads = ['type', 'source', 'target', 'read_only'];
/** faasd's own services, in its docker-compose.yaml: erpbi's may depend on them. */
export const faasdOwnServices = ['basic-auth-plugin', 'gateway', 'nats', 'prometheus', 'queue-worker'];
/** Where erpbi's mount sources live on the Pi: ./ is faasd's working directory, /var/lib/faasd. */
export const mountRoots = ['./erpbi/', '/var/lib/faasd/erpbi/'];

/** What is known of an image, and where from: faasd starts what the image holds, nothing else. */
export interface ImageFacts {
  /** ENTRYPOINT and CMD: what runs when the service gives no command. */
  entrypoint: string[];
  cmd: string[];
  /** the image's PATH, where a program named without a path is looked up */
  path: string[];
  /** programs the image has, by path */
  programs: string[];
  /** the user it runs as when the service names none */
  defaultUser: string;
  /** the uid:gid it may run as on faasd (*: any) */
  users: string[];
  /** the start of the command line that does the image's own setup, which must not be skipped */
  init?: string[];
  source: string;
}

const debianPath = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const alpinePath = debianPath;

/** erpbi's own image, as compose/Dockerfile builds it: its node, its user, its CMD. */
function erpbiImage(): ImageFacts {
  const text = readFileSync(join(root, 'compose/Dockerfile'), 'utf8');
  const user = [...text.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
  const uid = new RegExp(`useradd --uid (\\d+) --gid (\\S+) .*\\b${user}\\b`).exec(text);
  const gid = uid && new RegExp(`groupadd --gid (\\d+) ${uid[2]}\\b`).exec(text);
  const cmd = /^CMD\s+(\[.*\])/m.exec(text)?.[1];
  if (!user || !uid || !gid || !cmd) throw new Error('compose/Dockerfile: USER, its useradd --uid/groupadd --gid, or CMD not found');
  const copied = [...text.matchAll(/^COPY\s+\S+\s+(\/usr\/local\/bin\/\S+)/gm)].map((m) => m[1]!);
  const ownerUser = `${uid[1]}:${gid[1]}`;
  return {
    entrypoint: [],
    cmd: JSON.parse(cmd) as string[],
    path: debianPath,
    programs: [...copied, '/bin/sh', '/bin/bash'],
    defaultUser: ownerUser,
    users: [ownerUser],
    source: 'compose/Dockerfile (Debian bookworm; USER, useradd/groupadd, COPY into /usr/local/bin, CMD)',
  };
}

/**
 * The images of the extras, by reference without digest. A new tag is a new row: its entrypoint, its
 * programs or its user may have changed, and this table is what the test trusts.
 */
export function imageFacts(): Record<string, ImageFacts> {
  return {
    'docker.io/library/traefik:v3.3': {
      entrypoint: ['/entrypoint.sh'],
      cmd: ['traefik'],
      path: alpinePath,
      programs: ['/entrypoint.sh', '/usr/local/bin/traefik', '/bin/sh'],
      defaultUser: '0:0',
      users: ['0:0'],
      source:
        'traefik/traefik-library-image v3.3/alpine/Dockerfile: traefik in /usr/local/bin, ENTRYPOINT ["/entrypoint.sh"] (puts `traefik` before flags), CMD ["traefik"], no USER',
    },
    'docker.io/library/postgres:15-bookworm': {
      entrypoint: ['docker-entrypoint.sh'],
      cmd: ['postgres'],
      path: [...debianPath, '/usr/lib/postgresql/15/bin'],
      programs: ['/usr/local/bin/docker-entrypoint.sh', '/usr/lib/postgresql/15/bin/postgres', '/usr/lib/postgresql/15/bin/initdb', '/bin/bash', '/bin/sh'],
      defaultUser: '0:0',
      // postgres refuses to run as root ("root" execution of the PostgreSQL server is not permitted);
      // root only reaches it through the entrypoint's gosu, which needs capabilities faasd would have to give
      users: ['999:999'],
      init: ['/usr/local/bin/docker-entrypoint.sh', 'postgres'],
      source:
        'docker-library/postgres 15/bookworm/Dockerfile: postgres user and group 999, PATH + /usr/lib/postgresql/15/bin, docker-entrypoint.sh in /usr/local/bin as ENTRYPOINT, CMD ["postgres"]; its docker-entrypoint.sh inits (initdb, /docker-entrypoint-initdb.d) when $1 is postgres, and as a non-root user skips its chown and gosu ("Arbitrary --user Notes")',
    },
    'docker.io/library/nats:2.10-alpine': {
      entrypoint: ['docker-entrypoint.sh'],
      cmd: ['nats-server', '--config', '/etc/nats/nats-server.conf'],
      path: alpinePath,
      programs: ['/usr/local/bin/docker-entrypoint.sh', '/usr/local/bin/nats-server', '/bin/sh', '/usr/bin/tr', '/bin/cat'],
      defaultUser: '0:0',
      users: ['0:0', '*'],
      source:
        'nats-io/nats-docker 2.10.x/alpine3.x/Dockerfile: nats-server and docker-entrypoint.sh in /usr/local/bin, busybox sh, no USER (any uid owning its store will do)',
    },
    'docker.io/natsio/prometheus-nats-exporter:0.16.0': {
      entrypoint: ['/entrypoint.sh'],
      cmd: [],
      path: alpinePath,
      programs: ['/entrypoint.sh', '/usr/local/bin/prometheus-nats-exporter', '/prometheus-nats-exporter', '/bin/sh'],
      defaultUser: '0:0',
      users: ['0:0', '*'],
      source:
        'nats-io/prometheus-nats-exporter cicd/Dockerfile: the binary in /usr/local/bin, linked from /prometheus-nats-exporter, ENTRYPOINT ["/entrypoint.sh"] (exec "/${GO_APP}" "$@"), no USER',
    },
    'quay.io/keycloak/keycloak:26.0': {
      entrypoint: ['/opt/keycloak/bin/kc.sh'],
      cmd: [],
      path: debianPath,
      programs: ['/opt/keycloak/bin/kc.sh', '/bin/bash', '/usr/bin/bash', '/bin/cat', '/bin/sleep'],
      defaultUser: '1000:0',
      users: ['1000:0'],
      source:
        'keycloak/keycloak quarkus/container/Dockerfile: ubi9-micro with bash and coreutils, user keycloak 1000 in group 0 (USER 1000), ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]',
    },
    'docker.io/chrislusf/seaweedfs:4.48': {
      entrypoint: ['/entrypoint.sh'],
      cmd: [],
      path: alpinePath,
      programs: ['/entrypoint.sh', '/usr/bin/weed', '/bin/sh'],
      defaultUser: '0:0',
      users: ['0:0', '*'],
      source:
        'seaweedfs/seaweedfs docker/Dockerfile.go_build: weed in /usr/bin, ENTRYPOINT ["/entrypoint.sh"] (adds -dir=/data and sizes for `server`), WORKDIR /data, no USER',
    },
    'docker.io/prom/prometheus:v2.55.1': {
      entrypoint: ['/bin/prometheus'],
      cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
      path: debianPath,
      programs: ['/bin/prometheus', '/bin/promtool', '/bin/sh'],
      defaultUser: '65534:65534',
      users: ['65534:65534'],
      source: 'prometheus/prometheus Dockerfile: busybox base, /bin/prometheus as ENTRYPOINT, USER nobody (65534)',
    },
    'docker.io/grafana/grafana-oss:11.3.0': {
      entrypoint: ['/run.sh'],
      cmd: [],
      path: [...alpinePath, '/usr/share/grafana/bin'],
      programs: ['/run.sh', '/usr/share/grafana/bin/grafana', '/bin/sh', '/bin/bash'],
      defaultUser: '472:0',
      users: ['472:0'],
      source: 'grafana/grafana Dockerfile: GF_UID 472, GF_GID 0, USER "$GF_UID", ENTRYPOINT ["/run.sh"]',
    },
    'docker.io/library/nginx:1.27-alpine': {
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
      path: alpinePath,
      programs: ['/docker-entrypoint.sh', '/usr/sbin/nginx', '/bin/sh'],
      defaultUser: '0:0',
      // its master binds 80 and switches the workers to nginx: root (the unprivileged variant is another image)
      users: ['0:0'],
      source:
        'nginxinc/docker-nginx mainline/alpine/Dockerfile: nginx in /usr/sbin, ENTRYPOINT ["/docker-entrypoint.sh"], CMD ["nginx", "-g", "daemon off;"], listens on 80 as root',
    },
    'ghcr.io/erpbi/erpbi': erpbiImage(),
  };
}

/** The table's row for an image reference: erpbi's by name (any tag), others by name:tag (digest aside). */
export function factsOf(image: string, table = imageFacts()): ImageFacts | undefined {
  const ref = image.replace(/@sha256:[0-9a-f]{64}$/, '');
  return table[ref] ?? table[ref.replace(/:[^/:]+$/, '')];
}

const shells = ['/bin/sh', '/bin/bash', '/usr/bin/bash', 'sh', 'bash'];
const isRoot = (user: string) => /^0(:|$)/.test(user);

/** Where runc finds a program: a path as it is, a bare name on the image's PATH; undefined if nowhere. */
export function resolveProgram(program: string, facts: ImageFacts): string | undefined {
  if (program.includes('/')) return facts.programs.includes(program) ? program : undefined;
  return facts.path.map((d) => `${d}/${program}`).find((p) => facts.programs.includes(p));
}

/** The argv faasd starts: the command as written, or the image's entrypoint + cmd. */
export function argvOf(spec: any, facts: ImageFacts): string[] {
  return Array.isArray(spec.command) ? spec.command.map(String) : [...facts.entrypoint, ...facts.cmd];
}

/** Every string anywhere in a value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/**
 * Why faasd would not start this service as meant (empty: it would). `names`: the services of the
 * file, which depends_on may name besides faasd's own.
 */
export function faasdProblems(name: string, spec: any, names: string[], table = imageFacts()): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(spec)) if (!(faasdReads as readonly string[]).includes(k)) problems.push(`${k}: faasd ignores it`);
  // compose-go's template: $$ is a literal $, $NAME and ${NAME} a variable, any other $ an invalid template
  for (const s of strings(spec)) {
    for (const m of s.replaceAll('$$', '').matchAll(/\$(\{?\w*)/g)) {
      if (/^\{?ARCH_SUFFIX$/.test(m[1]!)) continue;
      problems.push(
        /^\{?[A-Za-z_]/.test(m[1]!)
          ? `$${m[1]}: faasd interpolates it to an empty string (only ARCH_SUFFIX is set); write $$ for a literal $`
          : `a lone $ in ${JSON.stringify(s.slice(0, 40))}: faasd refuses the whole file (invalid template); write $$`,
      );
    }
  }

  const image = typeof spec.image === 'string' ? spec.image : '';
  const facts = factsOf(image, table);
  if (!facts) return [...problems, `image ${image || '(none)'}: not in the table of known images (tests/deploy/faasd-reader.ts): what would it run?`];

  // command: the whole argv
  if (spec.command !== undefined && !Array.isArray(spec.command))
    problems.push('command: a string is split into words by faasd, with no shell: write the list');
  const argv = argvOf(spec, facts);
  const program = argv[0];
  if (!program) problems.push('no program: neither a command nor an image entrypoint/cmd');
  else if (!resolveProgram(program, facts))
    problems.push(`command: ${program} is not a program of ${image} (command replaces its entrypoint ${JSON.stringify(facts.entrypoint)})`);
  if (facts.init && JSON.stringify(argv.slice(0, facts.init.length)) !== JSON.stringify(facts.init)) {
    const bare = facts.init.map((a) => a.replace(/^.*\//, ''));
    if (JSON.stringify(argv.slice(0, bare.length)) !== JSON.stringify(bare))
      problems.push(`command: skips the image's init (${facts.init.join(' ')}), so it would not prepare its data`);
  }
  // a shell wrapper: what its script execs must be there too
  if (program && shells.includes(program) && argv[1] === '-c') {
    for (const m of (argv[2] ?? '').matchAll(/\bexec\s+(?![0-9]*[<>])(?:[A-Z_]+=\S+\s+)*([^\s;&|)]+)/g)) {
      if (!resolveProgram(m[1]!, facts)) problems.push(`command: its script execs ${m[1]}, which ${image} does not have`);
    }
  }

  // user
  const user = spec.user === undefined ? facts.defaultUser : String(spec.user);
  if (spec.user !== undefined && !/^\d+:\d+$/.test(user))
    problems.push(`user ${user}: write uid:gid (a bare uid makes faasd chown its mount sources; a name needs the image's /etc/passwd)`);
  if (!facts.users.includes(user) && !(facts.users.includes('*') && /^\d+:\d+$/.test(user)))
    problems.push(`user ${user}: ${image} may run as ${facts.users.join(' or ')}`);
  if (name === 'postgres' && isRoot(user)) problems.push('user: postgres must not run as root');

  // environment: NAME=value each
  const env = spec.environment;
  if (Array.isArray(env)) {
    for (const e of env)
      if (typeof e !== 'string' || !e.includes('=')) problems.push(`environment ${String(e)}: without =, faasd sets it to "" (with the quotes)`);
  } else if (env && typeof env === 'object') {
    for (const [k, v] of Object.entries(env))
      if (v === null || v === undefined) problems.push(`environment ${k}: no value, faasd sets it to "" (with the quotes)`);
  } else if (env !== undefined) problems.push('environment: a list of NAME=value or a map');

  // volumes: bind mounts under erpbi's folder
  for (const m of spec.volumes ?? []) {
    if (typeof m !== 'object' || m === null) {
      problems.push(`volume ${String(m)}: write it out (type: bind, source, target, read_only)`);
      continue;
    }
    if (m.type !== 'bind') problems.push(`volume ${m.source ?? ''}: type ${String(m.type)}; faasd refuses all but bind (no named volumes)`);
    for (const k of Object.keys(m)) if (!mountReads.includes(k)) problems.push(`volume ${m.source}: ${k}: faasd ignores it`);
    if (typeof m.source !== 'string' || !mountRoots.some((r) => m.source.startsWith(r)) || m.source.includes('/../'))
      problems.push(`volume ${String(m.source)}: sources live under /var/lib/faasd/erpbi`);
    if (typeof m.target !== 'string' || !m.target.startsWith('/')) problems.push(`volume ${String(m.source)}: target must be an absolute path`);
  }

  // depends_on: a list of names that exist
  const deps = spec.depends_on;
  if (deps !== undefined && !Array.isArray(deps))
    problems.push('depends_on: faasd reads a list of names; conditions (service_healthy, service_completed_successfully) are not kept');
  for (const d of Array.isArray(deps) ? deps : [])
    if (!names.includes(d) && !faasdOwnServices.includes(d)) problems.push(`depends_on ${String(d)}: no such service (faasd would crash)`);

  // capabilities: as the OCI spec names them
  for (const c of spec.cap_add ?? [])
    if (!/^CAP_[A-Z_]+$/.test(String(c))) problems.push(`cap_add ${String(c)}: faasd hands it to the OCI spec as written: CAP_...`);
  return problems;
}

/** A cycle in depends_on (faasd panics on one), as its names; none: []. */
export function dependencyCycle(services: Record<string, any>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const walk = (n: string, path: string[]): string[] => {
    if (state.get(n) === 'done') return [];
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    for (const d of Array.isArray(services[n]?.depends_on) ? services[n].depends_on : []) {
      const c = walk(d, [...path, n]);
      if (c.length) return c;
    }
    state.set(n, 'done');
    return [];
  };
  for (const n of Object.keys(services)) {
    const c = walk(n, []);
    if (c.length) return c;
  }
  return [];
}
