import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '../support/box.js';
import { results } from '../support/browser.js';
import { waitFor } from '../support/wait.js';
import { request } from '../faults/driver.js';
import { localStorageKeys } from '../../runtime/box/object-storage.js';
import { compose, containerId, ensureUser, front, prepare, root, SignInRefused, signInAs, state, type Person, type Stack } from './stack.js';

// Issue 22, item 5: a restore onto a second, blank box. Stack A (the runbook's compose files + the
// stand-ins, a project of its own) gets two people through Keycloak's admin API (the stand-in's, which
// keeps them in the keycloak database), orders invoiced and their PDFs rendered into object storage,
// then `erpbi backup --tar` in the service image (erpbi's database, Keycloak's, every stored document).
// A is taken down with its volumes; stack B starts from nothing with secrets of its own, and the backup
// is restored as docs/deploy-pi.md says (writers stopped: only Postgres, NATS and the storage run; a
// fresh database; as the database's owner). B must then show the same
// orders, the same invoice PDFs byte for byte, and the same people signing in with their passwords.
// One stack at a time (run the suite under flock /tmp/erpbi-stack.lock); images as built from this checkout.

const projectName = 'erpbi-ct-restore';
/** The object storage's stand-in (s3rver in the service image) and its port, as the stand-ins file names it. */
const storage = { service: 'seaweedfs', port: 8333 };
const box = { url: front } as unknown as Box;
const measures: Record<string, unknown> = {};
let stack: Stack;
/** The backups directory: the office's copy, off both boxes (stack A's test directory, kept until the end). */
let backups: string;

const people: Record<'admin' | 'clerk', Person> = {
  admin: { username: 'restore-admin', password: 'Adm1n-restore-password', roles: ['admin'] },
  clerk: { username: 'restore-clerk', password: 'Cl3rk-restore-password', roles: ['clerk'] },
};
/** What A had, to be found on B. */
const before = {
  ids: {} as Record<string, string>,
  orders: [] as { id: string; total: number; status: string; invoiceId: string }[],
  pdfSha256: {} as Record<string, string>,
  objects: {} as Record<string, string>,
};

function start(): Stack {
  const s = prepare();
  s.env = { ...s.env, COMPOSE_PROJECT_NAME: projectName };
  return s;
}
const ip = (service: string) => state(containerId(stack, service)).ip;
const healthy = () =>
  waitFor(async () => (await fetch(`${front}/healthz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 180_000,
    intervalMs: 500,
    what: 'the front door /healthz to answer 200',
  });
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const timed = async <T>(what: string, f: () => Promise<T> | T): Promise<T> => {
  const t = Date.now();
  const r = await f();
  measures[what] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  return r;
};

/** The storage stand-in's bucket through S3, with its fixed key pair (it knows no other): every object's SHA-256 by key. */
async function storedObjects(): Promise<Record<string, string>> {
  const s3 = new S3Client({
    endpoint: `http://${ip(storage.service)}:${storage.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: localStorageKeys,
  });
  const list = await s3.send(new ListObjectsV2Command({ Bucket: 'erpbi-documents' }));
  const out: Record<string, string> = {};
  for (const o of list.Contents ?? [])
    out[o.Key!] = sha256(await (await s3.send(new GetObjectCommand({ Bucket: 'erpbi-documents', Key: o.Key! }))).Body!.transformToByteArray());
  return out;
}

async function invoicePdf(token: string, invoiceId: string): Promise<Uint8Array | undefined> {
  const res = await fetch(`${front}/function/query/invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? new Uint8Array(await res.arrayBuffer()) : undefined;
}

/** `compose run` of the service image (the connector's service: its secrets, the stack's network) with the backups directory. */
const cli = (args: string[], env: Record<string, string>, volumes: string[] = []) =>
  compose(stack, [
    'run',
    '--rm',
    '--no-deps',
    '-v',
    `${backups}:/backups`,
    ...volumes.flatMap((v) => ['-v', v]),
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    'connector',
    'node',
    'bin/erpbi.mjs',
    ...args,
  ]);
/** Keycloak's database as its own role, and the storage with its keys: what the backup reads and the restore writes. */
const keycloakAndDocuments = () => ({
  KEYCLOAK_DATABASE_URL: `postgres://keycloak:${stack.secret('keycloak-db-password')}@postgres:5432/keycloak`,
  S3_ENDPOINT: `http://${storage.service}:${storage.port}`,
  // s3rver knows its one fixed key pair only: the reader's and the writer's here
  S3_ACCESS_KEY_ID: localStorageKeys.accessKeyId,
  S3_SECRET_ACCESS_KEY: localStorageKeys.secretAccessKey,
});

