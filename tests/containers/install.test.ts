import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStorageKeys } from '../../runtime/box/object-storage.js';
import { request } from '../faults/driver.js';
import type { Box } from '../support/box.js';
import { docker, front, keycloakAdmin, root, signInAs } from './stack.js';

// Issue 22: install.sh on a blank box. A Debian bookworm container (compose/bases/build.sh's root)
// stands in for the Pi: it has nothing but Debian, gets the host's Docker socket, and runs install.sh
// from a copy of the checkout. Everything the installer names (the checkout, /etc/erpbi as ERPBI_ETC)
// lives under one test directory mounted at the same path inside and out, so the bind mounts compose
// asks the host's dockerd for point at the same files. The stack is the compose files plus the
// stand-ins file (ERPBI_COMPOSE_EXTRA), from the local images, its front door on 127.0.0.1:443.
// Run it alone under the stack lock (Keycloak's admin port is 127.0.0.1:8081 on every stack):
//   flock /tmp/erpbi-stack.lock npx vitest run --config vitest.containers.config.ts tests/containers/install.test.ts

const project = 'erpbi-install-ct';
/** erpbi's images as compose/build-images.sh names them in Docker's store for this test (amd64 only). */
const registry = 'localhost/erpbi-install-ct';
const blankPi = 'erpbi-local/debian:bookworm';
const standIns = {
  POSTGRES_IMAGE: 'erpbi-local/postgres:15-bookworm',
  NATS_IMAGE: 'erpbi-local/nats:2.9',
  NGINX_IMAGE: 'erpbi-local/nginx:bookworm',
  PROMETHEUS_IMAGE: 'erpbi-local/prometheus:bookworm',
};

let dir: string;
let checkout: string;
let etc: string;
/** The blank Pi's container: one for all the runs, as a box is one box. */
let pi: string | undefined;
const runs: { first?: Run; second?: Run; check?: Run } = {};
const snapshots: { afterFirst?: Snapshot; afterAll?: Snapshot } = {};
interface Snapshot {
  ids: string[];
  secrets: Record<string, string>;
}

interface Run {
  status: number | null;
  out: string;
  seconds: number;
}

/** install.sh inside the blank Pi, as root, with the test-only settings; its output and exit status. */
function install(args: string[], env: Record<string, string>): Run {
  const started = Date.now();
  const all: Record<string, string> = {
    ...env,
    ...standIns,
    ERPBI_ETC: etc,
    ERPBI_PROJECT: project,
    ERPBI_COMPOSE_EXTRA: join(checkout, 'tests/containers/docker-compose.stand-ins.yml'),
    ERPBI_TEST_DIR: etc,
    ERPBI_LISTEN: '127.0.0.1',
    ERPBI_HEALTH_TIMEOUT: '300',
    DEBIAN_FRONTEND: 'noninteractive',
  };
  const r = spawnSync(
    'docker',
    ['exec', '-w', checkout, ...Object.entries(all).flatMap(([k, v]) => ['-e', `${k}=${v}`]), pi!, 'bash', join(checkout, 'install.sh'), ...args],
    { encoding: 'utf8', timeout: 1_200_000, maxBuffer: 64 * 1024 * 1024 },
  );
  const out = `${r.stdout}${r.stderr}`;
  return { status: r.status, out, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** The installer's step lines: everything before its closing list of what a person must do. */
const steps = (run: Run) => run.out.split('\nBy hand')[0]!.split('\n').filter(Boolean);
const containers = () =>
  docker(['ps', '-aq', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`])
    .split('\n')
    .filter(Boolean)
    .sort();
const secretHashes = () =>
  Object.fromEntries(
    readdirSync(join(etc, 'secrets'))
      .sort()
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(join(etc, 'secrets', f)))
          .digest('hex'),
      ]),
  );

/** Every request of this process to erpbi.lan / auth.erpbi.lan goes to the front door on 127.0.0.1, trusting only the installer's CA. */
function trustInstallersCa() {
  const lookup = (_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
    o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  setGlobalDispatcher(new Agent({ connect: { ca: readFileSync(join(etc, 'ca', 'ca.crt')), lookup: lookup as never } }));
}

function removeStack() {
  const ids = containers();
  if (ids.length) docker(['rm', '-f', '-v', ...ids]);
  for (const kind of ['volume', 'network'] as const) {
    const names = docker([kind, 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`])
      .split('\n')
      .filter(Boolean);
    if (names.length) docker([kind, 'rm', ...names]);
  }
}

