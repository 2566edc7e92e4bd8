import { Document, parse } from 'yaml';
import { z } from 'zod';

// faasd's compose file, generated: faasd's own services + erpbi's extras (compose/docker-compose.faasd-extras.yml)
// with the domain, the registry and the secrets' folder applied. faasd cannot take these as variables:
// its compose loader interpolates ${ARCH_SUFFIX} alone (openfaas/faasd pkg/supervisor.go,
// LoadComposeFileWithArch), so the installer writes them in (contract 3 of issue 22: the domain is one
// setting, ERPBI_DOMAIN, and nothing is sed-ed). docs/faasd.md.

/** The placeholders the extras file is written with, replaced here. */
export const placeholderDomain = 'erpbi.lan';
export const placeholderRegistry = 'ghcr.io/erpbi';
export const placeholderSecrets = './erpbi/secrets';

/** faasd's own services (its docker-compose.yaml): erpbi's may never take these names. */
export const faasdCoreServices = ['basic-auth-plugin', 'gateway', 'nats', 'prometheus', 'queue-worker'] as const;

// No `$` in what is written in: faasd interpolates the file (`$$` is a literal `$`), and none of these needs one.
const options = z.object({
  domain: z
    .string()
    .regex(
      /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
      'must be a lower-case DNS name with a dot, such as erp.example.com',
    ),
  registry: z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
      'must be an image name prefix without a tag, such as 192.168.1.10:5000/erpbi',
    )
    .default(placeholderRegistry),
  secretsDir: z
    .string()
    .regex(/^\/[\w./-]*[\w-]$/, 'must be an absolute path of letters, digits, dots, dashes and slashes, such as /var/lib/faasd/erpbi/secrets')
    .optional(),
});
export type FaasdComposeOptions = z.input<typeof options>;

const service = z.record(z.string(), z.unknown());
const composeFile = z.looseObject({ services: z.record(z.string(), service) });
type Service = z.infer<typeof service>;

