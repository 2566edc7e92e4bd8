import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../cli/backup/backup.js';
import { restore } from '../../cli/backup/restore.js';
import { readBackupStatus } from '../../shared/backup-status.js';
import {
  h,
  work,
  made,
  keyFile,
  recipient,
  identities,
  blank,
  pdfs,
  keycloakUrl,
  createKeycloakDatabase,
  target,
  createEmptyDatabase,
  snapshot,
  useBackupBox,
} from '../support/backup-box.js';

// The backup box of tests/support/backup-box.ts, pushed off the box with restic and fetched back.
useBackupBox();

// Off the box: compose/systemd/erpbi-backup-push with Debian's restic, into a real repository (a
// directory, as on a mounted disk; Debian packages no restic REST server), then the archive fetched
// back from it with `restic restore` and restored by erpbi.
describe('off the box with restic (compose/systemd/erpbi-backup-push)', () => {
  const pushScript = join(import.meta.dirname, '..', '..', 'compose', 'systemd', 'erpbi-backup-push');
  const hasRestic = spawnSync('restic', ['version']).status === 0;
  if (!hasRestic && process.env.CI) throw new Error('restic is missing under CI: apt-get install -y restic');
  let env: Record<string, string>;
  const restic = (args: string[], extra: Record<string, string> = {}) =>
    execFileSync('restic', args, { env: { ...env, RESTIC_REPOSITORY: env.ERPBI_BACKUP_TARGET!, ...extra }, encoding: 'utf8' });
  const push = (archive: string, extra: Record<string, string> = {}) => spawnSync('sh', [pushScript, archive], { env: { ...env, ...extra }, encoding: 'utf8' });

  beforeAll(() => {
    const password = join(work, 'restic-password');
    writeFileSync(password, randomBytes(16).toString('hex'), { mode: 0o600 });
    env = {
      PATH: process.env.PATH!,
      HOME: work,
      ERPBI_BACKUP_TARGET: join(work, 'restic-repo'),
      RESTIC_PASSWORD_FILE: password,
      RESTIC_CACHE_DIR: join(work, 'restic-cache'),
    };
  });

  it.skipIf(!hasRestic)(
    'pushes the archive and its checksum (the repository made at the first push), keeps the last of each day by host and tag, and checks the repository (reading back every byte when told)',
    async () => {
      const first = push(made.path);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/initialising/);
      expect(first.stderr).toMatch(/pushed erpbi-backup-\w+\.tar\.gz to .*; retention applied, repository checked/);
      const snapshots = () => JSON.parse(restic(['snapshots', '--json'])) as { paths: string[]; tags: string[]; hostname: string }[];
      expect(snapshots()).toHaveLength(1);
      expect(snapshots()[0]).toMatchObject({ paths: [made.path, made.checksum].sort(), tags: ['erpbi'], hostname: 'erpbi' });
      // A second backup the same day (an archive of another name): one a day is kept, the later one. Grouped
      // by host and tag; grouped by path (restic's default) each archive would be a group of one, kept for ever.
      const second = await backup({
        databaseUrl: h.db.url,
        dataDir: join(work, 'box-a'),
        outDir: join(work, 'backups-2'),
        encryptTo: [recipient],
        tar: true,
        now: new Date(Date.now() + 60_000),
      });
      const pushed = push(second.path, { ERPBI_BACKUP_CHECK_READ: '100%' });
      expect(pushed.status, pushed.stderr).toBe(0);
      expect(snapshots().map((sn) => sn.paths)).toEqual([[second.path, second.checksum].sort()]);
    },
  );

  it.skipIf(!hasRestic)('the nightly job for real (faasd runtime: node on the host): backup, drill, push; the status file says so', () => {
    // faasd's layout in miniature: its hosts file points the services' names at this machine.
    const box = join(work, 'faasd-box');
    const secrets = join(box, 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(box, 'hosts'), '127.0.0.1\tpostgres\n127.0.0.1\terpbi-nats\n');
    const db = new URL(h.db.url);
    writeFileSync(join(secrets, 'database-url-read'), `postgres://${db.username}:unused@postgres:${db.port || 5432}${db.pathname}`);
    writeFileSync(join(secrets, 'postgres-password'), 'unused');
    const backups = join(box, 'backups');
    const status = join(box, 'status');
    const r = spawnSync('sh', [join(import.meta.dirname, '..', '..', 'compose', 'systemd', 'erpbi-backup')], {
      env: {
        ...env,
        ERPBI_RUNTIME: 'faasd',
        ERPBI_HOME: join(import.meta.dirname, '..', '..'),
        NODE: process.execPath,
        FAASD_HOSTS: join(box, 'hosts'),
        ERPBI_SECRETS: secrets,
        ERPBI_DATA: join(work, 'box-a'),
        ERPBI_BACKUP_DIR: backups,
        ERPBI_BACKUP_STATUS_DIR: status,
        POSTGRES_USER: db.username,
        EVENTS_STREAM: h.bus.stream,
        ERPBI_BACKUP_RECIPIENTS: recipient,
        ERPBI_BACKUP_IDENTITY_FILE: keyFile,
        ERPBI_BACKUP_TARGET: join(work, 'restic-job'),
      },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/erpbi-backup: backup written: \S+erpbi-backup-\w+\.tar\.gz/);
    expect(r.stdout).toMatch(/^drill passed: the backup of \S+ restored into erpbi_drill_\w+, .*; olap checked; keycloak absent; documents absent; /m);
    expect(r.stderr).toMatch(/erpbi-backup-push: pushed erpbi-backup-\w+\.tar\.gz to .*restic-job; retention applied, repository checked/);
    const archives = readdirSync(backups).filter((f) => f.endsWith('.tar.gz'));
    expect(archives).toHaveLength(1);
    expect(statSync(backups).mode & 0o777).toBe(0o700);
    const recorded = readBackupStatus(join(status, 'backup-status.json'))!;
    expect(recorded.backup.lastSuccess!.bytes).toBe(statSync(join(backups, archives[0]!)).size);
    expect(recorded.backup.lastFailure).toBeNull();
    expect(recorded.drill.lastSuccess).not.toBeNull();
    expect(JSON.parse(restic(['snapshots', '--json'], { RESTIC_REPOSITORY: join(work, 'restic-job') }))).toHaveLength(1);
  });

  it.skipIf(!hasRestic)('a wrong password or no target fails the push, and makes no second repository', () => {
    const wrong = join(work, 'restic-wrong');
    writeFileSync(wrong, 'not the password', { mode: 0o600 });
    const r = push(made.path, { RESTIC_PASSWORD_FILE: wrong });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/config file already exists|wrong password/);
    const none = push(made.path, { ERPBI_BACKUP_TARGET: '' });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/ERPBI_BACKUP_TARGET is not set/);
  });

  it.skipIf(!hasRestic)("the archive fetched back with restic restores: the same rows, Keycloak's and the documents too", async () => {
    // The first night's archive was forgotten; push it again and fetch that snapshot back.
    expect(push(made.path).status).toBe(0);
    const into = join(work, 'restic-restored');
    restic(['restore', 'latest', '--target', into, '--path', made.path, '--path', made.checksum!]);
    const fetched = join(into, made.path);
    expect(readFileSync(fetched).equals(readFileSync(made.path))).toBe(true);
    expect(existsSync(`${fetched}.sha256`)).toBe(true);
    const url = await createEmptyDatabase();
    const kcInto = await createKeycloakDatabase();
    const result = await restore({
      from: fetched,
      identities,
      databaseUrl: url,
      dataDir: join(work, 'box-rr'),
      keycloakDatabaseUrl: kcInto,
      documents: target(blank),
    });
    expect([result.keycloak, result.documents]).toEqual(['restored', pdfs.size]);
    expect(await snapshot(url)).toEqual(await snapshot(h.db.url));
    expect(await snapshot(kcInto)).toEqual(await snapshot(keycloakUrl));
  });
});
