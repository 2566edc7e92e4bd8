import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storageKeySecrets, storageKeyUses, type StorageKeyUse } from '../../shared/documents/storage-keys.js';
import { seaweedfsConfigFile, seaweedfsIdentities } from '../../cli/install/seaweedfs-identities.js';
import { composeFiles, environmentOf, root, serviceMemoryMb, services, stackFunctions } from './support.js';

// The invoice PDFs' object storage as issue 22 wants it: SeaweedFS pinned by digest and started by a
// command line it accepts, one key pair per use bound to the bucket, each function holding only the
// pair of its use, and MinIO gone.

const all = services(composeFiles);
const service = (name: string) => all.find((s) => s.name === name)!.spec;
const seaweedfs = service('seaweedfs');
const bucket = 'erpbi-documents';
const olapBucket = 'erpbi-olap';
const docs = readFileSync(join(root, 'docs/object-storage.md'), 'utf8');

/**
 * The flags of `weed server` this file may use: each one seen in SeaweedFS's weed/command/server.go
 * and used with the 4.47/4.48 images (docs/object-storage.md, "The command line"). weed stops at
 * start on a flag it does not know, and nothing here runs SeaweedFS itself: a new flag is added here
 * once checked the same way.
 */
const knownFlags = new Set([
  'dir',
  'ip',
  'ip.bind',
  's3',
  's3.ip.bind',
  's3.port',
  's3.config',
  's3.port.iceberg',
  's3.port.lance',
  's3.allowDeleteBucketNotEmpty',
  'master.telemetry',
  'master.volumeSizeLimitMB',
  'volume.max',
]);

/** SeaweedFS's whole command line in the compose file: the entrypoint and its arguments. */
const commandLine: string[] = [...(seaweedfs.entrypoint ?? []), ...seaweedfs.command];
const flags = new Map(
  commandLine.slice(2).map((a) => {
    const m = /^-([\w.]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`not a flag of weed server: ${a}`);
    return [m[1]!, m[2] ?? 'true'] as const;
  }),
);

