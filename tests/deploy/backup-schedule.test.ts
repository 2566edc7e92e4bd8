import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './support.js';

// The nightly backup on the Pi: compose/systemd/erpbi-backup.service runs compose/systemd/erpbi-backup
// (backup, then the restore drill on it, then old archives pruned), started daily by the .timer.

const dir = join(root, 'compose', 'systemd');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

/** A unit file as {section: {key: [values]}} (a key may repeat). */
function unit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) {
      section = head[1]!;
      out[section] = {};
      continue;
    }
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`not a unit file line: ${raw}`);
    (out[section]![kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'erpbi-backup-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the nightly backup units', () => {
  const service = unit(read('erpbi-backup.service'));
  const timer = unit(read('erpbi-backup.timer'));

  it('the service: one shot of the script, settings from the installed environment file, files for root alone', () => {
    expect(service.Service!.Type).toEqual(['oneshot']);
    expect(service.Service!.ExecStart).toEqual(['/opt/erpbi/compose/systemd/erpbi-backup']);
    expect(service.Service!.EnvironmentFile).toEqual(['/etc/erpbi/backup.env']);
    expect(service.Service!.UMask).toEqual(['0077']);
    expect(service.Service!.PrivateTmp).toEqual(['yes']);
    expect(service.Unit!.After!.join(' ')).toMatch(/\bnetwork-online\.target\b/);
    expect(service.Install).toBeUndefined(); // started by the timer only
  });

  it('the timer: daily, caught up after a night the box was off, starting the service', () => {
    expect(timer.Timer!.Unit).toEqual(['erpbi-backup.service']);
    expect(timer.Timer!.Persistent).toEqual(['true']);
    expect(timer.Install!.WantedBy).toEqual(['timers.target']);
    const [calendar] = timer.Timer!.OnCalendar!;
    expect(timer.Timer!.OnCalendar).toHaveLength(1);
    expect(calendar).toMatch(/^(daily|\*-\*-\* \d{2}:\d{2}(:\d{2})?)$/);
  });

  it.skipIf(!hasSystemdAnalyze)('systemd-analyze: the units verify, and the timer elapses once every 24 h', () => {
    // verify checks that ExecStart exists and is executable: point it at the repository's copy.
    const copy = join(work, 'units');
    mkdirSync(copy);
    writeFileSync(
      join(copy, 'erpbi-backup.service'),
      read('erpbi-backup.service').replace('/opt/erpbi/compose/systemd/erpbi-backup', join(dir, 'erpbi-backup')),
    );
    writeFileSync(join(copy, 'erpbi-backup.timer'), read('erpbi-backup.timer'));
    const verify = spawnSync('systemd-analyze', ['verify', join(copy, 'erpbi-backup.service'), join(copy, 'erpbi-backup.timer')], { encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr.trim()).toBe(''); // no unknown key, no warning
    const elapses = execFileSync('systemd-analyze', ['calendar', '--iterations=3', timer.Timer!.OnCalendar![0]!], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    })
      .split('\n')
      .map((l) => /(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+)/.exec(l)?.[1])
      .filter((t): t is string => !!t)
      .map((t) => Date.parse(`${t.replace(' ', 'T')}Z`));
    expect(elapses).toHaveLength(3);
    expect([elapses[1]! - elapses[0]!, elapses[2]! - elapses[1]!]).toEqual([86_400_000, 86_400_000]);
  });
});

describe('the nightly job (compose/systemd/erpbi-backup) on faasd, with node and the push stood in for', () => {
  /** A faasd box in miniature: its hosts file and secrets, an erpbi checkout whose `node` logs what it is asked. */
  function box(opts: { verifyExit?: number; identity?: boolean; backupExit?: number; readRole?: boolean; pushExit?: number } = {}) {
    const b = mkdtempSync(join(work, 'box-'));
    const secrets = join(b, 'secrets');
    const backups = join(b, 'backups');
    mkdirSync(secrets);
    mkdirSync(backups);
    writeFileSync(join(b, 'hosts'), '10.62.0.5\tpostgres\n10.62.0.7\terpbi-nats\n');
    writeFileSync(join(secrets, 'database-url'), 'postgres://erpbi_app:apppw@postgres:5432/erpbi');
    if (opts.readRole !== false) writeFileSync(join(secrets, 'database-url-read'), 'postgres://erpbi_reader:readpw@postgres:5432/erpbi');
    writeFileSync(join(secrets, 'postgres-password'), 'superpw');
    writeFileSync(join(secrets, 'nats-operator'), 'natspw');
    // Two old nights (with their checksums) and a recent one: only the old go, and only after a good night.
    const old = join(backups, 'erpbi-backup-20200101T023000Z.tar.gz');
    const recent = join(backups, 'erpbi-backup-20200120T023000Z.tar.gz');
    for (const f of [old, `${old}.sha256`, recent, `${recent}.sha256`]) writeFileSync(f, 'x');
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    for (const f of [old, `${old}.sha256`]) utimesSync(f, daysAgo(30), daysAgo(30));
    for (const f of [recent, `${recent}.sha256`]) utimesSync(f, daysAgo(2), daysAgo(2));
    const log = join(b, 'node.log');
    const node = join(b, 'node');
    writeFileSync(
      node,
      `#!/bin/sh\necho "$* | DATABASE_URL=$DATABASE_URL DRILL=$ERPBI_DRILL_DATABASE_URL NATS_URL=$NATS_URL NATS_USER=$NATS_USER NATS_PASSWORD=$NATS_PASSWORD SECRETS_DIR=$SECRETS_DIR ERPBI_DATA=$ERPBI_DATA PWD=$PWD" >> '${log}'\n` +
        `if [ "$2 $3" = "backup --tar" ]; then [ ${opts.backupExit ?? 0} = 0 ] || exit ${opts.backupExit}; f="$5/erpbi-backup-new.tar.gz"; : > "$f"; echo "$f"; exit 0; fi\n` +
        `exit ${opts.verifyExit ?? 0}\n`,
    );
    chmodSync(node, 0o755);
    const push = join(b, 'push');
    writeFileSync(push, `#!/bin/sh\necho "push $*" >> '${log}'\nexit ${opts.pushExit ?? 0}\n`);
    chmodSync(push, 0o755);
    const env = {
      PATH: process.env.PATH!,
      ERPBI_RUNTIME: 'faasd',
      ERPBI_BACKUP_PUSH: push,
      ERPBI_BACKUP_STATUS_DIR: join(b, 'status'),
      NODE: node,
      ERPBI_HOME: b,
      ERPBI_BACKUP_DIR: backups,
      FAASD_HOSTS: join(b, 'hosts'),
      ERPBI_SECRETS: secrets,
      ERPBI_DATA: join(b, 'data'),
      ...(opts.identity === false ? {} : { ERPBI_BACKUP_IDENTITY_FILE: '/etc/erpbi/backup-drill.key' }),
    };
    const run = () => spawnSync('sh', [join(dir, 'erpbi-backup')], { env, encoding: 'utf8' });
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    return { b, backups, old, recent, env, run, calls };
  }

  it('backs up with the URLs as the host reaches them, then drills that archive, then prunes the old nights', () => {
    const t = box();
    const r = t.run();
    expect(r.status, r.stderr).toBe(0);
    const [backup, verify, push, ...more] = t.calls();
    expect(more).toEqual([]);
    const env = `DATABASE_URL=postgres://erpbi_reader:readpw@10.62.0.5:5432/erpbi DRILL=postgres://erpbi:superpw@10.62.0.5:5432/postgres NATS_URL=nats://10.62.0.7:4222 NATS_USER=operator NATS_PASSWORD=natspw SECRETS_DIR=/nonexistent ERPBI_DATA=${join(t.b, 'data')} PWD=${t.b}`;
    expect(backup).toBe(`bin/erpbi.mjs backup --tar --out ${t.backups} | ${env}`);
    expect(verify).toBe(`bin/erpbi.mjs backup verify ${join(t.backups, 'erpbi-backup-new.tar.gz')} | ${env}`);
    expect(push).toBe(`push ${join(t.backups, 'erpbi-backup-new.tar.gz')}`);
    expect([existsSync(t.old), existsSync(`${t.old}.sha256`), existsSync(t.recent), existsSync(`${t.recent}.sha256`)]).toEqual([false, false, true, true]);
    expect(r.stderr).toContain(`erpbi-backup: removed ${t.old}`);
  });

  it("the URLs: database-url on a box set up before the read-only role, the drill's from ERPBI_DRILL_DATABASE_SECRET when named", () => {
    const t = box({ readRole: false });
    writeFileSync(join(t.b, 'secrets', 'database-url-drill'), 'postgres://erpbi_drill:drillpw@postgres:5432/postgres');
    const r = spawnSync('sh', [join(dir, 'erpbi-backup')], { env: { ...t.env, ERPBI_DRILL_DATABASE_SECRET: 'database-url-drill' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(t.calls()[0]).toContain(
      'DATABASE_URL=postgres://erpbi_app:apppw@10.62.0.5:5432/erpbi DRILL=postgres://erpbi_drill:drillpw@10.62.0.5:5432/postgres ',
    );
  });

  it('a failed drill fails the job and prunes nothing; a failed backup runs no drill', () => {
    const drillFails = box({ verifyExit: 1 });
    expect(drillFails.run().status).not.toBe(0);
    expect(existsSync(drillFails.old)).toBe(true);
    const backupFails = box({ backupExit: 3 });
    expect(backupFails.run().status).not.toBe(0);
    expect(backupFails.calls()).toHaveLength(1);
    expect(existsSync(backupFails.old)).toBe(true);
  });

  it('without a drill identity: the backup, and the log says the drill was skipped and how to run it', () => {
    const t = box({ identity: false });
    const r = t.run();
    expect(r.status, r.stderr).toBe(0);
    expect(t.calls().map((c) => c.split(' ')[1])).toEqual(['backup', join(t.backups, 'erpbi-backup-new.tar.gz')]); // the backup, then its push
    expect(r.stderr).toMatch(
      /no drill tonight: ERPBI_BACKUP_IDENTITY_FILE is not set; run `npx erpbi backup verify \S+erpbi-backup-new\.tar\.gz` where the identity is/,
    );
  });

  it('a push that failed fails the night and is recorded (the local prune still ran: the backup and drill passed)', () => {
    const t = box({ pushExit: 1 });
    const r = t.run();
    expect(r.status).not.toBe(0);
    expect(t.calls().slice(2)).toEqual([
      `push ${join(t.backups, 'erpbi-backup-new.tar.gz')}`,
      expect.stringMatching(/^bin\/erpbi\.mjs backup record-failure push \| /),
    ]);
    expect(r.stderr).toMatch(/the copy off the box failed .*: the backup is only on this box/);
    expect(existsSync(t.old)).toBe(false);
  });

  it('faasd down (postgres not in its hosts file): fails before running anything', () => {
    const t = box();
    writeFileSync(join(t.b, 'hosts'), '');
    const r = t.run();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/postgres is not in .*hosts \(is faasd running\?\)/);
    expect(t.calls()).toEqual([]);
  });
});

describe('the nightly job on plain compose (the default), with docker stood in for', () => {
  it('runs the CLI in the erpbi image on the project network: settings by name only, the archive, status and DuckDB volume mounted', () => {
    const b = mkdtempSync(join(work, 'compose-'));
    const secrets = join(b, 'secrets');
    const backups = join(b, 'backups');
    mkdirSync(secrets);
    mkdirSync(join(b, 'compose'));
    writeFileSync(join(secrets, 'database-url-read'), 'postgres://erpbi_reader:readpw@postgres:5432/erpbi');
    writeFileSync(join(secrets, 'postgres-password'), 'superpw');
    writeFileSync(join(secrets, 'keycloak-db-password'), 'kcpw');
    writeFileSync(join(secrets, 's3-reader-access-key-id'), 'reader-id');
    writeFileSync(join(secrets, 's3-reader-secret-access-key'), 'reader-secret');
    writeFileSync(join(secrets, 'nats-operator'), 'natspw');
    const log = join(b, 'docker.log');
    const bin = join(b, 'bin');
    mkdirSync(bin);
    // `docker compose version` answers; `... run ... backup --tar --out /backups` writes an archive where /backups is mounted.
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\n[ "$2" = version ] && exit 0\necho "$* | PWD=$PWD DATABASE_URL=$DATABASE_URL KEYCLOAK=$KEYCLOAK_DATABASE_URL S3=$S3_ENDPOINT $S3_ACCESS_KEY_ID NATS=$NATS_URL STATUS=$ERPBI_BACKUP_STATUS_FILE ID=$ERPBI_BACKUP_IDENTITY_FILE" >> '${log}'\n` +
        `case "$*" in *"backup --tar --out /backups"*) : > '${backups}/erpbi-backup-new.tar.gz'; echo /backups/erpbi-backup-new.tar.gz;; esac\nexit 0\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
    const push = join(b, 'push');
    writeFileSync(push, `#!/bin/sh\necho "push $*" >> '${log}'\n`);
    chmodSync(push, 0o755);
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      ERPBI_HOME: b,
      ERPBI_SECRETS: secrets,
      ERPBI_BACKUP_DIR: backups,
      ERPBI_BACKUP_STATUS_DIR: join(b, 'status'),
      ERPBI_BACKUP_PUSH: push,
      ERPBI_BACKUP_RECIPIENTS: 'age1office',
      ERPBI_BACKUP_IDENTITY_FILE: join(b, 'drill.key'),
    };
    const r = spawnSync('sh', [join(dir, 'erpbi-backup')], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [backup, verify, pushed, ...more] = readFileSync(log, 'utf8').trim().split('\n');
    expect(more).toEqual([]);
    const [argv, seen] = backup!.split(' | ');
    expect(argv).toMatch(
      /^compose -p erpbi --env-file \/etc\/erpbi\/erpbi\.env -f docker-compose\.base\.yml -f docker-compose\.erp\.yml -f docker-compose\.bi\.yml run --rm -T --no-deps -u 0 /,
    );
    expect(argv).toContain(
      `-v ${backups}:/backups -v ${join(b, 'status')}:/status -v erpbi_olap_data:/data/olap:ro -e ERPBI_DATA=/data -e TMPDIR=/backups/.work -v ${join(b, 'drill.key')}:/run/erpbi/backup-identity:ro`,
    );
    expect(argv).toMatch(/ connector node bin\/erpbi\.mjs backup --tar --out \/backups$/);
    // names only on the command line: no password, key or URL
    for (const secret of ['readpw', 'superpw', 'kcpw', 'reader-secret', 'natspw']) expect(argv).not.toContain(secret);
    for (const n of [
      'DATABASE_URL',
      'ERPBI_DRILL_DATABASE_URL',
      'KEYCLOAK_DATABASE_URL',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'NATS_PASSWORD',
      'ERPBI_BACKUP_RECIPIENTS',
      'ERPBI_BACKUP_IDENTITY_FILE',
      'ERPBI_BACKUP_STATUS_FILE',
    ])
      expect(argv).toContain(`-e ${n} `);
    expect(seen).toBe(
      `PWD=${join(b, 'compose')} DATABASE_URL=postgres://erpbi_reader:readpw@postgres:5432/erpbi KEYCLOAK=postgres://keycloak:kcpw@postgres:5432/keycloak S3=http://seaweedfs:8333 reader-id ` +
        'NATS=nats://erpbi-nats:4222 STATUS=/status/backup-status.json ID=/run/erpbi/backup-identity',
    );
    expect(verify).toMatch(/ connector node bin\/erpbi\.mjs backup verify \/backups\/erpbi-backup-new\.tar\.gz \| /);
    expect(pushed).toBe(`push ${join(backups, 'erpbi-backup-new.tar.gz')}`);
    expect(statSync(backups).mode & 0o777).toBe(0o700);
  });
});
