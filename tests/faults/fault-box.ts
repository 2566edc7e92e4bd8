import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createPool, type Pool } from '../../shared/db/pool.js';
import { readSuperuserPassword } from '../../runtime/box/postgres-superuser.js';
import { startBox, type Box } from '../support/box.js';
import { request, tokensFor } from './driver.js';

// A box of its own for a fault test: started, stocked and connected to (its Postgres, its NATS), and
// its processes read from the files the runtime keeps (pids.json, box.json) and from /proc.

/** The box's own nats-server, as its operator (every client of it signs in: shared/events/nats-users.ts). */
export async function connectNats(port: number | number[], operatorPassword: string): Promise<NatsConnection> {
  return connect({
    // a cluster's every server (NATS_CLUSTER_SIZE: tests/cluster/)
    servers: [port].flat().map((p) => `nats://127.0.0.1:${p}`),
    name: 'faults-suite',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    user: 'operator',
    pass: operatorPassword,
  });
}

/** pids.json of the box, read again each time (the runtime rewrites it on every restart). */
export function readPids(box: Box): Record<string, number> {
  for (let i = 0; i < 20; i++) {
    try {
      return JSON.parse(readFileSync(join(box.dataDir, 'pids.json'), 'utf8')) as Record<string, number>;
    } catch {
      // being rewritten: read again
    }
  }
  throw new Error('pids.json unreadable');
}

/** The box's embedded Postgres and nats-server, and its NATS operator's password (runtime/box/nats.ts). */
export function boxPorts(box: Box): { pgPort: number; natsPort: number; natsPorts: number[]; natsOperatorPassword: string } {
  const file = JSON.parse(readFileSync(join(box.dataDir, 'box.json'), 'utf8')) as {
    pgPort: number;
    natsPort: number;
    natsPorts?: number[];
    natsPasswords: { operator: string };
  };
  return { pgPort: file.pgPort, natsPort: file.natsPort, natsPorts: file.natsPorts ?? [file.natsPort], natsOperatorPassword: file.natsPasswords.operator };
}

export function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A box of its own for a fault test, with a Postgres pool and a NATS connection to its private
 * servers, and a catalogue (1,000 units of each sku) and customers loaded through the gateway.
 */
export async function openStockedBox(opts: {
  skus: { sku: string; name: string; unitPrice: number }[];
  customers: { id: string; name: string; paymentTermsDays: number }[];
  /** The box's settings beyond the test's own (tests/cluster/: NATS_CLUSTER_SIZE, EVENTS_REPLICAS). */
  env?: Record<string, string>;
}) {
  const box = await startBox({ readyTimeoutMs: 150_000, ...(opts.env ? { env: opts.env } : {}) });
  const { pgPort, natsPorts, natsOperatorPassword } = boxPorts(box);
  // the box's superuser, with the password it made at its first start (runtime/box/postgres-superuser.ts)
  const db = createPool(`postgres://postgres:${encodeURIComponent(readSuperuserPassword(box.dataDir)!)}@127.0.0.1:${pgPort}/erpbi`, 3);
  const nc = await connectNats(natsPorts, natsOperatorPassword);
  const token = tokensFor(box);
  for (const p of opts.skus) {
    const product = await request(box, await token('admin'), '/function/upsert-product', { ...p, currency: 'EUR', taxRateBp: 2000 });
    const stock = await request(box, await token('clerk'), '/function/receive-stock', { sku: p.sku, quantity: 1000, unitCost: 200 });
    if (product.status !== 200 || stock.status !== 200) throw new Error(`loading ${p.sku}: ${product.status}/${stock.status}`);
  }
  const customers: string[] = [];
  for (const c of opts.customers) {
    const res = await request(box, await token('clerk'), '/function/upsert-customer', c);
    if (res.status !== 200) throw new Error(`loading customer ${c.id}: ${res.status}`);
    customers.push(res.body.id);
  }
  // Suppliers billing in the skus' currency: purchases (issue 20) join the flow when the routes exist.
  const suppliers: string[] = [];
  for (const name of ['Faults Supplies', 'Faults Wholesale']) {
    const res = await request(box, await token('admin'), '/function/upsert-product/supplier', { name, currency: 'EUR', paymentTermsDays: 30 });
    if (res.status !== 200) throw new Error(`loading supplier ${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    suppliers.push(res.body.supplierId);
  }
  return { box, db, nc, customers, suppliers };
}

/**
 * Closes what openStockedBox opened and stops the box; a box that did not stop cleanly prints the end of
 * its output. `keep` leaves the data dir (its logs) to read after a failure.
 */
export async function closeStockedBox(opened: { box?: Box; db?: Pool; nc?: NatsConnection }, keep = false): Promise<void> {
  await opened.nc?.close().catch(() => {});
  await opened.db?.end().catch(() => {});
  if (!opened.box) return;
  const code = await opened.box.stop();
  if (code !== 0) console.log(opened.box.output().slice(-4000));
  if (keep) console.log(`kept ${opened.box.dataDir}`);
  else opened.box.remove();
}