beforeAll(async () => {
  // the local bases and erpbi's images for this machine's arch, as the container suite makes them
  execFileSync(join(root, 'compose/bases/build.sh'), { stdio: 'inherit', env: { ...process.env, ERPBI_ARCHES: 'amd64' } });
  execFileSync('node', ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(join(root, 'compose/build-images.sh'), {
    stdio: 'inherit',
    env: { ...process.env, REGISTRY: registry, ERPBI_ARCHES: 'amd64', ERPBI_TO_DOCKER: '1', ERPBI_LOCAL_BASES: '1' },
  });
  removeStack(); // what an earlier run left
  dir = mkdtempSync(join(tmpdir(), 'erpbi-install-ct-'));
  checkout = join(dir, 'erpbi');
  etc = join(dir, 'etc', 'erpbi');
  mkdirSync(checkout);
  // a checkout as git makes it: the tracked files (and this branch's new ones), no node_modules, no build/
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root })
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  execFileSync('tar', ['-C', root, '--null', '-T', '-', '-cf', join(dir, 'checkout.tar')], { input: tracked.join('\0') });
  execFileSync('tar', ['-C', checkout, '-xf', join(dir, 'checkout.tar')]);
  // s3rver, the object storage's stand-in, knows one key pair: the stand-ins file mounts it as every use's keys
  mkdirSync(join(etc, 'secrets'), { recursive: true, mode: 0o700 });
  writeFileSync(join(etc, 'secrets', 's3rver-access-key-id'), localStorageKeys.accessKeyId, { mode: 0o444 });
  writeFileSync(join(etc, 'secrets', 's3rver-secret-access-key'), localStorageKeys.secretAccessKey, { mode: 0o444 });
  // the Pi: its own network namespace is the host's (Keycloak's admin port and the front door are on
  // 127.0.0.1), Docker's socket, the test directory; nothing else of the host
  pi = docker(['run', '-d', '--network', 'host', '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${dir}:${dir}`, blankPi, 'sleep', 'infinity']);
  runs.first = install(['--domain', 'erpbi.lan', '--admin-user', 'boss'], { REGISTRY: registry });
  snapshots.afterFirst = { ids: containers(), secrets: secretHashes() };
  runs.second = install([], {});
  runs.check = install(['--check'], {});
  snapshots.afterAll = { ids: containers(), secrets: secretHashes() };
}, 3_600_000);

afterAll(() => {
  console.log(`INSTALL ${JSON.stringify({ first: runs.first?.seconds, second: runs.second?.seconds, check: runs.check?.seconds })}`);
  if (process.env.ERPBI_CT_KEEP) return;
  if (pi) docker(['rm', '-f', pi]);
  removeStack();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 300_000);

describe('install.sh on a blank Debian box', () => {
  it('takes it to a running stack: packages, settings, secrets, CA and certificate, the stack, the first admins', () => {
    const run = runs.first!;
    expect(run.status, run.out.slice(-6000)).toBe(0);
    const lines = steps(run);
    for (const step of [
      /^done packages .*docker\.io/,
      /^done setting ERPBI_DOMAIN=erpbi\.lan/,
      /^done secret postgres-password/,
      /^done web config/,
      /^done local CA/,
      /^done certificate for erpbi\.lan auth\.erpbi\.lan grafana\.erpbi\.lan/,
      /^done stack erpbi-install-ct up/,
      /^ok health/,
      /^done Keycloak's permanent admin/,
      /^done erpbi's admin boss/,
      /^done Keycloak's bootstrap admin removed/,
    ]) {
      expect(
        lines.some((l) => step.test(l)),
        `${step} in\n${lines.join('\n')}`,
      ).toBe(true);
    }
    expect(run.out).toMatch(/ok backup timer skipped: no systemd here/);
    expect(run.out).toContain(`Trust the local CA on every device that opens erpbi: ${etc}/ca/ca.crt`);
  });

  it('serves the front door with a certificate from its own CA, and the first admin signs in with the printed password', async () => {
    trustInstallersCa();
    expect((await fetch(`${front}/healthz`)).status).toBe(200);
    const config = (await (await fetch(`${front}/config.json`)).json()) as { issuer: string };
    expect(config.issuer).toBe('https://auth.erpbi.lan/realms/erpbi');
    const password = /done erpbi's admin boss, password (\S+)/.exec(runs.first!.out)?.[1];
    expect(password).toBe(readFileSync(join(etc, 'secrets', 'erpbi-admin-password'), 'utf8'));
    const token = await signInAs('boss', password!);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { realm_access?: { roles?: string[] } };
    expect(claims.realm_access?.roles).toContain('admin');
    expect((await request({ url: front } as unknown as Box, token, '/function/query/orders')).status).toBe(200);
    // the bootstrap admin is gone: its password no longer opens the master realm; the permanent admin's does
    const master = (username: string, pass: string) =>
      fetch(`${keycloakAdmin}/realms/master/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username, password: pass }),
      });
    expect((await master('admin', readFileSync(join(etc, 'secrets', 'keycloak-admin-password'), 'utf8'))).status).toBe(401);
    expect((await master('erpbi-admin', readFileSync(join(etc, 'secrets', 'keycloak-permanent-admin'), 'utf8'))).status).toBe(200);
  });

  it('keeps the secrets root’s: 0700 directory, and a user of the box other than root reads none of them', () => {
    expect(execFileSync('stat', ['-c', '%a %U', join(etc, 'secrets')], { encoding: 'utf8' }).trim()).toBe('700 root');
    const r = spawnSync(
      'docker',
      ['run', '--rm', '--user', '65534:65534', '-v', `${dir}:${dir}:ro`, blankPi, 'cat', join(etc, 'secrets', 'postgres-password')],
      { encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Permission denied/);
    expect(execFileSync('stat', ['-c', '%a', join(etc, 'ca', 'ca.key')], { encoding: 'utf8' }).trim()).toBe('600');
  });

  it('run again, changes nothing: only `ok` lines, the same containers, the same secrets; --check agrees', () => {
    const run = runs.second!;
    expect(run.status, run.out.slice(-6000)).toBe(0);
    expect(
      steps(run).filter((l) => !l.startsWith('ok ')),
      run.out,
    ).toEqual([]);
    const check = runs.check!;
    expect(check.status, check.out).toBe(0);
    expect(
      steps(check).filter((l) => !l.startsWith('ok ')),
      check.out,
    ).toEqual([]);
    expect(snapshots.afterFirst!.ids.length).toBeGreaterThan(10);
    expect(snapshots.afterAll).toEqual(snapshots.afterFirst);
  });
});
