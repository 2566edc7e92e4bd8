import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageKeySecrets, storageKeyUses } from '../../shared/documents/storage-keys.js';
import { seaweedfsIdentities, type KeyPair } from './seaweedfs-identities.js';

// SeaweedFS's identities from the key pairs: each use bound to its bucket (the documents' or the OLAP
// export's) and to what it does there, and nothing written when a key file is missing or two uses share a key.

const sample: Record<(typeof storageKeyUses)[number], KeyPair> = {
  writer: { accessKeyId: 'WRITERKEY', secretAccessKey: 'writer/secret+1' },
  reader: { accessKeyId: 'READERKEY', secretAccessKey: 'reader-secret-2' },
  admin: { accessKeyId: 'ADMINKEY', secretAccessKey: 'admin-secret-3' },
  'olap-writer': { accessKeyId: 'OLAPWRITERKEY', secretAccessKey: 'olap-writer-secret-4' },
  'olap-reader': { accessKeyId: 'OLAPREADERKEY', secretAccessKey: 'olap-reader-secret-5' },
};

describe('seaweedfsIdentities', () => {
  it('gives each use its own identity, bound to its bucket: writer writes (and reads back to e-mail), reader reads and lists, admin administers both, the OLAP pairs the export bucket alone', () => {
    expect(seaweedfsIdentities(sample)).toEqual({
      identities: [
        {
          name: 'erpbi-writer',
          credentials: [{ accessKey: 'WRITERKEY', secretKey: 'writer/secret+1' }],
          actions: ['Write:erpbi-documents', 'Read:erpbi-documents'],
        },
        {
          name: 'erpbi-reader',
          credentials: [{ accessKey: 'READERKEY', secretKey: 'reader-secret-2' }],
          actions: ['Read:erpbi-documents', 'List:erpbi-documents'],
        },
        { name: 'erpbi-admin', credentials: [{ accessKey: 'ADMINKEY', secretKey: 'admin-secret-3' }], actions: ['Admin:erpbi-documents', 'Admin:erpbi-olap'] },
        {
          name: 'erpbi-olap-writer',
          credentials: [{ accessKey: 'OLAPWRITERKEY', secretKey: 'olap-writer-secret-4' }],
          actions: ['Write:erpbi-olap', 'List:erpbi-olap'],
        },
        {
          name: 'erpbi-olap-reader',
          credentials: [{ accessKey: 'OLAPREADERKEY', secretKey: 'olap-reader-secret-5' }],
          actions: ['Read:erpbi-olap', 'List:erpbi-olap'],
        },
      ],
    });
  });

  it('never grants an action unbound to a bucket (a bare "Admin" or "Read" is every bucket)', () => {
    for (const identity of seaweedfsIdentities(sample, { documents: 'other-bucket', olap: 'other-olap' }).identities) {
      for (const action of identity.actions) expect(action, identity.name).toMatch(/^(Read|Write|List|Admin):other-(bucket|olap)$/);
    }
  });

  it('refuses an empty key, naming the use and its secret file', () => {
    expect(() => seaweedfsIdentities({ ...sample, reader: { ...sample.reader, secretAccessKey: '' } })).toThrow(
      /reader key pair has no secretAccessKey \(the secret s3-reader-secret-access-key/,
    );
  });

  it('refuses a key with spaces or non-ASCII characters', () => {
    expect(() => seaweedfsIdentities({ ...sample, admin: { ...sample.admin, accessKeyId: 'ADMIN KEY' } })).toThrow(
      /admin key pair's accessKeyId \(the secret s3-admin-access-key-id\) holds spaces/,
    );
    expect(() => seaweedfsIdentities({ ...sample, writer: { ...sample.writer, secretAccessKey: 'clé' } })).toThrow(/writer key pair's secretAccessKey/);
  });

  it('refuses two uses sharing an access key id: SeaweedFS would give both one identity', () => {
    expect(() => seaweedfsIdentities({ ...sample, reader: { ...sample.reader, accessKeyId: 'WRITERKEY' } })).toThrow(
      /writer and reader key pairs share one access key id/,
    );
  });

  it('refuses a bucket name S3 would refuse', () => {
    expect(() => seaweedfsIdentities(sample, { documents: 'Bad_Bucket', olap: 'erpbi-olap' })).toThrow();
    expect(() => seaweedfsIdentities(sample, { documents: 'erpbi-documents', olap: 'Bad_Olap' })).toThrow();
  });

  it("refuses one bucket for both: the exports would be the documents readers' and the backup's", () => {
    expect(() => seaweedfsIdentities(sample, { documents: 'erpbi-documents', olap: 'erpbi-documents' })).toThrow(/buckets of their own/);
  });
});

describe('erpbi install seaweedfs-identities --secrets DIR', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erpbi-seaweedfs-identities-'));
    for (const use of storageKeyUses) {
      const names = storageKeySecrets(use);
      // as the installer writes them: one line each
      writeFileSync(join(dir, names.accessKeyId), `${sample[use].accessKeyId}\n`);
      writeFileSync(join(dir, names.secretAccessKey), `${sample[use].secretAccessKey}\n`);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function erpbi(...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/erpbi.mjs', 'install', ...args]);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('writes DIR/seaweedfs-s3.json, readable by its owner only, the generator output for the key files', async () => {
    const res = await erpbi('seaweedfs-identities', '--secrets', dir);
    expect(res).toMatchObject({ code: 0, stdout: `${join(dir, 'seaweedfs-s3.json')}\n` });
    const file = join(dir, 'seaweedfs-s3.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(seaweedfsIdentities(sample));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fails naming the missing key file, and writes nothing', async () => {
    unlinkSync(join(dir, 's3-admin-secret-access-key'));
    const res = await erpbi('seaweedfs-identities', '--secrets', dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot read the key file ${join(dir, 's3-admin-secret-access-key')}: ENOENT`);
    expect(() => statSync(join(dir, 'seaweedfs-s3.json'))).toThrow();
  });

  it('fails naming an empty key file', async () => {
    writeFileSync(join(dir, 's3-writer-access-key-id'), '\n');
    const res = await erpbi('seaweedfs-identities', '--secrets', dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the key file ${join(dir, 's3-writer-access-key-id')} is empty`);
  });

  it('asks for --secrets, and names an unknown step', async () => {
    expect((await erpbi('seaweedfs-identities')).stderr).toContain('--secrets DIR is required');
    expect((await erpbi('nothing-such')).stderr).toContain('no install step nothing-such');
  });
});
