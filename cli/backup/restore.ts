import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { noProgress, tracked, type StartProgress } from '../progress.js';
import { s3Client, writeDocument, type S3Target } from './documents.js';
import { olapBytes, olapFile, olapParts, type Content, type DocumentEntry, type Manifest, type NatsTarget, type StreamPosition } from './manifest.js';
import { documentBytes, feedOlap, openBackup, restoreDump, type OpenOptions, type Opened } from './open.js';
import { assertEmptyDatabase } from './database.js';
import { readStreamPosition, republishOutbox } from './stream.js';

// `erpbi restore`: every target checked before anything is written, then erpbi's database, Keycloak's,
// the documents, the events (on request) and the DuckDB snapshot when it still matches the stream.

export interface RestoreOptions extends OpenOptions {
  /** A backup directory or its .tar.gz. */
  from: string;
  /** The database to restore into: it must hold no erpbi schema yet. */
  databaseUrl: string;
  dataDir: string;
  olapFile?: string | undefined;
  /** The target box's stream: decides whether the DuckDB snapshot still matches it. */
  nats?: NatsTarget;
  /** Publish the restored outbox (every event, oldest first) into an EMPTY stream. */
  republishEvents?: { prefix: string };
  /** The EMPTY Keycloak database to restore the backup's into, as its role (`keycloak`): required when the backup holds one, unless left out. */
  keycloakDatabaseUrl?: string | undefined;
  /** The documents' bucket and the WRITER's keys: required when the backup holds documents, unless left out. */
  documents?: S3Target | undefined;
  /** Parts of the backup not to restore (on purpose: a restore of erpbi's data alone). */
  leaveOut?: readonly RestorablePart[];
  log?: (line: string) => void;
  /** Reports bytes read, step by step (unpacking the archive, the dump, the DuckDB copy); silent by default. */
  progress?: StartProgress;
}

/** The parts of a backup besides erpbi's database that a restore may be told to leave out. */
export const restorableParts = ['keycloak', 'documents'] as const;
export type RestorablePart = (typeof restorableParts)[number];

