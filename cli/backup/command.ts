import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../../shared/config.js';
import { boxDatabaseUrl, boxSuperuserUrl, dataDir, natsCredentialsOf, natsUrlOf, readBox, type BoxFile } from '../../runtime/box/box.js';
import { startProgress } from '../progress.js';
import type { DatabaseRole } from '../../runtime/box/postgres.js';

// `erpbi backup` and `erpbi restore`: settings from the environment (as the services have them),
// falling back to the local box of ERPBI_DATA started by `npm start`. Progress and notes go to stderr;
// stdout gets only the result (the backup's path), so `dir=$(npx erpbi backup)` works.

export const backupUsage = `  backup [--out DIR] [--tar] [--no-stream] [--plaintext]  pg_dump + DuckDB snapshot + stream position into DIR (default $ERPBI_DATA/backups),
                                                           + Keycloak's database (KEYCLOAK_DATABASE_URL) + every stored document (S3_*, reader keys)
                                                           when set; encrypted to ERPBI_BACKUP_RECIPIENTS / _FILE (age); copied with rclone
                                                           (ERPBI_BACKUP_RCLONE_REMOTE) when set; outcome into ERPBI_BACKUP_STATUS_FILE when set
  backup keygen --out FILE                                 a new age key pair: the identity into FILE (0600), the recipient on stdout
  backup verify <DIR|FILE.tar.gz> [--identity FILE] [--into URL] [--plaintext]
                                                           the restore drill: check, restore into a scratch database (ERPBI_DRILL_DATABASE_URL,
                                                           else DATABASE_URL; or the EMPTY database URL), compare every table's rows, drop it
  backup record-failure <STEP>                             the nightly job: STEP (e.g. push) failed, into ERPBI_BACKUP_STATUS_FILE
  restore <DIR|FILE.tar.gz> [--identity FILE] [--republish-events] [--plaintext] [--leave-out keycloak,documents]
                                                           into the EMPTY database DATABASE_URL and the data dir ERPBI_DATA, Keycloak's into the
                                                           EMPTY KEYCLOAK_DATABASE_URL, the documents with S3_* (writer keys);
                                                           decrypted with ERPBI_BACKUP_IDENTITY_FILE (or --identity)`;

/** Where a box of `npm start` keeps the key pair made at its first backup when no recipient is configured. */
export const localIdentityName = 'backup-identity.txt';

/** `as`: on a box of `npm start`, its role to connect as (backup: the reader, restore: the owner); else its superuser. */
function settings(as?: Extract<DatabaseRole, 'owner' | 'reader'>) {
  const dir = dataDir();
  const box = readBox(dir);
  const config = readConfig(['DATABASE_URL', 'EVENTS_STREAM', 'EVENTS_PREFIX', 'OLAP_FILE', 'KEYCLOAK_DATABASE_URL']);
  const databaseUrl = config.DATABASE_URL ?? (as && boxDatabaseUrl(box, as)) ?? boxSuperuserUrl(box, dir);
  if (!databaseUrl) throw new Error('DATABASE_URL (or the secret database-url) is required, or a box started with `npm start` in ERPBI_DATA');
  return {
    dir,
    databaseUrl,
    natsUrl: natsUrlOf(box),
    natsCredentials: natsCredentialsOf(box),
    stream: config.EVENTS_STREAM,
    prefix: config.EVENTS_PREFIX,
    olapFile: config.OLAP_FILE,
    keycloakDatabaseUrl: config.KEYCLOAK_DATABASE_URL,
    localBox: !config.DATABASE_URL,
    box,
  };
}

/** The documents' storage: the S3_* settings, else (a box of `npm start` in ERPBI_DATA) the box's own s3rver, whose one key pair reads and writes. */
async function documentsTarget(s: { box: BoxFile }) {
  const { s3TargetFromEnv } = await import('./documents.js');
  const given = s3TargetFromEnv();
  if (given || !s.box.s3Port) return given;
  const { documentsBucket, localStorageKeys } = await import('../../runtime/box/object-storage.js');
  return { endpoint: `http://127.0.0.1:${s.box.s3Port}`, region: 'us-east-1', bucket: documentsBucket, ...localStorageKeys };
}

/**
 * Who a backup is encrypted to: the configured recipients; on a box of `npm start` without any, a key
 * pair of the box's own (made at the first backup, the identity 0600 in ERPBI_DATA, and said where);
 * anywhere else (a server, the Pi) no backup at all unless --plaintext says so. Good tools do the same:
 * restic and borg will not write a repository without a key unless told `--insecure`/`none`.
 */
