import { describe, expect, it } from 'vitest';
import { argvOf, dependencyCycle, factsOf, faasdOwnServices, faasdProblems, imageFacts, resolveProgram } from './faasd-reader.js';
import { composeFiles, faasdExtras, readYaml, services } from './support.js';

/**
 * compose/docker-compose.faasd-extras.yml read as faasd reads it (tests/deploy/faasd-reader.ts, from
 * openfaas/faasd's source; docs/faasd.md): every service must start as meant, with its program found
 * in its image, its user one the image runs as, only keys faasd keeps, mounts it can make. The second
 * part proves the reader refuses what the file used to hold (issue 22): flags as programs, Postgres
 * without its init or as root, keys faasd drops, depends_on conditions.
 */

const file = readYaml(faasdExtras);
const extras: Record<string, any> = file.services;
const names = Object.keys(extras);
const twins = services(composeFiles);
const twinOf = (name: string) => twins.find((t) => t.name === (name === 'erpbi-prometheus' ? 'prometheus' : name));
const copy = <T>(v: T): T => structuredClone(v);
const shells = ['sh', 'bash', '/bin/sh', '/bin/bash'];

/** How long migrate's command retries while Postgres does not answer, in seconds; undefined: it does not. */
function migrateWaitSeconds(spec: any): number | undefined {
  const argv: string[] = Array.isArray(spec.command) ? spec.command : [];
  const line = shells.includes(argv[0]!) && argv[1] === '-c' ? argv[2]! : argv.join(' ');
  const wait = /\bbin\/erpbi\.mjs migrate --wait (\d+)\b/.exec(line);
  return wait ? Number(wait[1]) : undefined;
}

