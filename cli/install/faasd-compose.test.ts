import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { faasdCompose, faasdCoreServices, faasdDataDirs, faasdSecretReaders, placeholderDomain } from './faasd-compose.js';

const extras = readFileSync(join(import.meta.dirname, '..', '..', 'compose', 'docker-compose.faasd-extras.yml'), 'utf8');
// The shape of faasd's own docker-compose.yaml (its installer writes it; its content stays theirs):
// a version, core services with ${ARCH_SUFFIX} in an image, the gateway published on every interface.
const faasdOwn = `version: "3.7"
services:
  nats:
    image: docker.io/library/nats-streaming:0.25.6
    command: ["/nats-streaming-server", "--store=file", "--dir=/nats"]
    user: "65534"
  gateway:
    image: "ghcr.io/openfaas/gateway:0.27.12\${ARCH_SUFFIX}"
    cap_add: [CAP_NET_RAW]
    depends_on: [nats]
    ports:
      - "8080:8080"
`;
const opts = { domain: 'erp.example.com', registry: '192.168.1.10:5000/erpbi', secretsDir: '/var/lib/faasd/erpbi/secrets' };
const services = (yaml: string) => parse(yaml).services as Record<string, any>;
const env = (spec: any) => Object.fromEntries((spec.environment ?? []).map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

describe('faasdCompose: faasd compose file for one Pi', () => {
  const out = faasdCompose(faasdOwn, extras, opts);
  const s = services(out);

  it("keeps faasd's own services, its version first and its ${ARCH_SUFFIX}, and binds its gateway to the Pi", () => {
    expect(Object.keys(parse(out))).toEqual(['version', 'services']);
    expect(parse(out).version).toBe('3.7');
    expect(s.nats).toEqual(services(faasdOwn).nats);
    expect(s.gateway.image).toBe('ghcr.io/openfaas/gateway:0.27.12${ARCH_SUFFIX}');
    expect(s.gateway.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(Object.keys(s)).toEqual(['nats', 'gateway', ...Object.keys(services(extras))]);
  });

  it('applies the domain wherever the placeholder was, and leaves no placeholder', () => {
    expect(out).not.toContain(placeholderDomain);
    expect(env(s.traefik).ERPBI_DOMAIN).toBe('erp.example.com');
    expect(env(s.keycloak).KC_HOSTNAME).toBe('https://auth.erp.example.com');
    expect(env(s.grafana).GF_SERVER_ROOT_URL).toBe('https://grafana.erp.example.com/');
    expect(env(s['project-to-olap']).AUTH_ISSUER).toBe('https://auth.erp.example.com/realms/erpbi');
    // what was not the domain stays
    expect(env(s.keycloak).KC_HOSTNAME_ADMIN).toBe('http://127.0.0.1:8081');
  });

  it("takes erpbi's images from the registry given, third parties' as they are", () => {
    for (const name of ['migrate', 'connector', 'project-to-olap']) expect(s[name].image, name).toBe('192.168.1.10:5000/erpbi/erpbi:0.1.0');
    expect(s.postgres.image).toBe(services(extras).postgres.image);
    expect(faasdCompose(faasdOwn, extras, { domain: 'erp.example.com' })).toContain('image: ghcr.io/erpbi/erpbi:0.1.0');
  });

  it('mounts every secret from the folder given, and nothing else from it', () => {
    const before = services(extras);
    for (const [name, spec] of Object.entries(s)) {
      if (!before[name]) continue;
      (spec.volumes ?? []).forEach((m: any, i: number) => {
        const was = before[name].volumes[i].source as string;
        expect(m.source, `${name} ${m.target}`).toBe(was.startsWith('./erpbi/secrets/') ? was.replace('./erpbi/secrets', opts.secretsDir) : was);
        expect({ ...m, source: was }, name).toEqual(before[name].volumes[i]);
      });
    }
    expect(s.traefik.volumes.map((m: any) => m.source)).toContain('/var/lib/faasd/erpbi/secrets/tls');
  });

  it('keeps the literal $$ of the shell commands (faasd reads $$ as $) and every other key as written', () => {
    expect(s.keycloak.command[2]).toContain('"$$(cat /run/secrets/keycloak-db-password)"');
    for (const [name, spec] of Object.entries(services(extras))) {
      expect(s[name].command, name).toEqual(spec.command);
      expect(s[name].user, name).toEqual(spec.user);
      expect(s[name].cap_add, name).toEqual(spec.cap_add);
      expect(s[name].depends_on, name).toEqual(spec.depends_on);
    }
  });

  it('reads the same to a YAML 1.1 reader: users like 472:0 stay strings, not base-60 numbers', () => {
    const as11 = parse(out, { version: '1.1' }).services as Record<string, any>;
    expect(as11).toEqual(s);
    expect(as11.grafana.user).toBe('472:0');
    expect(as11.keycloak.user).toBe('1000:0');
    // unquoted, YAML 1.1 would have read it as 28320
    expect(parse('user: 472:0', { version: '1.1' }).user).toBe(28320);
  });

  it("re-run on its own output changes nothing (erpbi's services replaced, faasd's kept)", () => {
    expect(faasdCompose(out, extras, opts)).toBe(out);
  });

  it('refuses a domain, registry or secrets folder that is not one, naming the option', () => {
    for (const domain of ['Erp.Example.com', 'erp example.com', 'localhost', 'erp.${X}.com', '-erp.example.com', '']) {
      expect(() => faasdCompose(faasdOwn, extras, { ...opts, domain }), domain).toThrow(/^--domain must be a lower-case DNS name/);
    }
    for (const registry of ['192.168.1.10:5000/erpbi:1.0', 'https://ghcr.io/erpbi', 'ghcr.io/erpbi/', '$REGISTRY']) {
      expect(() => faasdCompose(faasdOwn, extras, { ...opts, registry }), registry).toThrow(/^--registry must be an image name prefix/);
    }
    for (const secretsDir of ['secrets', './erpbi/secrets', '/var/lib/$x', '/with space']) {
      expect(() => faasdCompose(faasdOwn, extras, { ...opts, secretsDir }), secretsDir).toThrow(/^--secrets must be an absolute path/);
    }
  });

  it("refuses a file with no services, and extras that take one of faasd's own names", () => {
    expect(() => faasdCompose('version: "3.7"\n', extras, opts)).toThrow(/faasd's compose file is not a compose file with services/);
    for (const core of faasdCoreServices) {
      expect(() => faasdCompose(faasdOwn, `services:\n  ${core}:\n    image: x\n`, opts), core).toThrow(new RegExp(`names faasd's own services ${core}`));
    }
  });
});

describe('faasdSecretReaders: who reads each secret on faasd', () => {
  const readers = faasdSecretReaders(extras);

  it('lists every secret the extras mount, with the uid of each service mounting it', () => {
    const mounted = new Set(
      Object.values(services(extras))
        .flatMap((spec) => (spec.volumes ?? []).map((m: any) => String(m.source)))
        .filter((src) => src.startsWith('./erpbi/secrets/'))
        .map((src) => src.slice('./erpbi/secrets/'.length)),
    );
    expect(Object.keys(readers).sort()).toEqual([...mounted].sort());
    expect(readers['postgres-password']).toEqual([999]);
    expect(readers['database-url-migrate']).toEqual([1000]);
    expect(readers['seaweedfs-s3.json']).toEqual([10002]);
    expect(readers.tls).toEqual([0]);
  });

  it('names the secrets two users read, which one file owner cannot serve', () => {
    const shared = Object.fromEntries(Object.entries(readers).filter(([, uids]) => uids.length > 1));
    expect(shared).toEqual({
      'keycloak-db-password': [999, 1000],
      'nats-connector': [1000, 10001],
      'nats-projector': [1000, 10001],
      'grafana-client-secret': [472, 1000],
      'grafana-hr-client-secret': [472, 1000],
    });
  });

  it('refuses a user that is not numbers', () => {
    expect(() =>
      faasdSecretReaders(
        'services:\n  x:\n    image: i\n    user: postgres\n    volumes: [{ type: bind, source: ./erpbi/secrets/a, target: /run/secrets/a }]\n',
      ),
    ).toThrow(/x: user postgres is not uid:gid in numbers/);
  });
});

describe('faasdDataDirs: the directories the installer makes before faasd starts', () => {
  it("is each service's one writable mount, with the uid:gid it runs as", () => {
    expect(faasdDataDirs(extras)).toEqual([
      { path: 'erpbi/pgdata', uid: 999, gid: 999, service: 'postgres' },
      { path: 'erpbi/nats_stream', uid: 10001, gid: 10001, service: 'erpbi-nats' },
      { path: 'erpbi/seaweedfs_data', uid: 10002, gid: 10002, service: 'seaweedfs' },
      { path: 'erpbi/prometheus_data', uid: 65534, gid: 65534, service: 'erpbi-prometheus' },
      { path: 'erpbi/grafana_data', uid: 472, gid: 0, service: 'grafana' },
      { path: 'erpbi/olap', uid: 1000, gid: 1000, service: 'project-to-olap' },
    ]);
  });
});