export async function backupRecipients(
  s: { dir: string; localBox: boolean },
  plaintext: boolean,
  log: (line: string) => void = (l) => console.error(l),
): Promise<string[] | 'plaintext'> {
  const { parseRecipients, recipientsOf, readIdentityFile, writeKeyPair } = await import('./age.js');
  const config = readConfig(['ERPBI_BACKUP_RECIPIENTS', 'ERPBI_BACKUP_RECIPIENTS_FILE']);
  const recipients = [
    ...parseRecipients(config.ERPBI_BACKUP_RECIPIENTS ?? ''),
    ...(config.ERPBI_BACKUP_RECIPIENTS_FILE ? parseRecipients(readFileSync(config.ERPBI_BACKUP_RECIPIENTS_FILE, 'utf8')) : []),
  ];
  if (config.ERPBI_BACKUP_RECIPIENTS_FILE && recipients.length === 0) throw new Error(`${config.ERPBI_BACKUP_RECIPIENTS_FILE} holds no age recipient`);
  if (plaintext) {
    log('backup: --plaintext: this backup is NOT encrypted (salaries, customers, everything readable by whoever gets the file)');
    return 'plaintext';
  }
  if (recipients.length > 0) return recipients;
  if (s.localBox) {
    const file = join(s.dir, localIdentityName);
    if (existsSync(file)) return recipientsOf(readIdentityFile(file));
    const recipient = await writeKeyPair(file);
    log(`backup: no ERPBI_BACKUP_RECIPIENTS, so this box made its own key pair: backups are encrypted to ${recipient}`);
    log(
      `backup: the identity that opens them is ${file}: keep a copy somewhere else (a password manager, a USB stick in a drawer); without it no backup can be restored`,
    );
    return [recipient];
  }
  throw new Error(
    'no backup recipient: set ERPBI_BACKUP_RECIPIENTS (age1...) or ERPBI_BACKUP_RECIPIENTS_FILE to the public key(s) to encrypt the backups to. ' +
      'Make the key pair OFF this box (`age-keygen -o erpbi-backup.key` from the Debian package age, or `npx erpbi backup keygen --out FILE`) and keep the identity there. ' +
      'Only --plaintext writes a backup unencrypted',
  );
}

/** The identities to open a backup with: --identity, else ERPBI_BACKUP_IDENTITY_FILE, else the box's own (npm start). */
async function backupIdentities(dir: string, given: string | undefined): Promise<string[]> {
  const { readIdentityFile } = await import('./age.js');
  const local = join(dir, localIdentityName);
  const file = given ?? readConfig(['ERPBI_BACKUP_IDENTITY_FILE']).ERPBI_BACKUP_IDENTITY_FILE ?? (existsSync(local) ? local : undefined);
  return file ? readIdentityFile(file) : [];
}

/** Records an outcome in ERPBI_BACKUP_STATUS_FILE when it is set (the nightly job's; a backup by hand records nothing). */
async function recordStatus(event: import('../../shared/backup-status.js').BackupEvent): Promise<void> {
  const file = readConfig(['ERPBI_BACKUP_STATUS_FILE']).ERPBI_BACKUP_STATUS_FILE;
  if (!file) return;
  const { recordBackupStatus } = await import('../../shared/backup-status.js');
  recordBackupStatus(file, event);
}

/** Runs `work`; when it throws, records `failed` first (an alert must not depend on the log being read). */
async function recordingFailure<T>(failed: import('../../shared/backup-status.js').BackupEvent, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await recordStatus(failed).catch((e: unknown) =>
      console.error(`erpbi backup: could not record the failure in ERPBI_BACKUP_STATUS_FILE: ${(e as Error).message}`),
    );
    throw err;
  }
}

export async function backupCommand(args: string[]): Promise<void> {
  if (args[0] === 'keygen') return keygenCommand(args.slice(1));
  if (args[0] === 'verify') return verifyCommand(args.slice(1));
  if (args[0] === 'record-failure') return recordFailureCommand(args.slice(1));
  return recordingFailure({ kind: 'backup', ok: false, step: 'backup' }, () => takeBackup(args));
}

async function recordFailureCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1 || !/^[a-z-]{1,40}$/.test(positionals[0]!))
    throw new Error(`backup record-failure takes the step that failed (lower-case letters and dashes, e.g. push)\n${backupUsage}`);
  if (!readConfig(['ERPBI_BACKUP_STATUS_FILE']).ERPBI_BACKUP_STATUS_FILE) throw new Error('backup record-failure needs ERPBI_BACKUP_STATUS_FILE');
  await recordStatus({ kind: 'backup', ok: false, step: positionals[0]! });
}

