import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { olapFile } from '../../cli/backup/manifest.js';
import { restore } from '../../cli/backup/restore.js';
import { writeKeyPair, readIdentityFile } from '../../cli/backup/age.js';
import { natsUrl } from '../support/nats.js';
import {
  h,
  work,
  made,
  identities,
  blank,
  keycloakUrl,
  createKeycloakDatabase,
  target,
  createEmptyDatabase,
  snapshot,
  nowhereUrl,
  tableCount,
  unpacked,
  useBackupBox,
} from '../support/backup-box.js';

// The backup box of tests/support/backup-box.ts, and the restores erpbi refuses: into a database that is
// not empty, without a target for a part the backup holds, of a backup altered, cut short, forged or
// opened with the wrong key. Each is refused before anything is written (what restores is
// backup-restore.test.ts's).
useBackupBox();

describe('erpbi backup and restore', () => {
  it('refuses a database that is not empty, and changes nothing in it', async () => {
    const before = await snapshot(h.db.url);
    await expect(
      restore({ from: made.path, identities, databaseUrl: h.db.url, dataDir: join(work, 'box-c'), leaveOut: ['keycloak', 'documents'] }),
    ).rejects.toThrow(/not empty/);
    expect(await snapshot(h.db.url)).toEqual(before);
    expect(existsSync(olapFile(join(work, 'box-c')))).toBe(false);
  });

  it("refuses, before anything is written: no target for Keycloak's database or the documents, or a Keycloak database that holds tables", async () => {
    const url = await createEmptyDatabase();
    const base = { from: made.path, identities, databaseUrl: url, dataDir: join(work, 'box-k') };
    await expect(restore({ ...base, documents: target(blank) })).rejects.toThrow(
      /the backup holds Keycloak's database .*KEYCLOAK_DATABASE_URL.*--leave-out keycloak/,
    );
    await expect(restore({ ...base, keycloakDatabaseUrl: await createKeycloakDatabase() })).rejects.toThrow(
      /the backup holds the stored documents .*WRITER keys.*--leave-out documents/,
    );
    // Keycloak's own database, with the tables it made at its first start:
    await expect(restore({ ...base, keycloakDatabaseUrl: keycloakUrl, documents: target(blank) })).rejects.toThrow(
      /the target Keycloak database is not empty .*stop keycloak, drop and create the database keycloak again/,
    );
    expect(await tableCount(url)).toBe(0);
    expect(existsSync(olapFile(join(work, 'box-k')))).toBe(false);
  });

  it('refuses a backup whose stored document was altered, before it touches anything', async () => {
    const dir = unpacked('document');
    const doc = join(dir, 'documents', '000001.age');
    const bytes = readFileSync(doc);
    bytes[bytes.length - 10]! ^= 0x20;
    writeFileSync(doc, bytes);
    await expect(
      restore({ from: dir, identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-x'), keycloakDatabaseUrl: nowhereUrl(), documents: target(blank) }),
    ).rejects.toThrow(/^refused: documents\/000001\.age of .* does not match the manifest .*: it was altered or cut short; nothing was restored$/);
  });

  it('refuses the wrong identity, and writes nothing', async () => {
    const other = join(work, 'keys', 'other.txt');
    await writeKeyPair(other);
    const url = await createEmptyDatabase();
    const data = join(work, 'box-w');
    await expect(
      restore({ from: made.path, identities: readIdentityFile(other), databaseUrl: url, dataDir: data, nats: { url: natsUrl, stream: h.bus.stream } }),
    ).rejects.toThrow(/^refused: the identity given does not open .* \(it was encrypted to other recipients\); nothing was restored$/);
    await expect(restore({ from: made.path, identities: [], databaseUrl: url, dataDir: data })).rejects.toThrow(/is encrypted: give the age identity/);
    expect(await tableCount(url)).toBe(0);
    expect(existsSync(olapFile(data))).toBe(false);
  });

  it('refuses an archive with one byte flipped, or cut short, before it touches the database', async () => {
    const bad = join(work, 'bad');
    mkdirSync(bad);
    const flipped = join(bad, basename(made.path));
    copyFileSync(made.path, flipped);
    const bytes = readFileSync(flipped);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(flipped, bytes);
    // The database does not exist: a restore that connected to it would fail otherwise than refused.
    const opts = { identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-t') };
    copyFileSync(made.checksum!, `${flipped}.sha256`);
    await expect(restore({ from: flipped, ...opts })).rejects.toThrow(
      /^refused: .* does not match .*\.sha256: the archive was altered or cut short; nothing was restored$/,
    );
    // Without its checksum file the archive still cannot pass: gzip's CRC or the manifest's SHA-256 stops it.
    rmSync(`${flipped}.sha256`);
    await expect(restore({ from: flipped, ...opts })).rejects.toThrow(/^refused: /);
    const cut = join(bad, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(made.path).subarray(0, Math.floor(statSync(made.path).size * 0.9)));
    await expect(restore({ from: cut, ...opts })).rejects.toThrow(/^refused: .* cannot be unpacked, it is damaged or cut short/);
    expect(existsSync(olapFile(join(work, 'box-t')))).toBe(false);
  });

  it("refuses a backup directory whose dump was altered (the manifest's SHA-256), or whose manifest was replaced", async () => {
    const dir = unpacked('altered');
    const dump = join(dir, 'postgres.dump.age');
    const bytes = readFileSync(dump);
    bytes[bytes.length - 100]! ^= 0x80;
    writeFileSync(dump, bytes);
    const opts = { identities, databaseUrl: nowhereUrl(), dataDir: join(work, 'box-a2') };
    await expect(restore({ from: dir, ...opts })).rejects.toThrow(
      /^refused: postgres\.dump\.age of .* does not match the manifest .*: it was altered or cut short; nothing was restored$/,
    );
    // A plaintext manifest put in the sealed one's place (whoever has only the backups cannot seal one):
    const forged = unpacked('forged');
    rmSync(join(forged, 'manifest.json.age'));
    writeFileSync(join(forged, 'manifest.json'), JSON.stringify({ ...made.manifest, encryption: null }));
    await expect(restore({ from: forged, ...opts })).rejects.toThrow(
      /^refused: .* is not encrypted, so nothing shows who wrote it; restore it only if you made it yourself, with --plaintext/,
    );
  });
});