describe('faasd extras, read as faasd reads them', () => {
  it.each(names.map((n) => [n, extras[n]] as const))('%s: faasd would start it as meant', (name, spec) => {
    expect(faasdProblems(name, spec, names)).toEqual([]);
  });

  it("depends_on has no cycle (faasd panics on one) and no service takes a name of faasd's own", () => {
    expect(dependencyCycle(extras)).toEqual([]);
    for (const own of faasdOwnServices) expect(names).not.toContain(own);
  });

  it('Postgres runs its image init (initdb and compose/postgres/init) as the postgres user, with no capability', () => {
    const pg = extras.postgres;
    expect(pg.command.slice(0, 2)).toEqual(['/usr/local/bin/docker-entrypoint.sh', 'postgres']);
    expect(pg.user).toBe('999:999');
    expect(pg.cap_add).toBeUndefined();
    expect(pg.volumes.find((m: any) => m.target === '/docker-entrypoint-initdb.d')).toMatchObject({ source: './erpbi/compose/postgres/init', read_only: true });
  });

  it("migrate retries until Postgres answers (long enough for a Pi's first initdb), and Keycloak waits for its port", () => {
    expect(migrateWaitSeconds(extras.migrate), JSON.stringify(extras.migrate.command)).toBeGreaterThanOrEqual(120);
    expect(extras.keycloak.command[2]).toMatch(/for i in \{1\.\.\d+\}; do \(exec 3<>\/dev\/tcp\/postgres\/5432\) 2>\/dev\/null && break; sleep \d+; done;/);
    expect(extras.keycloak.depends_on).toContain('postgres');
  });

  it("each command ends with its compose twin's arguments: both paths run the same flags", () => {
    for (const [name, spec] of Object.entries(extras)) {
      const twin = twinOf(name)?.spec;
      const facts = factsOf(spec.image)!;
      if (!twin?.command || !Array.isArray(twin.command)) continue;
      const twinArgv: string[] = [...(twin.entrypoint ?? []), ...twin.command];
      if (shells.includes(twinArgv[0]!)) continue; // a shell wrapper: its script is checked above and in nats-users/compose tests
      const args = twin.entrypoint ? twinArgv.slice(1) : resolveProgram(twinArgv[0]!, facts) ? twinArgv.slice(1) : twinArgv;
      const argv = argvOf(spec, facts);
      expect(argv.slice(argv.length - args.length), name).toEqual(args);
    }
  });

  it('the image table holds the images the file uses, each with where its facts come from', () => {
    const table = imageFacts();
    const used = new Set(names.map((n) => String(extras[n].image)));
    for (const [ref, facts] of Object.entries(table)) {
      expect(
        [...used].some((u) => factsOf(u, { [ref]: facts })),
        `${ref} is used by no service: drop its row`,
      ).toBe(true);
      expect(facts.source.length, ref).toBeGreaterThan(20);
      for (const p of [...facts.programs, ...facts.path]) expect(p, ref).toMatch(/^\//);
    }
  });
});

/** The file with one service changed: what the reader says of it. */
function problemsWith(name: string, change: (spec: any) => void): string[] {
  const spec = copy(extras[name] ?? {});
  change(spec);
  return faasdProblems(name, spec, names);
}

describe('the reader refuses what would not start on faasd', () => {
  // The issue-22 file: each of these lines was in it.
  const refused: [string, string, (s: any) => void, RegExp][] = [
    [
      "a flag as traefik's program",
      'traefik',
      (s) => (s.command = ['--configFile=/etc/traefik/traefik.yml']),
      /--configFile=\S+ is not a program of docker\.io\/library\/traefik/,
    ],
    ["postgres's arguments only: no init", 'postgres', (s) => (s.command = ['postgres', '-c', 'shared_buffers=128MB']), /skips the image's init/],
    ['postgres as root', 'postgres', (s) => delete s.user, /postgres must not run as root/],
    ["the exporter's flags only", 'nats-exporter', (s) => (s.command = ['-varz', '-connz', 'http://erpbi-nats:8222']), /-varz is not a program/],
    [
      "prometheus's flags only",
      'erpbi-prometheus',
      (s) => (s.command = ['--config.file=/etc/prometheus/prometheus.yml']),
      /--config.file=\S+ is not a program/,
    ],
    ["weed's subcommand as the program", 'seaweedfs', (s) => (s.command = ['server', '-dir=/data']), /server is not a program/],
    [
      'MinIO, an image nobody checked',
      'seaweedfs',
      (s) => (s.image = 'docker.io/minio/minio:RELEASE.2025-04-22T22-12-26Z'),
      /not in the table of known images/,
    ],
    [
      'the shell wrapper as an entrypoint',
      'erpbi-nats',
      (s) => ((s.entrypoint = ['/bin/sh', '-c']), (s.command = [s.command[2]])),
      /entrypoint: faasd ignores it/,
    ],
    ['restart: on-failure for migrate', 'migrate', (s) => (s.restart = 'on-failure'), /restart: faasd ignores it/],
    ['a memory limit', 'keycloak', (s) => (s.deploy = { resources: { limits: { memory: '1024M' } } }), /deploy: faasd ignores it/],
    ['a healthcheck', 'postgres', (s) => (s.healthcheck = { test: ['CMD', 'pg_isready'] }), /healthcheck: faasd ignores it/],
    ['secrets:', 'connector', (s) => (s.secrets = ['database-url']), /secrets: faasd ignores it/],
    ['a depends_on condition', 'connector', (s) => (s.depends_on = { migrate: { condition: 'service_completed_successfully' } }), /conditions .* are not kept/],
    ['a dependency that does not exist', 'connector', (s) => (s.depends_on = ['minio']), /depends_on minio: no such service/],
    [
      'a named volume',
      'postgres',
      (s) => (s.volumes[0] = { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data' }),
      /faasd refuses all but bind/,
    ],
    ['the short volume syntax', 'postgres', (s) => (s.volumes[0] = 'pgdata:/var/lib/postgresql/data'), /write it out/],
    [
      "a secret from outside faasd's folder",
      'migrate',
      (s) => (s.volumes[0].source = '/etc/erpbi/secrets/database-url-migrate'),
      /sources live under \/var\/lib\/faasd\/erpbi/,
    ],
    ['a source climbing out', 'migrate', (s) => (s.volumes[0].source = './erpbi/../secrets/basic-auth-password'), /sources live under/],
    ['a mount option faasd drops', 'erpbi-nats', (s) => (s.volumes[1].bind = { create_host_path: true }), /bind: faasd ignores it/],
    ['a bare uid', 'postgres', (s) => (s.user = '999'), /write uid:gid/],
    ['a user the image does not run as', 'web', (s) => (s.user = '101:101'), /may run as 0:0/],
    ['an environment entry without =', 'connector', (s) => s.environment.push('NATS_URL'), /without =/],
    ['a $ faasd would interpolate away', 'migrate', (s) => (s.command[2] = s.command[2].replaceAll('$$', '$')), /a lone \$ in .*refuses the whole file/],
    ['a string command (no shell)', 'keycloak', (s) => (s.command = 'kc.sh start --import-realm'), /a string is split into words/],
    [
      'a script exec-ing what the image lacks',
      'erpbi-nats',
      (s) => (s.command[2] = s.command[2].replace('/usr/local/bin/nats-server', '/usr/bin/nats-server')),
      /execs \/usr\/bin\/nats-server/,
    ],
    ['a capability without CAP_', 'traefik', (s) => (s.cap_add = ['NET_BIND_SERVICE']), /CAP_\.\.\./],
  ];

  it.each(refused)('%s (%s)', (_what, name, change, reason) => {
    const problems = problemsWith(name, change);
    expect(problems.join('\n'), `${name}: ${problems.join('; ')}`).toMatch(reason);
  });

  it("migrate's old command, and one without --wait, are not commands that retry", () => {
    const old = { ...extras.migrate, command: ['sh', '-c', 'DATABASE_URL="$$(cat /run/secrets/database-url-migrate)" exec node bin/erpbi.mjs migrate'] };
    expect(migrateWaitSeconds(old)).toBeUndefined();
    const noWait = copy(extras.migrate);
    noWait.command[2] = noWait.command[2].replace(/ --wait \d+/, '');
    expect(migrateWaitSeconds(noWait)).toBeUndefined();
  });

  it('a depends_on cycle is found', () => {
    const cyclic = copy(extras);
    cyclic.postgres.depends_on = ['connector'];
    const cycle = dependencyCycle(cyclic);
    expect(cycle[0]).toBe('postgres');
    expect(cycle.at(-1)).toBe('postgres');
    expect(cycle).toContain('connector');
  });
});
