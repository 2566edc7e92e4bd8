import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { noProgress, tracked, type StartProgress } from '../progress.js';
import type { Manifest } from './manifest.js';
import { olapBytes } from './manifest.js';
import { documentBytes, feedChecked, feedOlap, openBackup, restoreDump, type OpenOptions } from './open.js';
import { discard } from './digest.js';
import { assertEmptyDatabase, withClient } from './database.js';

export interface DrillOptions extends OpenOptions {
  /** A backup directory or its .tar.gz. */
  from: string;
  /**
   * Where to restore: `{ scratchFrom: url }` creates a scratch database on that server with that role
   * (which must be allowed to create databases) and drops it afterwards, whatever happened;
   * `{ into: url }` restores into that existing EMPTY database and leaves it as restored.
   */
  target: { scratchFrom: string } | { into: string };
  log?: (line: string) => void;
  progress?: StartProgress;
  now?: () => number;
}

export interface DrillResult {
  manifest: Manifest;
  /** The database restored into (dropped again when it was a scratch one). */
  database: string;
  tables: number;
  rows: number;
  olap: 'checked' | 'absent';
  /** Keycloak's dump: restored into a scratch database of its own and its rows compared; only decrypted and checked with `into`. */
  keycloak: { tables: number; rows: number } | 'checked' | 'absent';
  /** Documents decrypted and checked against the manifest, byte for byte. */
  documents: number | 'absent';
  seconds: number;
}

/**
 * The restore drill: everything a restore does to the databases, into databases nobody uses. Opens and
 * checks the backup (as restore does: identity, checksums), decrypts the DuckDB copy and every document
 * to check each is whole, restores the dumps (erpbi's, and Keycloak's into a scratch database of its
 * own), and compares every table's row count with those recorded at backup time.
 * Throws (BackupRefused, or an Error saying what differs) when the backup could not be restored.
 */
export async function drill(opts: DrillOptions): Promise<DrillResult> {
  const now = opts.now ?? Date.now;
  const began = now();
  const log = opts.log ?? (() => {});
  const start = opts.progress ?? (() => noProgress);
  const opened = await openBackup(opts.from, opts, start);
  const drops: (() => Promise<void>)[] = [];
  try {
    const { manifest } = opened;
    log(`backup of ${manifest.createdAt}: every file matches its manifest${manifest.encryption ? ', and the identity opens it' : ''}`);
    if (manifest.olap) {
      await feedOlap(opened, start('drill olap', { unit: 'bytes', total: olapBytes(manifest) }), discard);
      log('olap: the DuckDB copy decrypts whole, as backed up');
    }
    let documents: DrillResult['documents'] = 'absent';
    if (manifest.documents) {
      const objects = manifest.documents.objects;
      documents = await tracked(start('drill documents', { unit: 'bytes', total: objects.reduce((a, o) => a + o.bytes, 0) }), async (p) => {
        let before = 0;
        for (const o of objects) {
          await documentBytes(opened, o, (n) => p.update(before + n));
          before += o.bytes;
        }
        return objects.length;
      });
      log(`documents: ${documents} objects decrypt whole, each as backed up`);
    }

    const stamp = `erpbi_drill_${new Date(began).toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
    const scratch = async (adminUrl: string, name: string): Promise<string> => {
      await withClient(adminUrl, (admin) =>
        admin.query(`create database ${name}`).catch((err: unknown) => {
          throw new Error(
            `cannot create the drill's scratch database (${(err as Error).message}): give a role that may create databases (ERPBI_DRILL_DATABASE_URL), or an empty database with --into URL`,
          );
        }),
      );
      drops.push(async () => {
        await withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
      });
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    };
    let url: string;
    if ('into' in opts.target) {
      url = opts.target.into;
      await assertEmptyDatabase(url);
    } else {
      url = await scratch(opts.target.scratchFrom, stamp);
    }
    const database = new URL(url).pathname.slice(1);
    const scratched = drops.length > 0;
    const rows = await restoreDump(
      opened,
      manifest.database,
      url,
      start('drill database', { unit: 'bytes', total: manifest.database.bytes }),
      "the drill's restore differs from the backup",
    );
    log(
      `database: restored into ${database}${scratched ? ' (scratch, dropped after)' : ''}; ${rows.tables} tables, ${rows.rows} rows, every count as backed up`,
    );

    let keycloak: DrillResult['keycloak'] = 'absent';
    if (manifest.keycloak) {
      const progress = start('drill keycloak', { unit: 'bytes', total: manifest.keycloak.bytes });
      if ('scratchFrom' in opts.target) {
        const kcUrl = await scratch(opts.target.scratchFrom, `${stamp}_keycloak`);
        const kc = await restoreDump(opened, manifest.keycloak, kcUrl, progress, "the drill's restore of Keycloak's database differs from the backup");
        keycloak = { tables: kc.tables, rows: kc.rows };
        log(`keycloak: restored into ${stamp}_keycloak (scratch, dropped after); ${keycloak.tables} tables, ${keycloak.rows} rows, every count as backed up`);
      } else {
        const dump = manifest.keycloak;
        await tracked(progress, async (p) => {
          const { stream, checked } = await feedChecked(opened, dump, (n) => p.update(n));
          await pipeline(stream, discard());
          checked();
        });
        keycloak = 'checked';
        log("keycloak: the dump decrypts whole, as backed up (not restored: --into names erpbi's database only)");
      }
    }
    return {
      manifest,
      database,
      tables: rows.tables,
      rows: rows.rows,
      olap: manifest.olap ? 'checked' : 'absent',
      keycloak,
      documents,
      seconds: (now() - began) / 1000,
    };
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    opened.cleanup();
  }
}
