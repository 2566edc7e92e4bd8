import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, ensureStreams, type Bus } from '../../shared/events/bus.js';
import { natsPasswordShape, natsUsers, type NatsUser } from '../../shared/events/nats-users.js';
import { replayStream } from '../../olap/replay.js';
import { freePort } from '../../runtime/box/box.js';
import { natsPasswords, startNats } from '../../runtime/box/nats.js';
import type { Service } from '../../runtime/box/keep-alive.js';

// erpbi's NATS users (shared/events/nats-users.ts) on a real nats-server started as `npm start` starts
// its own: who may publish, read and delete what. The same block is compose/nats/users.conf on the Pi.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-nats-users-'));
const prefix = 'erp';
const stream = 'ERP_EVENTS';
const passwords = natsPasswords();
let server: Service;
const open: Bus[] = [];

async function as(user: NatsUser): Promise<Bus> {
  const bus = await connectBus(server.url, `test-${user}`, { credentials: { user, password: passwords[user] } });
  open.push(bus);
  return bus;
}
/** A JetStream publish (the server's ack is the answer): refused or unanswered within 2 s is a failure. */
const publish = (bus: Bus, subject: string) => bus.js.publish(subject, '{}', { timeout: 2000 });

beforeAll(async () => {
  mkdirSync(join(dir, 'logs'));
  server = await startNats(dir, await freePort(), { passwords, prefix });
  await ensureStreams((await as('connector')).nc, stream, prefix);
});
afterAll(async () => {
  await Promise.all(open.map((b) => b.nc.close().catch(() => {})));
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("erpbi's nats-server", () => {
  it('lets no one in without a user and the right password', async () => {
    await expect(connect({ servers: server.url, timeout: 2000 })).rejects.toThrow(/authoriz/i);
    await expect(connect({ servers: server.url, timeout: 2000, user: 'orders', pass: passwords.billing })).rejects.toThrow(/authoriz/i);
    expect(new Set(natsUsers).size).toBe(Object.keys(passwords).length);
  });

  it('makes passwords nats-server reads as strings, and replaces a kept one it would not', () => {
    // Unquoted config values: `12-34...` would be a date and stop the server, `1e5...` a number.
    for (let i = 0; i < 200; i++) for (const p of Object.values(natsPasswords())) expect(p).toMatch(natsPasswordShape);
    expect(natsPasswords({ orders: '12-34abcdefabcdef0' }).orders).not.toBe('12-34abcdefabcdef0');
    expect(natsPasswords({ orders: passwords.orders }).orders).toBe(passwords.orders);
  });

  it("lets a domain's functions publish its events and no other domain's, nor read any", async () => {
    const orders = await as('orders');
    await expect(publish(orders, 'erp.orders.order_created')).resolves.toMatchObject({ stream });
    await expect(publish(orders, 'erp.billing.payment_received')).rejects.toThrow();
    await expect(publish(orders, 'dlq.erp.orders.order_created')).rejects.toThrow();
    const billing = await as('billing');
    await expect(publish(billing, 'erp.billing.payment_received')).resolves.toMatchObject({ stream });
    await expect(publish(billing, 'erp.hr.employee_hired')).rejects.toThrow();
    // The order status moves made in inventory's and billing's own transactions, and nothing else of the orders'.
    await expect(publish(billing, 'erp.orders.order_status_changed')).resolves.toMatchObject({ stream });
    await expect(publish(billing, 'erp.orders.order_rejected')).rejects.toThrow();
    await expect(publish(billing, 'erp.orders.order_created')).rejects.toThrow();
    const inventory = await as('inventory');
    for (const type of ['order_status_changed', 'order_rejected']) await expect(publish(inventory, `erp.orders.${type}`)).resolves.toMatchObject({ stream });
    await expect(publish(inventory, 'erp.orders.order_cancelled')).rejects.toThrow();
    // Reading events (salaries, emails) is the connector's and projector's alone: not from the subjects,
    // nor from the inboxes JetStream delivers their consumers' messages to.
    for (const subject of ['erp.>', '_INBOX.>', '_INBOX_connector.>', '_INBOX_projector.>', '>']) {
      await expect(orders.nc.subscribe(subject).closed, subject).resolves.toBeInstanceOf(Error);
    }
    await expect(jetstreamManager(orders.nc).then((m) => m.streams.info(stream))).rejects.toThrow();
  });

  it('lets the silent functions (query, render-document) publish nothing', async () => {
    const silent = await as('silent');
    await expect(publish(silent, 'erp.billing.invoice_created')).rejects.toThrow();
  });

  it('lets the connector consume, dead-letter and republish, but never delete or purge a stream', async () => {
    const connector = await as('connector');
    await expect(publish(connector, 'erp.inventory.stock_changed')).resolves.toMatchObject({ stream });
    await expect(publish(connector, 'dlq.erp.inventory.stock_changed')).resolves.toMatchObject({ stream: `${stream}_DLQ` });
    const jsm = await jetstreamManager(connector.nc);
    await jsm.consumers.add(stream, { durable_name: 'reserve-stock', ack_policy: AckPolicy.Explicit, filter_subject: 'erp.orders.>' });
    const msg = await (await connector.js.consumers.get(stream, 'reserve-stock')).next({ expires: 2000 });
    expect(msg?.subject).toBe('erp.orders.order_created');
    await msg!.ackAck();
    await expect(jsm.streams.delete(stream)).rejects.toThrow();
    await expect(jsm.streams.purge(stream)).rejects.toThrow();
    await expect(jsm.streams.deleteMessage(stream, 1)).rejects.toThrow();
    expect((await jsm.streams.info(stream)).state.messages).toBeGreaterThan(2);
  });

  it('lets the projector replay the stream and read where it starts, and nothing more', async () => {
    const projector = await as('projector');
    const seen: number[] = [];
    await replayStream(projector.js, stream, async (batch) => void seen.push(...batch.map((e) => e.seq)));
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, n) => n + 1));
    expect(seen.length).toBeGreaterThan(2);
    expect((await (await projector.js.streams.get(stream)).info()).state.first_seq).toBe(1);
    await expect(publish(projector, 'erp.orders.order_created')).rejects.toThrow();
    const jsm = await jetstreamManager(projector.nc);
    await expect(jsm.streams.delete(stream)).rejects.toThrow();
    await expect(jsm.consumers.delete(stream, 'reserve-stock')).rejects.toThrow();
  });

  it('lets the operator (backup, restore, the CLI) do anything', async () => {
    const jsm = await jetstreamManager((await as('operator')).nc);
    await expect(jsm.consumers.delete(stream, 'reserve-stock')).resolves.toBe(true);
  });
});
