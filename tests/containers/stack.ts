import { createHash, randomBytes } from 'node:crypto';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, setGlobalDispatcher } from 'undici';
import type { Role } from '../../shared/auth/roles.js';
import { exampleCompany } from '../../shared/documents/company.js';
import { localStorageKeys } from '../../runtime/box/object-storage.js';
import { seaweedfsIdentities, type KeyPair } from '../../cli/install/seaweedfs-identities.js';
import { storageKeyUses, type StorageKeyUse } from '../../shared/documents/storage-keys.js';
import { natsUsers } from '../../shared/events/nats-users.js';

// The compose stack of the container test: the three compose files of the runbook plus the stand-ins
// file, under a project name of its own, reached only through its front door on 127.0.0.1.

export const root = join(import.meta.dirname, '..', '..');
export const project = process.env.ERPBI_CT_PROJECT ?? 'erpbi-ct';
const files = [
  'compose/docker-compose.base.yml',
  'compose/docker-compose.erp.yml',
  'compose/docker-compose.bi.yml',
  'tests/containers/docker-compose.stand-ins.yml',
];

/** The local stand-ins of compose/bases/build.sh in place of the official images. */
const images = {
  POSTGRES_IMAGE: 'erpbi-local/postgres:15-bookworm',
  NATS_IMAGE: 'erpbi-local/nats:2.9',
  NGINX_IMAGE: 'erpbi-local/nginx:bookworm',
  PROMETHEUS_IMAGE: 'erpbi-local/prometheus:bookworm',
};

export interface Stack {
  dir: string;
  /** More compose files after the four, e.g. the arm64 smoke's docker-compose.emulated.yml. */
  extraFiles?: string[];
  env: NodeJS.ProcessEnv;
  secret: (name: string) => string;
}

/** Secrets and a TLS certificate for erpbi.lan + auth.erpbi.lan in a directory of the test's own. */
export function prepare(): Stack {
  const dir = mkdtempSync(join(tmpdir(), 'erpbi-ct-'));
  mkdirSync(join(dir, 'secrets'));
  mkdirSync(join(dir, 'tls'));
  mkdirSync(join(dir, 'backups'));
  chmodSync(join(dir, 'backups'), 0o777); // the service image writes as user node
  const put = (name: string, value: string) => writeFileSync(join(dir, 'secrets', name), value, { mode: 0o644 });
  const pgRoles = ['owner', 'app', 'reader'] as const;
  for (const s of [
    'postgres-password',
    ...pgRoles.map((r) => `postgres-${r}-password`),
    'keycloak-db-password',
    'keycloak-admin-password',
    'connector-client-secret',
    'grafana-client-secret',
    'grafana-hr-client-secret',
    'grafana-admin-password',
  ]) {
    put(s, randomBytes(18).toString('hex'));
  }
  // made as docs/deploy-pi.md makes them: a letter first (nats-server reads them as unquoted values)
  for (const u of natsUsers) put(`nats-${u}`, `n${randomBytes(24).toString('hex')}`);
  // SeaweedFS's stand-in (s3rver) takes only its own fixed key pair: every use's key secrets are it
  // (docker-compose.stand-ins.yml); the identities file SeaweedFS would read is made as the installer
  // makes it, from a key pair per use, and mounted though s3rver reads none
  put('s3rver-access-key-id', localStorageKeys.accessKeyId);
  put('s3rver-secret-access-key', localStorageKeys.secretAccessKey);
  const pair = () => ({ accessKeyId: randomBytes(10).toString('hex'), secretAccessKey: randomBytes(20).toString('hex') });
  put(
    'seaweedfs-s3.json',
    JSON.stringify(seaweedfsIdentities(Object.fromEntries(storageKeyUses.map((use) => [use, pair()])) as Record<StorageKeyUse, KeyPair>)),
  );
  put('company-profile', JSON.stringify(exampleCompany));
  put('smtp-password', ''); // no SMTP_HOST: e-mail off, as on a fresh Pi
  put('ct-people-password', randomBytes(12).toString('hex')); // the test's users' (person()), not a compose secret
  const secret = (name: string) => readFileSync(join(dir, 'secrets', name), 'utf8');
  // each part as its own role (compose/postgres/init/20-erpbi-roles.sh), as docs/deploy-pi.md step 5 makes them
  put('database-url', `postgres://erpbi_app:${secret('postgres-app-password')}@postgres:5432/erpbi`);
  put('database-url-read', `postgres://erpbi_reader:${secret('postgres-reader-password')}@postgres:5432/erpbi`);
  put('database-url-migrate', `postgres://erpbi_owner:${secret('postgres-owner-password')}@postgres:5432/erpbi`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=erpbi.lan',
      '-addext',
      'subjectAltName=DNS:erpbi.lan,DNS:auth.erpbi.lan',
      '-keyout',
      join(dir, 'tls', 'erpbi.key'),
      '-out',
      join(dir, 'tls', 'erpbi.crt'),
    ],
    { stdio: 'ignore' },
  );
  chmodSync(join(dir, 'tls', 'erpbi.key'), 0o644);
  const env = { ...process.env, ...images, ERPBI_TEST_DIR: dir, ERPBI_LISTEN: '127.0.0.1', COMPOSE_PROJECT_NAME: project, DOCKER_BUILDKIT: '0' };
  // Every request of this process to erpbi.lan / auth.erpbi.lan goes to the front door on 127.0.0.1,
  // trusting only the test's certificate.
  // (Node asks for every address when it may try several: `all`.)
  const lookup = (_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
    opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  setGlobalDispatcher(new Agent({ connect: { ca: readFileSync(join(dir, 'tls', 'erpbi.crt')), lookup: lookup as never } }));
  current = { dir, env, secret };
  return current;
}

