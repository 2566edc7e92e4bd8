import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { readConfig } from '../shared/config.js';
import { dataDir, natsUrlOf, readBox } from './box.js';
import { startProgress } from './progress.js';

// `erpbi backup` and `erpbi restore`: settings from the environment (as the services have them),
// falling back to the local box of ERPBI_DATA started by `npm start`. Progress and notes go to stderr;
// stdout gets only the result (the backup's path), so `dir=$(npx erpbi backup)` works.

export const backupUsage = `  backup [--out DIR] [--tar] [--no-stream]              pg_dump + DuckDB snapshot + stream position into DIR (default $ERPBI_DATA/backups);
                                                           pushed with rclone (ERPBI_BACKUP_RCLONE_REMOTE) or restic (RESTIC_REPOSITORY) when set
  restore <DIR|FILE.tar.gz> [--republish-events]          into the EMPTY database DATABASE_URL and the data dir ERPBI_DATA`;

function settings() {
  const dir = dataDir();
  const box = readBox(dir);
  const config = readConfig(['DATABASE_URL', 'EVENTS_STREAM', 'EVENTS_PREFIX', 'OLAP_FILE']);
  const databaseUrl = config.DATABASE_URL ?? (box.pgPort ? `postgres://postgres:erpbi-local@127.0.0.1:${box.pgPort}/erpbi` : undefined);
  if (!databaseUrl) throw new Error('DATABASE_URL (or the secret database-url) is required, or a box started with `npm start` in ERPBI_DATA');
  return { dir, databaseUrl, natsUrl: natsUrlOf(box), stream: config.EVENTS_STREAM, prefix: config.EVENTS_PREFIX, olapFile: config.OLAP_FILE };
}

export async function backupCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, tar: { type: 'boolean', default: false }, 'no-stream': { type: 'boolean', default: false } } });
  const s = settings();
  if (!s.natsUrl && !values['no-stream']) throw new Error('NATS_URL is required to record the stream position (or pass --no-stream)');
  const { backup } = await import('./backup.js');
  const result = await backup({
    databaseUrl: s.databaseUrl,
    dataDir: s.dir,
    olapFile: s.olapFile,
    outDir: values.out ?? join(s.dir, 'backups'),
    ...(values['no-stream'] || !s.natsUrl ? {} : { nats: { url: s.natsUrl, stream: s.stream } }),
    tar: values.tar,
    log: (line) => console.error(line),
    progress: startProgress,
  });
  console.log(result.path);
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'republish-events': { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new Error(`restore takes one backup directory or .tar.gz\n${backupUsage}`);
  const s = settings();
  const { restore } = await import('./backup.js');
  const result = await restore({
    from: positionals[0]!,
    databaseUrl: s.databaseUrl,
    dataDir: s.dir,
    olapFile: s.olapFile,
    ...(s.natsUrl ? { nats: { url: s.natsUrl, stream: s.stream } } : {}),
    ...(values['republish-events'] ? { republishEvents: { prefix: s.prefix } } : {}),
    log: (line) => console.error(line),
    progress: startProgress,
  });
  console.log(`restored the backup of ${result.manifest.createdAt}; olap ${result.olap}${result.republished ? `; ${result.republished} events republished` : ''}`);
}