async function takeBackup(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      tar: { type: 'boolean', default: false },
      'no-stream': { type: 'boolean', default: false },
      plaintext: { type: 'boolean', default: false },
    },
  });
  const s = settings('reader');
  const encryptTo = await backupRecipients(s, values.plaintext);
  if (!s.natsUrl && !values['no-stream']) throw new Error('NATS_URL is required to record the stream position (or pass --no-stream)');
  const { backup } = await import('./backup.js');
  const result = await backup({
    databaseUrl: s.databaseUrl,
    dataDir: s.dir,
    olapFile: s.olapFile,
    outDir: values.out ?? join(s.dir, 'backups'),
    encryptTo,
    ...(values['no-stream'] || !s.natsUrl ? {} : { nats: { url: s.natsUrl, stream: s.stream, credentials: s.natsCredentials } }),
    keycloakDatabaseUrl: s.keycloakDatabaseUrl,
    documents: await documentsTarget(s),
    tar: values.tar,
    log: (line) => console.error(line),
    progress: startProgress,
  });
  await recordStatus({ kind: 'backup', ok: true, bytes: result.bytes });
  console.log(result.path);
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'republish-events': { type: 'boolean', default: false },
      identity: { type: 'string' },
      plaintext: { type: 'boolean', default: false },
      'leave-out': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new Error(`restore takes one backup directory or .tar.gz\n${backupUsage}`);
  const s = settings('owner');
  const { restore, restorableParts } = await import('./restore.js');
  const leaveOut = (values['leave-out'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = leaveOut.filter((p) => !(restorableParts as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--leave-out takes ${restorableParts.join(', ')} (comma-separated), not ${unknown.join(', ')}`);
  const result = await restore({
    from: positionals[0]!,
    identities: await backupIdentities(s.dir, values.identity),
    plaintext: values.plaintext,
    databaseUrl: s.databaseUrl,
    dataDir: s.dir,
    olapFile: s.olapFile,
    ...(s.natsUrl ? { nats: { url: s.natsUrl, stream: s.stream, credentials: s.natsCredentials } } : {}),
    ...(values['republish-events'] ? { republishEvents: { prefix: s.prefix } } : {}),
    keycloakDatabaseUrl: s.keycloakDatabaseUrl,
    documents: await documentsTarget(s),
    leaveOut: leaveOut as (typeof restorableParts)[number][],
    log: (line) => console.error(line),
    progress: startProgress,
  });
  const documents = typeof result.documents === 'number' ? `${result.documents} documents restored` : `documents ${result.documents}`;
  console.log(
    `restored the backup of ${result.manifest.createdAt}; olap ${result.olap}; keycloak ${result.keycloak}; ${documents}${result.republished ? `; ${result.republished} events republished` : ''}`,
  );
}

async function keygenCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) throw new Error(`backup keygen needs --out FILE (the identity: keep it off the box)\n${backupUsage}`);
  const { writeKeyPair } = await import('./age.js');
  const recipient = await writeKeyPair(values.out);
  console.error(
    `backup keygen: the identity is in ${values.out} (0600): it opens every backup made for the recipient below; keep it, and a second copy, off the box`,
  );
  console.error('backup keygen: on the box, set ERPBI_BACKUP_RECIPIENTS to the recipient:');
  console.log(recipient);
}

/** `backup verify`: the restore drill (cli/backup/drill.ts). */
async function verifyCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { identity: { type: 'string' }, into: { type: 'string' }, plaintext: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new Error(`backup verify takes one backup directory or .tar.gz\n${backupUsage}`);
  const s = settings();
  const scratchFrom = readConfig(['ERPBI_DRILL_DATABASE_URL']).ERPBI_DRILL_DATABASE_URL ?? s.databaseUrl;
  const { drill } = await import('./drill.js');
  const result = await recordingFailure({ kind: 'drill', ok: false }, async () =>
    drill({
      from: positionals[0]!,
      identities: await backupIdentities(s.dir, values.identity),
      plaintext: values.plaintext,
      target: values.into ? { into: values.into } : { scratchFrom },
      log: (line) => console.error(line),
      progress: startProgress,
    }),
  );
  await recordStatus({ kind: 'drill', ok: true, seconds: result.seconds });
  const keycloak = typeof result.keycloak === 'string' ? result.keycloak : `${result.keycloak.tables} tables and ${result.keycloak.rows} rows as backed up`;
  const documents = typeof result.documents === 'number' ? `${result.documents} checked` : result.documents;
  console.log(
    `drill passed: the backup of ${result.manifest.createdAt} restored into ${result.database}, ${result.tables} tables and ${result.rows} rows as backed up; ` +
      `olap ${result.olap}; keycloak ${keycloak}; documents ${documents}; ${result.seconds.toFixed(1)} s`,
  );
}
