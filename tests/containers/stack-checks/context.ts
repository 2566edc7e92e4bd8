import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createPool, type Pool } from '../../../shared/db/pool.js';
import type { Box } from '../../support/box.js';
import { waitFor } from '../../support/wait.js';
import { stackFunctions } from '../../deploy/support.js';
import { containerId, front, signIn, state, stats, type Stack } from '../stack.js';
import { type Registry } from '../images.js';

// What the container test's checks share: the running stack, the registry, the connections to its
// Postgres and NATS (remade after each down and up), the measures written at the end, and the data
// the checks make. stack.test.ts's hooks fill `ct`; the checks read it when they run.

export const ct = {} as { stack: Stack; registry: Registry | undefined; db: Pool; nc: NatsConnection };
/** erpbi's images: the service image and one per stack.yml function. */
export const images = ['erpbi', ...Object.keys(stackFunctions())];
/** The containers run from erpbi's images (the keycloak and seaweedfs stand-ins are the service image too). */
export const ownServices = ['migrate', 'storage-init', 'connector', 'gateway', 'project-to-olap', 'keycloak', 'seaweedfs', ...Object.keys(stackFunctions())];
export const measures: Record<string, unknown> = {};
export const skus = ['CT-A', 'CT-B', 'CT-C', 'CT-D'];
export const customers = ['ct-1', 'ct-2', 'ct-3'];
/** What the fault suite's driver and invariants need of a box: the front door, tokens, the stream. */
export const box = { url: front, token: signIn, stream: 'ERP_EVENTS' } as unknown as Box;
/** The walk-through's order, taken into the driver's flow so the invariants count every order. */
export const walkThrough: { id?: string; total?: number; lines: { sku: string; quantity: number }[] } = { lines: [] };

export const timed = (what: string, f: () => void) => {
  const t = Date.now();
  f();
  measures[what] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
};
export const ip = (service: string) => state(containerId(ct.stack, service)).ip;
export const healthy = () =>
  waitFor(async () => (await fetch(`${front}/healthz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 180_000,
    intervalMs: 500,
    what: 'the front door /healthz to answer 200',
  });

/** Memory in use per container of the project, in MB, once the stack has started and settled. */
export const idleMb = async () => Object.fromEntries(Object.entries(await stats()).map(([n, s]) => [n, Math.round(s.used / 2 ** 20)]));

export async function openData() {
  ct.db = createPool(`postgres://erpbi:${ct.stack.secret('postgres-password')}@${ip('postgres')}:5432/erpbi`, 2);
  const operator = { user: 'operator', pass: ct.stack.secret('nats-operator') };
  ct.nc = await connect({ servers: `nats://${ip('erpbi-nats')}:4222`, name: 'container-test', maxReconnectAttempts: -1, reconnectTimeWait: 250, ...operator });
}
export async function closeData() {
  await ct.nc?.close().catch(() => {});
  await ct.db?.end().catch(() => {});
}
