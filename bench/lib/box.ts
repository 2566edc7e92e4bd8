import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startBox, type Box } from '../../tests/support/box.js';
import { waitFor } from '../../tests/support/wait.js';
import type { BoxFile } from '../../runtime/box/box.js';
import { readSuperuserPassword } from '../../runtime/box/postgres-superuser.js';
import type { Role } from '../../shared/auth/roles.js';
import type { NatsCredentials } from '../../shared/events/bus.js';
import { Client } from './http.js';

export interface BenchBox {
  box: Box;
  http: Client;
  tokens: Record<Role, string>;
  pgPort: number;
  natsUrl: string;
  natsCredentials: NatsCredentials | undefined;
  pgUrl: (database?: string) => string;
}

/** A fresh box (runtime/box/start.mjs as a child process, as `npm start` runs it) on a data dir and port of its own. */
export async function startBenchBox(dataDir: string, env: Record<string, string> = {}): Promise<BenchBox> {
  mkdirSync(dataDir, { recursive: true });
  const box = await startBox({ dataDir, readyTimeoutMs: 180_000, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env } }); // info: what `npm start` logs
  // /healthz can answer 200 a moment before the runtime writes pids.json.
  await waitFor(async () => existsSync(join(dataDir, 'pids.json')), { timeoutMs: 10_000, what: 'pids.json' });
  const file = JSON.parse(readFileSync(join(dataDir, 'box.json'), 'utf8')) as BoxFile;
  if (!file.pgPort || !file.natsPort) throw new Error('box.json has no pgPort/natsPort: the box did not start its embedded Postgres and nats-server');
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'clerk', 'accountant', 'service'] as Role[]) tokens[role] = await box.token(role, `bench-${role}`);
  const pgPort = file.pgPort;
  // The embedded Postgres' superuser has a password of the data dir's own (runtime/box/postgres-superuser.ts).
  const pgPassword = encodeURIComponent(readSuperuserPassword(dataDir) ?? '');
  return {
    box,
    http: new Client(box.url),
    tokens,
    pgPort,
    // every server of a cluster (NATS_CLUSTER_SIZE, bench/cluster.ts), else the one
    natsUrl: (file.natsPorts ?? [file.natsPort]).map((p) => `nats://127.0.0.1:${p}`).join(','),
    // The box's nats-server lets no one in without a user (runtime/box/nats.ts): the bench reads as its operator.
    natsCredentials: file.natsPasswords ? { user: 'operator', password: file.natsPasswords.operator } : undefined,
    pgUrl: (database = 'erpbi') => `postgres://postgres:${pgPassword}@127.0.0.1:${pgPort}/${database}`,
  };
}

export interface Catalogue {
  skus: { sku: string; unitPrice: number }[];
  customers: string[];
}

/** Products with plenty of stock and customers, loaded through the gateway as a user would. */
export async function loadCatalogue(b: BenchBox, products: number, customers: number, unitsPerSku: number): Promise<Catalogue> {
  const skus: Catalogue['skus'] = [];
  const check = (what: string, r: { status: number; body: unknown }) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await Promise.all(
    Array.from({ length: products }, async (_, i) => {
      const sku = `SKU-${String(i + 1).padStart(4, '0')}`;
      const unitPrice = 100 + ((i * 7919) % 9900);
      check(
        'upsert-product',
        await b.http.post('/function/upsert-product', b.tokens.admin, {
          sku,
          name: `Product ${i + 1}`,
          unitPrice,
          currency: 'EUR',
          taxRateBp: i % 3 === 0 ? 1000 : 2000,
        }),
      );
      for (let left = unitsPerSku; left > 0; left -= 1_000_000) {
        check('receive-stock', await b.http.post('/function/receive-stock', b.tokens.clerk, { sku, quantity: Math.min(left, 1_000_000) }));
      }
      skus.push({ sku, unitPrice });
    }),
  );
  const ids: string[] = [];
  for (let start = 0; start < customers; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, customers - start) }, async (_, k) => {
        const id = `cust-${start + k + 1}`;
        check(
          'upsert-customer',
          await b.http.post('/function/upsert-customer', b.tokens.clerk, {
            id,
            name: `Customer ${start + k + 1}`,
            paymentTermsDays: [0, 14, 30, 60][(start + k) % 4]!,
          }),
        );
        ids.push(id);
      }),
    );
  }
  skus.sort((a, b2) => a.sku.localeCompare(b2.sku));
  return { skus, customers: ids.sort() };
}

export async function pgQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Committed transactions of a database so far (pg_stat_database is flushed by backends about once a second). */
export async function commits(url: string, database = 'erpbi'): Promise<number> {
  const rows = await pgQuery<{ c: string }>(url, 'select xact_commit::text as c from pg_stat_database where datname = $1', [database]);
  return Number(rows[0]?.c ?? 0);
}