export function compose(stack: Stack, args: string[], opts: { timeoutMs?: number } = {}): string {
  const r = spawnSync('docker-compose', ['--compatibility', ...[...files, ...(stack.extraFiles ?? [])].flatMap((f) => ['-f', join(root, f)]), ...args], {
    env: stack.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`docker-compose ${args.join(' ')} failed (${r.status}):\n${r.stderr?.slice(-4000)}\n${r.stdout?.slice(-2000)}`);
  return r.stdout;
}

export function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
}

export function containerId(stack: Stack, service: string): string {
  const id = compose(stack, ['ps', '-q', service]).trim();
  if (!id) throw new Error(`no container for ${service}`);
  return id;
}

export interface ContainerState {
  /** The compose service. */
  name: string;
  running: boolean;
  /** The container's first process, as the host sees it. */
  pid: number;
  restarts: number;
  oomKilled: boolean;
  startedAt: number;
  ip: string;
  memoryLimit: number;
}

export function state(id: string): ContainerState {
  const s = JSON.parse(docker(['inspect', id]))[0];
  const ip = Object.values<{ IPAddress: string }>(s.NetworkSettings.Networks)[0]?.IPAddress ?? '';
  return {
    name: s.Config.Labels['com.docker.compose.service'],
    running: s.State.Running,
    pid: s.State.Pid,
    restarts: s.RestartCount,
    oomKilled: s.State.OOMKilled,
    startedAt: Date.parse(s.State.StartedAt),
    ip,
    memoryLimit: s.HostConfig.Memory,
  };
}