function parseCompose(text: string, what: string): z.infer<typeof composeFile> {
  const parsed = composeFile.safeParse(parse(text));
  if (!parsed.success)
    throw new Error(
      `${what} is not a compose file with services: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** An extras service with the domain, registry and secrets' folder of this Pi. */
function localise(spec: Service, o: z.infer<typeof options>): Service {
  const out: Service = { ...spec };
  if (typeof spec.image === 'string' && spec.image.startsWith(`${placeholderRegistry}/`))
    out.image = `${o.registry}/${spec.image.slice(placeholderRegistry.length + 1)}`;
  if (Array.isArray(spec.environment)) out.environment = spec.environment.map((e) => (typeof e === 'string' ? e.replaceAll(placeholderDomain, o.domain) : e));
  if (Array.isArray(spec.volumes) && o.secretsDir) {
    const dir = o.secretsDir;
    out.volumes = spec.volumes.map((v) => {
      const m = v as { source?: unknown };
      return typeof m.source === 'string' && m.source.startsWith(`${placeholderSecrets}/`)
        ? { ...m, source: `${dir}/${m.source.slice(placeholderSecrets.length + 1)}` }
        : v;
    });
  }
  return out;
}

/** faasd's gateway publishes 8080 on every interface; Traefik fronts it, so it listens on the Pi only. */
function gatewayOnLoopback(spec: Service): Service {
  if (!Array.isArray(spec.ports)) return spec;
  return { ...spec, ports: spec.ports.map((p) => (typeof p === 'string' && /^\d+:\d+$/.test(p) ? `127.0.0.1:${p}` : p)) };
}

/**
 * faasd's compose file for this Pi: `faasd` (its own docker-compose.yaml, as its installer wrote it, or
 * one this function made before: erpbi's services in it are replaced, so a re-run changes nothing) and
 * `extras` (the text of compose/docker-compose.faasd-extras.yml) -> the YAML to write to
 * /var/lib/faasd/docker-compose.yaml.
 */
export function faasdCompose(faasd: string, extras: string, opts: FaasdComposeOptions): string {
  const checked = options.safeParse(opts);
  if (!checked.success)
    throw new Error(
      checked.error.issues
        .map(
          (i) =>
            `--${String(i.path[0]) === 'secretsDir' ? 'secrets' : String(i.path[0])} ${i.message} (got ${JSON.stringify((opts as Record<string, unknown>)[String(i.path[0])])})`,
        )
        .join('\n'),
    );
  const o = checked.data;
  const base = parseCompose(faasd, "faasd's compose file");
  const ours = parseCompose(extras, 'the extras file');
  const taken = Object.keys(ours.services).filter((n) => (faasdCoreServices as readonly string[]).includes(n));
  if (taken.length) throw new Error(`the extras file names faasd's own services ${taken.join(', ')}: erpbi's must have names of their own`);
  const services: Record<string, Service> = {};
  for (const [name, spec] of Object.entries(base.services)) if (!(name in ours.services)) services[name] = name === 'gateway' ? gatewayOnLoopback(spec) : spec;
  for (const [name, spec] of Object.entries(ours.services)) services[name] = localise(spec, o);
  // faasd's `version` first, as in its file
  // Written for YAML 1.1 readers: unquoted, 472:0 and 1000:0 are base-60 integers to them (docker-compose
  // 1.x's PyYAML refuses such a user) and `on`, `yes` booleans. faasd's gopkg.in/yaml.v2 decodes no
  // base 60 but quotes such strings itself when it writes: quoted, the file reads the same everywhere.
  const doc = new Document({ ...('version' in base ? { version: base.version } : {}), ...base, services }, { version: '1.1' });
  doc.commentBefore = ` faasd's services and erpbi's, written by \`erpbi install faasd-compose\` (cli/install/faasd-compose.ts)\n from compose/docker-compose.faasd-extras.yml: change that file and re-run the installer, not this one.`;
  return doc.toString({ lineWidth: 0 });
}

/**
 * Who reads each secret on faasd: secret name -> the uids of the services that mount it, sorted. A
 * secret file is bind-mounted as it is (same inode, same owner and mode) into every service that names
 * it, and five are read by two services running as different users (keycloak-db-password by Postgres
 * 999 and Keycloak 1000, nats-connector and nats-projector by erpbi-nats 10001 and the reader 1000,
 * grafana-*-client-secret by Keycloak 1000 and Grafana 472): one owner cannot serve both, so the
 * installer gives each file to root, 0600, plus a read ACL per uid here (setfacl -m u:UID:r).
 * A service without `user` runs as root (its image's user is root for every such extra: the test
 * tests/deploy/faasd-extras.test.ts checks each image's user).
 */
export function faasdSecretReaders(extras: string): Record<string, number[]> {
  const readers: Record<string, Set<number>> = {};
  for (const [name, spec] of Object.entries(parseCompose(extras, 'the extras file').services)) {
    const uid = spec.user === undefined ? 0 : Number(String(spec.user).split(':')[0]);
    if (!Number.isInteger(uid) || uid < 0) throw new Error(`${name}: user ${String(spec.user)} is not uid:gid in numbers`);
    for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
      const source = (v as { source?: unknown }).source;
      if (typeof source === 'string' && source.startsWith(`${placeholderSecrets}/`))
        (readers[source.slice(placeholderSecrets.length + 1)] ??= new Set()).add(uid);
    }
  }
  return Object.fromEntries(Object.entries(readers).map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
}

/** A data directory of the extras: its path under faasd's working directory, and who owns it. */
export interface FaasdDataDir {
  path: string;
  uid: number;
  gid: number;
  service: string;
}

/**
 * The extras' data directories, each the one writable mount of its service (every other mount is
 * read-only: tests/deploy/hardening.test.ts), to be made before faasd starts, owned by the uid:gid the
 * service runs as: faasd would make a missing one itself, root's and 0744, which a non-root service
 * cannot write (Postgres would not even start).
 */
export function faasdDataDirs(extras: string): FaasdDataDir[] {
  const dirs: FaasdDataDir[] = [];
  for (const [service, spec] of Object.entries(parseCompose(extras, 'the extras file').services)) {
    const [uid, gid] = spec.user === undefined ? [0, 0] : String(spec.user).split(':').map(Number);
    for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
      const m = v as { source?: unknown; read_only?: unknown };
      if (m.read_only === true || typeof m.source !== 'string' || !m.source.startsWith('./')) continue;
      if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`${service}: user ${String(spec.user)} is not uid:gid in numbers`);
      dirs.push({ path: m.source.slice(2), uid: uid!, gid: gid!, service });
    }
  }
  return dirs;
}