beforeAll(async () => {
  stack = start();
  backups = join(stack.dir, 'backups');
  // erpbi's images for this machine's arch from this checkout (cached layers: quick after stack.test.ts)
  await timed('images (host arch, cached)', () => {
    execFileSync(join(root, 'compose/bases/build.sh'), { stdio: 'inherit', env: stack.env });
    if (!existsSync(join(root, 'build/functions/query/index.js'))) execFileSync('node', ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
    execFileSync(join(root, 'compose/build-images.sh'), {
      stdio: 'inherit',
      env: { ...stack.env, ERPBI_LOCAL_BASES: '1', ERPBI_TO_DOCKER: '1', ERPBI_ARCHES: process.arch === 'arm64' ? 'arm64' : 'amd64' },
    });
  });
  compose(stack, ['down', '-v', '--remove-orphans']); // what an earlier run left
  await timed('stack A: up to healthy', async () => {
    compose(stack, ['up', '-d']);
    await healthy();
  });
}, 1_800_000);

afterAll(async () => {
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'containers-restore.json'), `${JSON.stringify(measures, null, 2)}\n`);
  console.log(`RESTORE ${JSON.stringify(measures)}`);
  if (stack && !process.env.ERPBI_CT_KEEP) {
    compose(stack, ['down', '-v', '--remove-orphans']);
    rmSync(stack.dir, { recursive: true, force: true });
    if (backups) rmSync(join(backups, '..'), { recursive: true, force: true });
  }
}, 300_000);