/** `docker stats` once (asynchronously: it takes seconds, and the load runs meanwhile): bytes used and the limit, per container of the project. */
export async function stats(): Promise<Record<string, { used: number; limit: number }>> {
  const ids = docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`])
    .split('\n')
    .filter(Boolean);
  const { stdout: out } = await promisify(execFile)('docker', ['stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...ids], { encoding: 'utf8' });
  const bytes = (v: string) => {
    const m = /^([\d.]+)\s*([KMGT]?i?B)$/.exec(v.trim());
    if (!m) throw new Error(`docker stats: ${v}`);
    const f: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 };
    return Number(m[1]) * f[m[2]!]!;
  };
  const result: Record<string, { used: number; limit: number }> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, usage] = line.split('\t');
    const [used, limit] = usage!.split(' / ');
    result[name!.replace(`${project}_`, '').replace(/_1$/, '')] = { used: bytes(used!), limit: bytes(limit!) };
  }
  return result;
}

export const front = 'https://erpbi.lan';
const auth = 'https://auth.erpbi.lan/realms/erpbi/protocol/openid-connect';
/** Keycloak's admin port, published on the box's 127.0.0.1 only (compose/docker-compose.base.yml). */
export const keycloakAdmin = 'http://127.0.0.1:8081';

/** The stack the test's people sign in to (prepare's): its bootstrap admin's password and theirs. */
let current: Stack | undefined;

export interface Person {
  username: string;
  password: string;
  roles: Role[];
}

/** The test's person of a role: one user of Keycloak's (its stand-in's) per role, with the stack's password for them. */
export function person(role: Role): Person {
  if (!current) throw new Error('prepare() first: the people belong to a stack');
  return { username: `ct-${role}`, password: current.secret('ct-people-password'), roles: [role] };
}

/** An access token of master's bootstrap admin (KC_BOOTSTRAP_ADMIN_USERNAME admin, the secret keycloak-admin-password). */
export async function adminToken(stack: Stack): Promise<string> {
  const res = await fetch(`${keycloakAdmin}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: stack.secret('keycloak-admin-password') }),
  });
  if (res.status !== 200) throw new Error(`master's admin token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The user through Keycloak's admin API, as install.sh makes the first admin: looked up, else created with its password, and its realm roles mapped. */
export async function ensureUser(stack: Stack, p: Person): Promise<string> {
  const token = await adminToken(stack);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${keycloakAdmin}/admin/realms/erpbi${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  const found = (await (await api(`/users?${new URLSearchParams({ username: p.username, exact: 'true' })}`)).json()) as { id: string }[];
  if (found[0]) return found[0].id;
  const made = await api('/users', {
    method: 'POST',
    body: JSON.stringify({ username: p.username, enabled: true, credentials: [{ type: 'password', value: p.password, temporary: false }] }),
  });
  if (made.status !== 201) throw new Error(`creating ${p.username}: ${made.status} ${await made.text()}`);
  const id = made.headers.get('location')!.split('/').at(-1)!;
  const roles = await Promise.all(p.roles.map(async (r) => (await api(`/roles/${r}`)).json()));
  const mapped = await api(`/users/${id}/role-mappings/realm`, { method: 'POST', body: JSON.stringify(roles) });
  if (mapped.status !== 204) throw new Error(`roles of ${p.username}: ${mapped.status} ${await mapped.text()}`);
  return id;
}

export class SignInRefused extends Error {}

/**
 * Signs in at auth.erpbi.lan with a username and password: code + PKCE, as the workspace does, the
 * credentials posted where the login page's form posts them (its URL is the authorize request's).
 */
export async function signInAs(username: string, password: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const redirect = `${front}/`;
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: 'erpbi-dashboard',
    redirect_uri: redirect,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const res = await fetch(`${auth}/auth?${q}`, { method: 'POST', body: new URLSearchParams({ username, password }), redirect: 'manual' });
  const code = new URL(res.headers.get('location') ?? 'x:').searchParams.get('code');
  if (res.status === 401) throw new SignInRefused(`sign-in as ${username}: refused`);
  if (res.status !== 302 || !code) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
  const token = await fetch(`${auth}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: 'erpbi-dashboard', code_verifier: verifier }),
  });
  if (token.status !== 200) throw new Error(`token for ${username}: ${token.status} ${await token.text()}`);
  return ((await token.json()) as { access_token: string }).access_token;
}

/** Signs in as the test's person of a role, made through the admin API the first time a stack is asked for it. */
export async function signIn(role: Role): Promise<string> {
  const p = person(role);
  try {
    return await signInAs(p.username, p.password);
  } catch (err) {
    if (!(err instanceof SignInRefused)) throw err;
    await ensureUser(current!, p);
    return signInAs(p.username, p.password);
  }
}
