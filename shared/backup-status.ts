import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

// What the nightly backup and its drill last did, for Prometheus: `erpbi backup` and `erpbi backup
// verify` record their outcome in one small JSON file (ERPBI_BACKUP_STATUS_FILE), the job records a
// step that failed outside them (the push off the box), and the connector, which Prometheus scrapes,
// exports it as gauges (triggers/backup-metrics.ts). A file, not a push to Prometheus: the backup
// runs as a short job, possibly in a container of its own, and the file outlives it. It holds times,
// sizes and step names only: no path of a secret, no error text (the job's log has that).

const at = z.string().datetime();
const outcome = z.object({ at }).strict();

export const backupStatusSchema = z
  .object({
    backup: z
      .object({
        lastSuccess: outcome.extend({ bytes: z.number().int().nonnegative() }).strict().nullable(),
        /** `step`: what failed (backup, push, ...). */
        lastFailure: outcome
          .extend({ step: z.string().regex(/^[a-z-]{1,40}$/) })
          .strict()
          .nullable(),
      })
      .strict(),
    drill: z
      .object({
        lastSuccess: outcome.extend({ seconds: z.number().nonnegative() }).strict().nullable(),
        lastFailure: outcome.nullable(),
      })
      .strict(),
  })
  .strict();
export type BackupStatus = z.infer<typeof backupStatusSchema>;

export type BackupEvent =
  | { kind: 'backup'; ok: true; bytes: number }
  | { kind: 'backup'; ok: false; step: string }
  | { kind: 'drill'; ok: true; seconds: number }
  | { kind: 'drill'; ok: false };

const empty = (): BackupStatus => ({ backup: { lastSuccess: null, lastFailure: null }, drill: { lastSuccess: null, lastFailure: null } });

/** The status in `file`; null when there is none yet (no backup was ever recorded). Throws on a file that is not one. */
export function readBackupStatus(file: string): BackupStatus | null {
  if (!existsSync(file)) return null;
  const parsed = backupStatusSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file} is not a backup status file (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  return parsed.data;
}

/** Records `event` at `now` in `file`, keeping the other outcomes: written whole, then renamed over the old one (a reader never sees half). */
export function recordBackupStatus(file: string, event: BackupEvent, now: Date = new Date()): BackupStatus {
  const path = resolve(file);
  const status = readBackupStatus(path) ?? empty();
  const time = now.toISOString();
  if (event.kind === 'backup') {
    if (event.ok) status.backup.lastSuccess = { at: time, bytes: event.bytes };
    else status.backup.lastFailure = { at: time, step: event.step };
  } else if (event.ok) status.drill.lastSuccess = { at: time, seconds: event.seconds };
  else status.drill.lastFailure = { at: time };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  // 0644: the connector reads it as another user; it holds nothing secret.
  writeFileSync(tmp, JSON.stringify(status, null, 2) + '\n', { mode: 0o644 });
  renameSync(tmp, path);
  return status;
}