describe('the seaweedfs service', () => {
  it('runs the official multi-arch image pinned by version and index digest, the one docs/object-storage.md records', () => {
    const m = /^\$\{SEAWEEDFS_IMAGE:-(chrislusf\/seaweedfs:(\d+\.\d+)@(sha256:[0-9a-f]{64}))\}$/.exec(seaweedfs.image);
    expect(m, String(seaweedfs.image)).not.toBeNull();
    expect(docs).toContain(`\`${m![1]}\``);
  });

  it('is started by weed itself, with `server` and only flags weed server knows, each once', () => {
    // /usr/bin/weed: where the image's Dockerfile (docker/Dockerfile.go_build) puts the binary
    expect(commandLine.slice(0, 2)).toEqual(['/usr/bin/weed', 'server']);
    expect(flags.size, 'a flag given twice').toBe(commandLine.length - 2);
    for (const f of flags.keys()) expect(knownFlags, `-${f}`).toContain(f);
  });

  it('keeps its data in its volume, reads the generated identities, and serves S3 where the functions look for it', () => {
    expect(seaweedfs.volumes).toEqual([`seaweedfs_data:${flags.get('dir')}`]);
    expect(flags.get('s3')).toBe('true');
    expect(flags.get('s3.config')).toBe(`/run/secrets/${seaweedfsConfigFile}`);
    expect(seaweedfs.secrets).toEqual([seaweedfsConfigFile]);
    const endpoint = new URL(`http://seaweedfs:${flags.get('s3.port')}`).href.replace(/\/$/, '');
    for (const f of Object.values<any>(stackFunctions()).filter((x) => x.environment.S3_ENDPOINT)) expect(f.environment.S3_ENDPOINT).toBe(endpoint);
    for (const s of all.filter((x) => environmentOf(x.spec).S3_ENDPOINT)) expect(environmentOf(s.spec).S3_ENDPOINT, s.name).toBe(endpoint);
    expect(seaweedfs.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${flags.get('s3.port')}/healthz`);
  });

  it('listens beyond its own loopback with the S3 gateway alone (master, volume and filer take no keys), sends nothing out', () => {
    expect(flags.get('ip')).toBe('127.0.0.1');
    expect(flags.get('ip.bind')).toBe('127.0.0.1');
    expect(flags.get('s3.ip.bind')).toBe('0.0.0.0');
    expect(flags.get('s3.port.iceberg')).toBe('0');
    expect(flags.get('s3.port.lance')).toBe('0');
    expect(flags.get('master.telemetry')).toBe('false');
    expect(flags.get('s3.allowDeleteBucketNotEmpty')).toBe('false');
    expect(seaweedfs.ports, 'publishes nothing').toBeUndefined();
  });

  it("fits its memory limit: Go's soft limit below it, volumes of a size it can index", () => {
    const limit = serviceMemoryMb(seaweedfs)!;
    const goLimit = /^(\d+)MiB$/.exec(environmentOf(seaweedfs).GOMEMLIMIT ?? '');
    expect(goLimit, 'GOMEMLIMIT in MiB').not.toBeNull();
    expect(Number(goLimit![1])).toBeLessThanOrEqual(limit * 0.8);
    expect(Number(flags.get('master.volumeSizeLimitMB'))).toBeLessThanOrEqual(1024);
    // a collection grows 7 volumes at a time: the two buckets' (documents, OLAP export) and the filer's own need at least 21
    expect(Number(flags.get('volume.max'))).toBeGreaterThanOrEqual(21);
  });
});

// What SeaweedFS allows an identity (weed/s3api/auth_credentials.go, Identity.canDo): an action it
// holds unbound, or `<action>:<bucket>`, or `Admin:<bucket>`, or a global Admin. The actions each S3
// request needs are its router's (weed/s3api/s3api_server.go).
const needs = {
  PutObject: 'Write',
  DeleteObject: 'Write',
  GetObject: 'Read',
  HeadBucket: 'Read',
  ListObjectsV2: 'List',
  CreateBucket: 'Admin',
  DeleteBucket: 'DeleteBucket',
} as const;
type Request = keyof typeof needs;
function allowed(actions: string[], request: Request, target: string): boolean {
  const action = needs[request];
  return actions.some((a) => a === 'Admin' || a === action || a === `${action}:${target}` || a === `Admin:${target}`);
}

describe("the identities SeaweedFS reads (the generator's output)", () => {
  const pair = (use: string) => ({ accessKeyId: `${use.toUpperCase()}KEY`, secretAccessKey: `${use}-secret` });
  const config = seaweedfsIdentities(Object.fromEntries(storageKeyUses.map((u) => [u, pair(u)])) as Record<StorageKeyUse, ReturnType<typeof pair>>, {
    documents: bucket,
    olap: olapBucket,
  });
  const actionsOf = (use: StorageKeyUse) => config.identities.find((i) => i.credentials[0]!.accessKey === pair(use).accessKeyId)!.actions;
  const may = (use: StorageKeyUse, target = bucket) => (Object.keys(needs) as Request[]).filter((r) => allowed(actionsOf(use), r, target)).sort();

  it('one identity per use, each with its own key pair', () => {
    expect(config.identities.map((i) => i.name)).toEqual(storageKeyUses.map((u) => `erpbi-${u}`));
    for (const i of config.identities) expect(i.credentials).toHaveLength(1);
  });

  it('the writer puts and reads back, never lists, never makes or removes a bucket', () => {
    expect(may('writer')).toEqual(['DeleteObject', 'GetObject', 'HeadBucket', 'PutObject']);
  });

  it('the reader reads and lists, never writes', () => {
    expect(may('reader')).toEqual(['GetObject', 'HeadBucket', 'ListObjectsV2']);
  });

  it('the admin pair is the one that may create the buckets; no pair may do anything in another bucket', () => {
    expect(may('admin')).toContain('CreateBucket');
    expect(may('admin', olapBucket)).toContain('CreateBucket');
    for (const use of storageKeyUses) {
      for (const b of [bucket, olapBucket]) expect(storageKeyUses.filter((u) => allowed(actionsOf(u), 'CreateBucket', b))).toEqual(['admin']);
      for (const r of Object.keys(needs) as Request[]) expect(allowed(actionsOf(use), r, 'another-bucket'), `${use} ${r}`).toBe(false);
    }
  });

  it('the OLAP export bucket: the projector puts and lists (to remove old exports), an engine elsewhere only reads and lists; neither reaches a PDF, no documents pair an export', () => {
    expect(may('olap-writer', olapBucket)).toEqual(['DeleteObject', 'ListObjectsV2', 'PutObject']);
    expect(may('olap-reader', olapBucket)).toEqual(['GetObject', 'HeadBucket', 'ListObjectsV2']);
    for (const use of ['olap-writer', 'olap-reader'] as const) expect(may(use), use).toEqual([]);
    for (const use of ['writer', 'reader'] as const) expect(may(use, olapBucket), use).toEqual([]);
  });
});

describe('who holds which key pair', () => {
  const s3Secrets = (secrets: string[] = []) => secrets.filter((s) => s.startsWith('s3-')).sort();
  const pairOf = (use: StorageKeyUse) => Object.values(storageKeySecrets(use)).sort();

  it('each function holds exactly the pair S3_KEYS names: render-document the writer, query the reader, no other any', () => {
    const holders: Record<string, string> = {};
    for (const [name, f] of Object.entries<any>(stackFunctions())) {
      const use = f.environment.S3_KEYS as StorageKeyUse | undefined;
      expect(s3Secrets(f.secrets), name).toEqual(use ? pairOf(use) : []);
      if (use) holders[name] = use;
    }
    expect(holders).toEqual({ query: 'reader', 'render-document': 'writer' });
  });

  it('the compose files alike; only storage-init holds the admin pair, only seaweedfs the identities', () => {
    const holders: Record<string, string> = {};
    for (const s of all) {
      const use = environmentOf(s.spec).S3_KEYS as StorageKeyUse | undefined;
      expect(s3Secrets(s.spec.secrets), s.name).toEqual(use ? pairOf(use) : []);
      if (use) holders[s.name] = use;
      if (s.name !== 'seaweedfs') expect(s.spec.secrets ?? [], s.name).not.toContain(seaweedfsConfigFile);
    }
    expect(holders).toEqual({ 'storage-init': 'admin', query: 'reader', 'render-document': 'writer', 'project-to-olap': 'olap-writer' });
    expect(service('storage-init').command).toEqual(['node', 'bin/erpbi.mjs', 'install', 'storage-bucket']);
  });

  it('every key file the secrets name is documented for the installer', () => {
    const documented = readFileSync(join(root, 'compose/secrets/README.md'), 'utf8');
    for (const use of storageKeyUses) for (const name of pairOf(use)) expect(documented).toContain(`\`${name}\``);
    expect(documented).toContain(`\`${seaweedfsConfigFile}\``);
  });
});

describe('MinIO', () => {
  it('is gone: named by no file of the repository but the page on moving off it', () => {
    const files = execFileSync('git', ['grep', '-l', '-i', 'minio'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    // faasd-extras.test.ts names MinIO's image as one the reader must refuse
    expect(files.sort()).toEqual(['docs/object-storage.md', 'tests/deploy/faasd-extras.test.ts', 'tests/deploy/storage.test.ts']);
  });

  it('docs/deploy-pi.md sizes seaweedfs and storage-init as the compose files do', () => {
    const budget = readFileSync(join(root, 'docs/deploy-pi.md'), 'utf8');
    for (const name of ['seaweedfs', 'storage-init']) expect(budget, name).toContain(`${name} ${serviceMemoryMb(service(name))}`);
  });
});