describe('a backup of one box restored onto a second, blank one', () => {
  it('box A: people made through the admin API sign in; their orders are invoiced and the PDFs stored', async () => {
    const t = Date.now();
    for (const p of Object.values(people))
      before.ids[p.username] = await waitFor(() => ensureUser(stack, p).catch(() => undefined), {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: `${p.username} made through the admin API`,
      });
    // through the front door, which may still be finding the issuer
    const admin = await waitFor(() => signInAs(people.admin.username, people.admin.password), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the admin to sign in at auth.erpbi.lan',
    });
    const clerk = await signInAs(people.clerk.username, people.clerk.password);
    expect(decodeJwt(clerk)).toMatchObject({ sub: before.ids[people.clerk.username], realm_access: { roles: ['clerk'] } });
    await expect(signInAs(people.clerk.username, 'not-the-password')).rejects.toBeInstanceOf(SignInRefused);

    expect(
      (await request(box, admin, '/function/upsert-product', { sku: 'RS-A', name: 'Restore A', unitPrice: 1999, currency: 'EUR', taxRateBp: 2000 })).status,
    ).toBe(200);
    expect((await request(box, clerk, '/function/receive-stock', { sku: 'RS-A', quantity: 100 })).status).toBe(200);
    expect((await request(box, clerk, '/function/upsert-customer', { id: 'rs-1', name: 'Restore Customer', paymentTermsDays: 14 })).status).toBe(200);
    const ids: string[] = [];
    for (const [i, quantity] of [1, 2, 3].entries()) {
      const order = await request(
        box,
        clerk,
        '/function/create-order',
        { customerId: 'rs-1', lines: [{ sku: 'RS-A', quantity }] },
        { 'idempotency-key': `restore-order-${i}` },
      );
      expect(order.status, JSON.stringify(order.body)).toBe(201);
      ids.push(order.body.id);
    }
    for (const id of ids) {
      const o = await waitFor(
        async () => {
          const r = await request(box, clerk, `/function/query/orders/${id}`);
          return r.body?.status === 'invoiced' && r.body.invoiceId ? r.body : undefined;
        },
        { timeoutMs: 60_000, what: `order ${id} to be invoiced` },
      );
      before.orders.push({ id, total: o.total, status: o.status, invoiceId: o.invoiceId });
      const pdf = await waitFor(() => invoicePdf(clerk, o.invoiceId), { timeoutMs: 60_000, what: `the PDF of invoice ${o.invoiceId}` });
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
      before.pdfSha256[o.invoiceId] = sha256(pdf);
    }
    before.objects = await storedObjects();
    expect(Object.values(before.objects), 'every invoice PDF is an object of the bucket').toEqual(expect.arrayContaining(Object.values(before.pdfSha256)));
    measures['box A: people, 3 orders invoiced, PDFs'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  });

  it("box A: `erpbi backup --tar` holds erpbi's database, Keycloak's and every stored document", async () => {
    const recipient = /age1[0-9a-z]+/.exec(cli(['backup', 'keygen', '--out', '/backups/backup-identity.txt'], {}))?.[0];
    expect(recipient).toBeDefined();
    const out = await timed('backup (erpbi backup --tar)', () =>
      compose(stack, [
        'run',
        '--rm',
        '--no-deps',
        '-v',
        `${backups}:/backups`,
        '-v',
        `${projectName}_olap_data:/data/olap:ro`,
        ...Object.entries({ NATS_URL: 'nats://erpbi-nats:4222', ERPBI_BACKUP_RECIPIENTS: recipient!, ...keycloakAndDocuments() }).flatMap(([k, v]) => [
          '-e',
          `${k}=${v}`,
        ]),
        'connector',
        'sh',
        '-c',
        'node bin/erpbi.mjs backup --tar --out /backups 2>&1',
      ]),
    );
    const archive = /\/backups\/\S+\.tar\.gz/.exec(out)?.[0];
    expect(archive, out).toBeDefined();
    expect(out, 'the keycloak database in the backup').toMatch(/keycloak: \d+ tables, [1-9]\d* rows/);
    expect(Object.keys(before.objects).length, 'box A stored the PDFs').toBeGreaterThanOrEqual(3);
    expect(out, 'the documents in the backup').toMatch(new RegExp(`documents: ${Object.keys(before.objects).length} objects`));
    (before as { archive?: string }).archive = archive;
  });

  it('box B, blank, restored as the runbook says: the same orders, the same PDFs byte for byte, the same people signing in', async () => {
    const archive = (before as { archive?: string }).archive!;
    const t = Date.now();
    // A is gone, volumes and all. B: new secrets, new volumes; the backups directory is the office's copy.
    compose(stack, ['down', '-v', '--remove-orphans']);
    const a = stack;
    stack = start();
    compose(stack, ['up', '-d', 'postgres', 'erpbi-nats', storage.service]); // the writers stay stopped
    const superuser = () => new pg.Client({ connectionString: `postgres://erpbi:${stack.secret('postgres-password')}@${ip('postgres')}:5432/postgres` });
    // Postgres up with its init done (the keycloak database and erpbi's roles made on the empty pgdata)
    await waitFor(
      async () => {
        const c = superuser();
        try {
          await c.connect();
          return (
            (await c.query(`select count(*)::int as n from pg_roles where rolname in ('keycloak', 'erpbi_owner', 'erpbi_app', 'erpbi_reader')`)).rows[0].n === 4
          );
        } finally {
          await c.end().catch(() => {});
        }
      },
      { timeoutMs: 120_000, intervalMs: 500, what: "box B's Postgres with its roles" },
    );
    // the bucket, as the installer makes it (with the storage's admin keys); the stand-in may have made it already
    await waitFor(
      async () => {
        const s3 = new S3Client({
          endpoint: `http://${ip(storage.service)}:${storage.port}`,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: localStorageKeys,
        });
        await s3.send(new CreateBucketCommand({ Bucket: 'erpbi-documents' })).catch((err: unknown) => {
          if (!(err instanceof S3ServiceException && ['BucketAlreadyExists', 'BucketAlreadyOwnedByYou'].includes(err.name))) throw err;
        });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "box B's bucket" },
    );
    expect(await storedObjects()).toEqual({});

    const restored = await timed('restore (erpbi restore)', () =>
      compose(stack, [
        'run',
        '--rm',
        '--no-deps',
        '-v',
        `${backups}:/backups`,
        '-v',
        `${projectName}_olap_data:/data/olap`,
        '-v',
        `${stack.dir}/secrets/database-url-migrate:/run/secrets/database-url-migrate:ro`,
        ...Object.entries({
          DATABASE_ACCESS: 'migrate',
          NATS_URL: 'nats://erpbi-nats:4222',
          ERPBI_BACKUP_IDENTITY_FILE: '/backups/backup-identity.txt',
          ...keycloakAndDocuments(),
        }).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        // a new box's stream is empty (restore makes it): A's events go in again, so B's projector rebuilds OLAP from them
        'connector',
        'sh',
        '-c',
        `node bin/erpbi.mjs restore ${archive} --republish-events 2>&1`,
      ]),
    );
    expect(restored, restored).toMatch(/keycloak restored/);
    // the documents are back in B's storage before anything could render them again
    expect(await storedObjects()).toEqual(before.objects);

    await timed('box B: up to healthy after the restore', async () => {
      compose(stack, ['up', '-d']);
      await healthy();
    });
    // the people of A, with their passwords and roles, by the same ids (the stand-in reads the restored keycloak database)
    const clerk = await waitFor(() => signInAs(people.clerk.username, people.clerk.password), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the clerk to sign in on box B',
    });
    const admin = await signInAs(people.admin.username, people.admin.password);
    expect(decodeJwt(clerk)).toMatchObject({ sub: before.ids[people.clerk.username], realm_access: { roles: ['clerk'] } });
    expect(decodeJwt(admin)).toMatchObject({ sub: before.ids[people.admin.username], realm_access: { roles: ['admin'] } });
    await expect(signInAs(people.clerk.username, 'not-the-password')).rejects.toBeInstanceOf(SignInRefused);
    // B's own bootstrap admin was not made over the restored master realm: A's is there, with A's password
    await expect(
      fetch('http://127.0.0.1:8081/realms/master/protocol/openid-connect/token', {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: stack.secret('keycloak-admin-password') }),
      }).then((r) => r.status),
    ).resolves.toBe(401);
    await expect(ensureUser(a, people.clerk)).resolves.toBe(before.ids[people.clerk.username]);

    // the same orders, through the query function, and the same PDFs byte for byte
    for (const o of before.orders) {
      const now = await waitFor(
        async () => {
          const r = await request(box, clerk, `/function/query/orders/${o.id}`);
          return r.status === 200 ? r.body : undefined;
        },
        { timeoutMs: 60_000, what: `order ${o.id} on box B` },
      );
      expect({ id: now.id, total: now.total, status: now.status, invoiceId: now.invoiceId }).toEqual(o);
      const pdf = await waitFor(() => invoicePdf(admin, o.invoiceId), { timeoutMs: 60_000, what: `the PDF of invoice ${o.invoiceId} on box B` });
      expect(sha256(pdf), `invoice ${o.invoiceId}`).toBe(before.pdfSha256[o.invoiceId]);
    }
    // OLAP on B, rebuilt by its projector from the republished events: A's invoiced orders are counted
    await waitFor(
      async () => {
        const f = await request(box, admin, '/function/project-to-olap/query/order_funnel');
        const invoiced =
          f.status === 200
            ? (f.body.rows as { status: string; orders: number }[]).filter((r) => r.status === 'invoiced').reduce((n, r) => n + Number(r.orders), 0)
            : 0;
        return invoiced >= before.orders.filter((o) => o.status === 'invoiced').length && invoiced > 0;
      },
      { timeoutMs: 60_000, what: "the BI order funnel on box B to count A's invoiced orders" },
    );
    // and B works on: a new order of the restored clerk is invoiced
    const next = await request(
      box,
      clerk,
      '/function/create-order',
      { customerId: 'rs-1', lines: [{ sku: 'RS-A', quantity: 1 }] },
      { 'idempotency-key': 'restore-order-on-b' },
    );
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    await waitFor(async () => (await request(box, clerk, `/function/query/orders/${next.body.id}`)).body?.status === 'invoiced', {
      timeoutMs: 60_000,
      what: 'a new order on box B to be invoiced',
    });
    measures['box B: blank to restored and checked'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  });
});