export interface RestoreResult {
  manifest: Manifest;
  olap: 'restored' | 'absent' | 'skipped';
  keycloak: 'restored' | 'absent' | 'left out';
  /** Documents written back, or why none were. */
  documents: number | 'absent' | 'left out';
  republished: number;
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const start = opts.progress ?? (() => noProgress);
  const opened = await openBackup(opts.from, opts, start);
  try {
    const { manifest } = opened;
    const target = opts.olapFile ?? olapFile(opts.dataDir);
    if (manifest.olap && existsSync(target)) throw new Error(`${target} exists: stop the projector and move the file away first`);
    const leftOut = new Set(opts.leaveOut ?? []);
    // Every target is checked before anything is written: a restore that stops halfway leaves a box
    // with half its parts.
    const keycloakUrl = manifest.keycloak && !leftOut.has('keycloak') ? opts.keycloakDatabaseUrl : undefined;
    if (manifest.keycloak && !leftOut.has('keycloak') && !keycloakUrl) {
      throw new Error(
        "the backup holds Keycloak's database (the users and their passwords): give KEYCLOAK_DATABASE_URL, an EMPTY keycloak database as role keycloak, or leave it out on purpose (--leave-out keycloak)",
      );
    }
    const documentsTarget = manifest.documents && !leftOut.has('documents') ? opts.documents : undefined;
    if (manifest.documents && !leftOut.has('documents') && !documentsTarget) {
      throw new Error(
        'the backup holds the stored documents (the PDFs): give S3_ENDPOINT, S3_BUCKET and the WRITER keys (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), or leave them out on purpose (--leave-out documents)',
      );
    }
    await assertEmptyDatabase(opts.databaseUrl);
    if (keycloakUrl) await assertEmptyDatabase(keycloakUrl, 'keycloak');

    const rows = await restoreDump(
      opened,
      manifest.database,
      opts.databaseUrl,
      start('restore database', { unit: 'bytes', total: manifest.database.bytes }),
      'the restored database differs from the backup',
    );
    log(`database restored from ${manifest.createdAt}: ${rows.tables} tables, ${rows.rows} rows, as backed up`);

    let keycloak: RestoreResult['keycloak'] = manifest.keycloak ? 'left out' : 'absent';
    if (manifest.keycloak && keycloakUrl) {
      const kc = await restoreDump(
        opened,
        manifest.keycloak,
        keycloakUrl,
        start('restore keycloak', { unit: 'bytes', total: manifest.keycloak.bytes }),
        'the restored Keycloak database differs from the backup',
      );
      keycloak = 'restored';
      log(`keycloak: ${kc.tables} tables, ${kc.rows} rows, as backed up`);
    } else if (manifest.keycloak) log('keycloak: left out (--leave-out keycloak): the users of the backup are not restored');

    let documents: RestoreResult['documents'] = manifest.documents ? 'left out' : 'absent';
    if (manifest.documents && documentsTarget) {
      documents = await restoreDocuments(opened, manifest.documents.objects, documentsTarget, start);
      log(`documents: ${documents} objects written back into bucket ${documentsTarget.bucket}, each as backed up`);
    } else if (manifest.documents) log('documents: left out (--leave-out documents)');

    let republished = 0;
    let position: StreamPosition | null = opts.nats ? await readStreamPosition(opts.nats).catch(() => null) : null;
    if (opts.republishEvents) {
      if (!opts.nats) throw new Error('republishing events needs the target NATS_URL and stream');
      if (position && position.lastSeq > 0)
        throw new Error(`stream ${position.name} is not empty (last sequence ${position.lastSeq}); republish only into an empty stream`);
      republished = await republishOutbox(opts.databaseUrl, opts.nats, opts.republishEvents.prefix);
      log(`republished ${republished} events from the outbox into ${opts.nats.stream}`);
      position = await readStreamPosition(opts.nats);
    }

    let olap: RestoreResult['olap'] = 'absent';
    if (manifest.olap) {
      // The snapshot's watermark is a sequence of the OLD stream. It is only meaningful on a stream
      // that still holds everything the backup saw; on any other stream the projector would skip
      // events, so the snapshot is left out and OLAP is rebuilt from the stream instead.
      const same =
        manifest.stream !== null &&
        position !== null &&
        !opts.republishEvents &&
        position.name === manifest.stream.name &&
        position.lastSeq >= manifest.stream.lastSeq;
      if (same) {
        mkdirSync(dirname(target), { recursive: true });
        const to = (c: Content) => (c === manifest.olap!.wal ? `${target}.wal` : target);
        try {
          await feedOlap(opened, start('restore olap', { unit: 'bytes', total: olapBytes(manifest) }), (c) =>
            createWriteStream(to(c), { flags: 'wx', mode: 0o600 }),
          );
        } catch (err) {
          for (const c of olapParts(manifest)) rmSync(to(c), { force: true });
          throw err;
        }
        olap = 'restored';
        log(
          `olap: ${target} restored at sequence ${manifest.stream!.lastSeq}; the projector goes on from there where the feed is there too. ` +
            'Where the feed is already past it (a restore onto the same box), it refuses the gap (sequence_gap): rebuild OLAP from the stream',
        );
      } else {
        olap = 'skipped';
        log('olap: snapshot not restored (the target stream is not the one it was taken from); rebuild OLAP from the stream (`npx erpbi rebuild-olap`)');
      }
    }
    return { manifest, olap, keycloak, documents, republished };
  } finally {
    opened.cleanup();
  }
}

/** Writes every document of the backup back under its key, each checked against the manifest before it is written. */
async function restoreDocuments(opened: Opened, objects: DocumentEntry[], target: S3Target, start: StartProgress): Promise<number> {
  const client = s3Client(target);
  try {
    return await tracked(start('restore documents', { unit: 'bytes', total: objects.reduce((a, o) => a + o.bytes, 0) }), async (p) => {
      let before = 0;
      for (const o of objects) {
        await writeDocument(client, target.bucket, o.key, await documentBytes(opened, o, (n) => p.update(before + n)), o.contentType);
        before += o.bytes;
      }
      return objects.length;
    });
  } finally {
    client.destroy();
  }
}
