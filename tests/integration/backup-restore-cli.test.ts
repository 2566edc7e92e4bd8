import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { olapFile } from '../../cli/backup/manifest.js';
import { readBackupStatus } from '../../shared/backup-status.js';
import { adminUrl } from '../support/postgres.js';
import { natsUrl } from '../support/nats.js';
import { OlapStore } from '../../olap/store.js';
import { buildApp } from '../../shared/http/app.js';
import { createVerifier } from '../../shared/auth/verify.js';
import { buildGateway } from '../../gateway/gateway.js';
import { writeBox } from '../../runtime/box/box.js';
import { loadOrCreateKeys } from '../../runtime/dev-issuer/issuer.js';
import { formatBytes } from '../../cli/progress.js';
import projector from '../../functions/project-to-olap/handler.js';
import {
  h,
  work,
  keyFile,
  recipient,
  olapBytes,
  aggregatesBefore,
  storage,
  blank,
  pdfs,
  kc,
  kcUrl,
  createKeycloakDatabase,
  aggregates,
  createEmptyDatabase,
  streamLastSeq,
  useBackupBox,
} from '../support/backup-box.js';

// The backup box of tests/support/backup-box.ts, backed up, restored, verified and rebuilt through `npx erpbi`.
useBackupBox();

// The same commands as an operator runs them (`npx erpbi ...`), with stderr a pipe as in cron or CI:
// progress must come as plain lines (no bar, no escape codes) ending with done = total, and stdout
// must keep only the result.
describe('erpbi backup, restore and rebuild-olap off a terminal', () => {
  const root = join(import.meta.dirname, '..', '..');
  const cli = async (args: string[], env: Record<string, string>) => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'erpbi.mjs'), ...args], {
      env: { ...process.env, ...env },
      cwd: work,
    });
    return { stdout, stderr };
  };
  const plain = (stderr: string) => {
    // eslint-disable-next-line no-control-regex -- the point: no escape sequence
    expect(stderr).not.toMatch(/[\x1b\r]/); // no cursor moves, colours or in-place redraws
    return stderr.split('\n');
  };
  /** The last progress line of `label` (notes such as `backup: <path>` aside), checked to read `<done>/<total>, 100%` with done = total. */
  const finalLine = (lines: string[], label: string) => {
    const line = lines.filter((l) => l.startsWith(`${label}: `) && /, \d+%, /.test(l)).at(-1);
    const m = new RegExp(`^${label}: ([^/]+)/([^,]+?)(?: events)?, 100%, [^,]+/s, done in \\S+$`).exec(line ?? '');
    expect(m, `${label}'s final line in:\n${lines.join('\n')}`).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    return m![1]!;
  };
  let archive: string;
  /** pg_dump and pg_restore stand-ins that log their argv, environment and PGPASSFILE, then run the real ones. */
  let binDir: string;
  let spawnLog: string;
  const password = `pw-${randomBytes(6).toString('hex')}-never-in-argv`;
  /** The harness database's URL with a password (the trust login ignores it; the tools must not show it). */
  const withPassword = (url: string) => url.replace('postgres://postgres@', `postgres://postgres:${encodeURIComponent(password)}@`);

  beforeAll(() => {
    binDir = join(work, 'bin');
    spawnLog = join(work, 'spawn.log');
    mkdirSync(binDir);
    for (const tool of ['pg_dump', 'pg_restore']) {
      const real = execFileSync('sh', ['-c', `command -v ${tool}`])
        .toString()
        .trim();
      const wrapper = join(binDir, tool);
      writeFileSync(
        wrapper,
        `#!/bin/sh\n{ echo "== ${tool}"; for a in "$@"; do echo "argv: $a"; done; env | sed 's/^/env: /'; ` +
          `if [ -n "$PGPASSFILE" ]; then echo "passfile: $PGPASSFILE $(stat -c %a "$PGPASSFILE") $(stat -c %a "$(dirname "$PGPASSFILE")")"; sed 's/^/passfile-line: /' "$PGPASSFILE"; fi; } >> '${spawnLog}'\n` +
          `exec '${real}' "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
    }
  });

  /** What the stand-ins logged of `tool`'s runs, oldest first. */
  const runsOf = (tool: string) =>
    readFileSync(spawnLog, 'utf8')
      .split(/^== /m)
      .filter((b) => b.startsWith(`${tool}\n`));
  const spawned = (tool: string) => runsOf(tool).at(-1)!;
  /** The nightly job's status file (shared/backup-status.ts), as the connector would read it. */
  const statusFile = () => join(work, 'status', 'backup-status.json');
  /** Keycloak's database and the documents as the CLI reads them (the password: the one no tool may show). */
  const parts = () => ({ KEYCLOAK_DATABASE_URL: kcUrl(kc.dbs[0]!).replace(`:${kc.password}@`, `:${encodeURIComponent(password)}@`), ...storage.env });

  it('backup: refuses to write a plaintext backup on a server with no recipient configured, and writes nothing', async () => {
    const out = join(work, 'cli-refused');
    const failed = await cli(['backup', '--out', out, '--tar', '--no-stream'], {
      DATABASE_URL: h.db.url,
      ERPBI_DATA: join(work, 'box-a'),
      ERPBI_BACKUP_STATUS_FILE: statusFile(),
    }).then(
      () => null,
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toMatch(/erpbi backup: no backup recipient: set ERPBI_BACKUP_RECIPIENTS .*--plaintext writes a backup unencrypted/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    // ... and the failure is recorded for Prometheus, with nothing else.
    const status = readBackupStatus(statusFile())!;
    expect(status.backup.lastSuccess).toBeNull();
    expect(status.backup.lastFailure).toMatchObject({ step: 'backup' });
    expect(status.drill).toEqual({ lastSuccess: null, lastFailure: null });
  });

  it('backup: bytes written of the total, then only the path on stdout; no password in the argv or environment of pg_dump', async () => {
    const { stdout, stderr } = await cli(['backup', '--out', join(work, 'cli-backups'), '--tar'], {
      DATABASE_URL: withPassword(h.db.url),
      NATS_URL: natsUrl,
      EVENTS_STREAM: h.bus.stream,
      ERPBI_DATA: join(work, 'box-a'),
      ERPBI_BACKUP_RECIPIENTS: recipient,
      ERPBI_BACKUP_STATUS_FILE: statusFile(),
      PATH: `${binDir}:${process.env.PATH}`,
      PGPASSWORD: password,
      ...parts(),
    });
    archive = stdout.trim();
    expect(archive).toMatch(/erpbi-backup-\w+\.tar\.gz$/);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const lines = plain(stderr);
    // The dump and the DuckDB copy together; the dump's estimate is replaced by its real size by the end.
    expect(finalLine(lines, 'backup')).toMatch(/^[\d.]+ (B|KiB|MiB)$/);
    expect(
      lines
        .filter((l) => /^backup: .*, \d+%, /.test(l))
        .slice(0, -1)
        .every((l) => / left$/.test(l)),
    ).toBe(true);
    expect(lines).toContain(`backup: ${archive}`);
    finalLine(lines, 'backup keycloak');
    expect(finalLine(lines, 'backup documents')).toBe(formatBytes([...pdfs.values()].reduce((a, b) => a + b.length, 0)));
    // The password reached pg_dump only through its PGPASSFILE: 0600 in a 0700 directory, gone afterwards:
    // erpbi's dump, then Keycloak's (as its own role).
    const [erpbiRun, keycloakRun] = runsOf('pg_dump').slice(-2);
    for (const [run, url] of [
      [erpbiRun!, h.db.url],
      [keycloakRun!, kcUrl(kc.dbs[0]!).replace(`:${kc.password}@`, '@')],
    ] as const) {
      const argv = run.split('\n').filter((l) => l.startsWith('argv: '));
      expect(
        argv.some((l) => l.includes(`--dbname=${url}`)),
        url,
      ).toBe(true);
      expect(
        run
          .split('\n')
          .filter((l) => !l.startsWith('passfile-line: '))
          .join('\n'),
      ).not.toContain(password);
      expect(run).not.toMatch(/^env: (DATABASE_URL|KEYCLOAK_DATABASE_URL|PGPASSWORD|S3_SECRET_ACCESS_KEY)=/m);
      const [, passfile, mode, dirMode] = /^passfile: (\S+) (\d+) (\d+)$/m.exec(run)!;
      expect([mode, dirMode]).toEqual(['600', '700']);
      expect(run).toContain(`passfile-line: *:*:*:*:${password}`);
      expect(existsSync(passfile!)).toBe(false);
    }
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    // The night's success is recorded after the earlier failure, with the archive's size.
    const status = readBackupStatus(statusFile())!;
    expect(status.backup.lastSuccess!.bytes).toBe(statSync(archive).size);
    expect(Date.parse(status.backup.lastSuccess!.at)).toBeGreaterThan(Date.parse(status.backup.lastFailure!.at));
    expect(statSync(statusFile()).mode & 0o777).toBe(0o644);
  });

  it('restore: bytes read of the archive, the dump and the DuckDB file', async () => {
    const { stdout, stderr } = await cli(['restore', archive], {
      DATABASE_URL: withPassword(await createEmptyDatabase()),
      NATS_URL: natsUrl,
      EVENTS_STREAM: h.bus.stream,
      ERPBI_DATA: join(work, 'box-e'),
      ERPBI_BACKUP_IDENTITY_FILE: keyFile,
      PATH: `${binDir}:${process.env.PATH}`,
      ...parts(),
      KEYCLOAK_DATABASE_URL: withPassword(await createKeycloakDatabase()),
      ...blank.env,
    });
    expect(stdout).toMatch(new RegExp(`^restored the backup of \\S+; olap restored; keycloak restored; ${pdfs.size} documents restored\n$`));
    const lines = plain(stderr);
    expect(finalLine(lines, 'restore unpack')).toBe(formatBytes(readFileSync(archive).length));
    finalLine(lines, 'restore database');
    expect(finalLine(lines, 'restore olap')).toBe(formatBytes(olapBytes.length));
    expect(readFileSync(olapFile(join(work, 'box-e'))).equals(olapBytes)).toBe(true);
    finalLine(lines, 'restore keycloak');
    finalLine(lines, 'restore documents');
    const run = spawned('pg_restore');
    expect(
      run
        .split('\n')
        .filter((l) => !l.startsWith('passfile-line: '))
        .join('\n'),
    ).not.toContain(password);
    expect(run).toMatch(/^passfile: \S+ 600 700$/m);
  });

  it('backup verify: the drill through the CLI, a line of result on stdout', async () => {
    const { stdout, stderr } = await cli(['backup', 'verify', archive, '--identity', keyFile], {
      DATABASE_URL: withPassword(h.db.url),
      ERPBI_DRILL_DATABASE_URL: withPassword(adminUrl),
      ERPBI_DATA: join(work, 'box-v'),
      ERPBI_BACKUP_STATUS_FILE: statusFile(),
      PATH: `${binDir}:${process.env.PATH}`,
    });
    expect(stdout).toMatch(
      new RegExp(
        `^drill passed: the backup of \\S+ restored into erpbi_drill_\\w+, \\d+ tables and \\d+ rows as backed up; olap checked; keycloak 2 tables and 4 rows as backed up; documents ${pdfs.size} checked; [\\d.]+ s\n$`,
      ),
    );
    finalLine(plain(stderr), 'drill database');
    const run = spawned('pg_restore');
    expect(
      run
        .split('\n')
        .filter((l) => !l.startsWith('passfile-line: '))
        .join('\n'),
    ).not.toContain(password);
    expect(run).toMatch(/^passfile: \S+ 600 700$/m);
    expect(readBackupStatus(statusFile())!.drill).toMatchObject({ lastSuccess: { seconds: expect.any(Number) }, lastFailure: null });
  });

  it('backup verify of an altered archive, and a push the nightly job saw fail: recorded as failures', async () => {
    const bad = join(work, 'cli-bad.tar.gz');
    const bytes = readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(bad, bytes);
    const env = { DATABASE_URL: h.db.url, ERPBI_DATA: join(work, 'box-v'), ERPBI_BACKUP_STATUS_FILE: statusFile() };
    const failed = await cli(['backup', 'verify', bad, '--identity', keyFile], env).then(
      () => null,
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toMatch(/refused: /);
    const afterDrill = readBackupStatus(statusFile())!;
    expect(Date.parse(afterDrill.drill.lastFailure!.at)).toBeGreaterThanOrEqual(Date.parse(afterDrill.drill.lastSuccess!.at));
    await cli(['backup', 'record-failure', 'push'], env);
    const afterPush = readBackupStatus(statusFile())!;
    expect(afterPush.backup.lastFailure!.step).toBe('push');
    expect(Date.parse(afterPush.backup.lastFailure!.at)).toBeGreaterThanOrEqual(Date.parse(afterPush.backup.lastSuccess!.at));
    expect(afterPush.drill).toEqual(afterDrill.drill);
  });

  it("a box of npm start without S3_ENDPOINT: the documents of its own s3rver (box.json's s3Port), backed up and restored", async () => {
    const box = join(work, 'box-s3');
    writeBox({ clientSecret: 'test', s3Port: Number(new URL(storage.url).port) }, box);
    const { stdout } = await cli(['backup', '--out', join(work, 'cli-s3'), '--tar', '--no-stream'], {
      DATABASE_URL: h.db.url,
      ERPBI_DATA: box,
      ERPBI_BACKUP_RECIPIENTS: recipient,
    });
    const into = join(work, 'box-s3-restored');
    writeBox({ clientSecret: 'test', s3Port: Number(new URL(blank.url).port) }, into);
    const restored = await cli(['restore', stdout.trim(), '--identity', keyFile], { DATABASE_URL: await createEmptyDatabase(), ERPBI_DATA: into });
    expect(restored.stdout).toMatch(new RegExp(`; keycloak absent; ${pdfs.size} documents restored\\n$`));
  });

  /** A box of its own at `dir` for rebuild-olap: the projector behind a gateway, and the dev issuer's keys the CLI signs with. */
  const withProjectorBox = async (dir: string, run: (box: string) => Promise<void>) => {
    const box = join(work, dir);
    const issuer = 'http://127.0.0.1/test-issuer';
    const keys = await loadOrCreateKeys(box);
    const verify = createVerifier({ issuer, audience: 'erpbi', rolesClaim: 'roles', keys: createLocalJWKSet({ keys: [keys.publicJwk] }) });
    const previousOlapFile = process.env.OLAP_FILE;
    process.env.OLAP_FILE = olapFile(box); // read once, when the projector's routes are registered
    const app = buildApp(projector, {
      deps: { db: h.db.pool, js: h.bus.bus.js, prefix: h.bus.prefix, stream: h.bus.stream, log: pino({ level: 'silent' }) },
      verify,
    });
    const gateway = await buildGateway({
      upstream: (name) => (name === 'project-to-olap' ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : undefined),
      waiting: () => [],
    });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      await gateway.listen({ host: '127.0.0.1', port: 0 });
      writeBox({ clientSecret: 'test', issuer, gatewayUrl: `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}` }, box);
      await run(box);
    } finally {
      // The gateway's upstream pool keeps its sockets to the function alive for a minute, and a
      // server that served an event stream waits for them on close: end them outright.
      gateway.server.closeAllConnections();
      await gateway.close();
      app.server.closeAllConnections();
      await app.close();
      if (previousOlapFile === undefined) delete process.env.OLAP_FILE;
      else process.env.OLAP_FILE = previousOlapFile;
    }
    return box;
  };

  it("rebuild-olap: events replayed of the stream's message count", async () => {
    const box = await withProjectorBox('box-r', async (box) => {
      const { stdout, stderr } = await cli(['rebuild-olap'], { ERPBI_DATA: box, NATS_URL: natsUrl, EVENTS_STREAM: h.bus.stream });
      const messages = (await (await jetstreamManager(h.bus.bus.nc)).streams.info(h.bus.stream)).state.messages;
      expect(messages).toBeGreaterThan(0);
      expect(stdout).toMatch(new RegExp(`^rebuilt the OLAP store from ${messages} events \\(watermark ${await streamLastSeq(h.bus.stream)}\\)`));
      expect(finalLine(plain(stderr), 'rebuild-olap')).toBe(String(messages));
    });
    // The rebuilt file holds the same figures as the projection the backup was taken from.
    const store = new OlapStore(olapFile(box));
    try {
      expect(await aggregates(store)).toEqual(aggregatesBefore);
    } finally {
      await store.close();
    }
  });

  // Last of the file: it deletes a message from the stream the others read.
  it("rebuild-olap: exits 1 with the projector's error when the rebuild fails", async () => {
    const last = await streamLastSeq(h.bus.stream);
    const hole = Math.floor(last / 2);
    expect(await (await jetstreamManager(h.bus.bus.nc)).streams.deleteMessage(h.bus.stream, hole)).toBe(true);
    await withProjectorBox('box-rf', async (box) => {
      const failed = await cli(['rebuild-olap'], { ERPBI_DATA: box, NATS_URL: natsUrl, EVENTS_STREAM: h.bus.stream }).then(
        (ok) => ({ code: 0, ...ok }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(
        new RegExp(`erpbi rebuild-olap: the rebuild failed after \\d+ events \\(watermark \\d+\\): the batch jumps from ${hole - 1} to ${hole + 1}`),
      );
    });
  });
});
